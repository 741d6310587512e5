#include "VxmRequant.h"

#include "models/common/Error.h"

#include <cassert>
#include <stdexcept>

namespace lpu {

int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding)
{
    assert(shift <= 63);
    switch (rounding) {
    case VxmRounding::HalfEven: return vxm_round_shift_as<VxmRounding::HalfEven>(p, shift);
    case VxmRounding::HalfAway: return vxm_round_shift_as<VxmRounding::HalfAway>(p, shift);
    case VxmRounding::HalfUp: return vxm_round_shift_as<VxmRounding::HalfUp>(p, shift);
    case VxmRounding::Floor: return vxm_round_shift_as<VxmRounding::Floor>(p, shift);
    }
    throw std::logic_error("vxm_round_shift: unknown rounding mode");
}

int32_t vxm_requantize(const VxmRequant& rq, int32_t x)
{
    switch (rq.rounding) {
    case VxmRounding::HalfEven: return vxm_requantize_as<VxmRounding::HalfEven>(rq, x);
    case VxmRounding::HalfAway: return vxm_requantize_as<VxmRounding::HalfAway>(rq, x);
    case VxmRounding::HalfUp: return vxm_requantize_as<VxmRounding::HalfUp>(rq, x);
    case VxmRounding::Floor: return vxm_requantize_as<VxmRounding::Floor>(rq, x);
    }
    throw std::logic_error("vxm_requantize: unknown rounding mode");
}

}  // namespace lpu
