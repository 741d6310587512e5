#include "vxm/VxmRequant.h"

#include "common/Error.h"

#include <algorithm>
#include <cassert>

namespace lpu {

const char* vxm_rounding_name(VxmRounding r)
{
    switch (r) {
    case VxmRounding::HalfEven: return "half_even";
    case VxmRounding::HalfAway: return "half_away";
    case VxmRounding::HalfUp: return "half_up";
    case VxmRounding::Floor: return "floor";
    }
    return "?";
}

VxmRounding parse_vxm_rounding(const std::string& name)
{
    for (VxmRounding r : {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor})
        if (name == vxm_rounding_name(r))
            return r;
    throw InputError("unknown rounding '" + name + "' (expected half_even, half_away, half_up or floor)");
}

void VxmRequant::validate() const
{
    if (shift > 63)
        throw InputError("requantisation shift " + std::to_string(shift) + " is out of range 0..63");
}

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
