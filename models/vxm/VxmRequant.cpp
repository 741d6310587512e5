#include "VxmRequant.h"

#include <cassert>

namespace lpu {

int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding)
{
    assert(shift <= 63);
    return vxm_with_rounding(rounding, [&](auto r) { return vxm_round_shift_as<decltype(r)::value>(p, shift); });
}

int32_t vxm_requantize(const VxmRequant& rq, int32_t x)
{
    return vxm_with_rounding(rq.rounding, [&](auto r) { return vxm_requantize_as<decltype(r)::value>(rq, x); });
}

}  // namespace lpu
