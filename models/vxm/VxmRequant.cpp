#include "VxmRequant.h"

#include "models/common/Error.h"

#include <algorithm>
#include <cassert>

namespace lpu {

int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding)
{
    assert(shift <= 63);
    if (shift == 0)
        return p;
    // p = fl * 2^shift + rem with 0 <= rem < 2^shift. The shift of a negative int64 is
    // arithmetic (C++20; GCC and Clang always), and the low bits of the two's complement pattern
    // are exactly the non-negative remainder.
    const int64_t fl = p >> shift;
    const uint64_t rem = static_cast<uint64_t>(p) & ((uint64_t{1} << shift) - 1);
    const uint64_t half = uint64_t{1} << (shift - 1);
    if (rounding == VxmRounding::Floor || rem < half)
        return fl;
    if (rem > half)
        return fl + 1;
    switch (rounding) {  // an exact tie: p / 2^shift = fl + 1/2
    case VxmRounding::HalfEven: return (fl & 1) ? fl + 1 : fl;
    case VxmRounding::HalfAway: return fl < 0 ? fl : fl + 1;  // fl < 0: fl + 1/2 < 0, away is fl
    case VxmRounding::HalfUp: return fl + 1;
    case VxmRounding::Floor: break;
    }
    return fl;
}

int32_t vxm_requantize(const VxmRequant& rq, int32_t x)
{
    // |x * M| <= 2^62, so the product, its rounded quotient and the added zero point all fit in
    // int64 with room to spare: no intermediate saturation or wrap exists.
    const int64_t p = int64_t{x} * int64_t{rq.multiplier};
    const int64_t v = vxm_round_shift(p, rq.shift, rq.rounding) + rq.zero_point;
    const int64_t lo = rq.out_unsigned ? 0 : -128;
    const int64_t hi = rq.out_unsigned ? 255 : 127;
    return static_cast<int32_t>(std::clamp(v, lo, hi));
}

}  // namespace lpu
