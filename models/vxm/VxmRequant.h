// Requantisation int32 -> int8/uint8, the step after an MXM accumulation (docs/vxm-numerics.md
// section 5): q = saturate(round(x * M / 2^shift) + zero_point), computed exactly in 64-bit
// integer arithmetic.
#pragma once

#include "models/isa/VxmAluOp.h"

#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace lpu {

// round(p / 2^shift) for 0 <= shift <= 63 with the given rounding; exact for every int64 p.
int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding);

// The requantised value of x: in [-128, 127], or [0, 255] with out_unsigned. The parameters must
// be valid (validate()).
int32_t vxm_requantize(const VxmRequant& rq, int32_t x);

// The same two with the rounding mode fixed at compile time, inline: the one definition of both,
// which a loop over a vector can use with the mode chosen once (VxmAlu's vxm_apply).
template <VxmRounding R> inline int64_t vxm_round_shift_as(int64_t p, unsigned shift)
{
    if (shift == 0)
        return p;
    // p = fl * 2^shift + rem with 0 <= rem < 2^shift. The shift of a negative int64 is
    // arithmetic (C++20; GCC and Clang always), and the low bits of the two's complement pattern
    // are exactly the non-negative remainder.
    const int64_t fl = p >> shift;
    const uint64_t rem = static_cast<uint64_t>(p) & ((uint64_t{1} << shift) - 1);
    const uint64_t half = uint64_t{1} << (shift - 1);
    bool up = false;  // Floor
    // An exact tie (rem == half) is p / 2^shift = fl + 1/2: up for HalfUp, for HalfAway when
    // fl >= 0 (fl < 0: fl + 1/2 < 0, and away is fl), for HalfEven when fl is odd.
    if constexpr (R == VxmRounding::HalfUp)
        up = rem >= half;
    else if constexpr (R == VxmRounding::HalfAway)
        up = rem > half || (rem == half && fl >= 0);
    else if constexpr (R == VxmRounding::HalfEven)
        up = rem > half || (rem == half && (fl & 1) != 0);
    return fl + up;
}

// f(std::integral_constant<VxmRounding, R>{}) for the mode `r`: where a mode chosen at run time
// becomes the template argument of the functions above.
template <class F> decltype(auto) vxm_with_rounding(VxmRounding r, F&& f)
{
    switch (r) {
    case VxmRounding::HalfEven: return f(std::integral_constant<VxmRounding, VxmRounding::HalfEven>{});
    case VxmRounding::HalfAway: return f(std::integral_constant<VxmRounding, VxmRounding::HalfAway>{});
    case VxmRounding::HalfUp: return f(std::integral_constant<VxmRounding, VxmRounding::HalfUp>{});
    case VxmRounding::Floor: return f(std::integral_constant<VxmRounding, VxmRounding::Floor>{});
    }
    throw std::logic_error("unknown VXM rounding mode");
}

template <VxmRounding R> inline int32_t vxm_requantize_as(const VxmRequant& rq, int32_t x)
{
    // |x * M| <= 2^62, so the product, its rounded quotient and the added zero point all fit in
    // int64 with room to spare: no intermediate saturation or wrap exists.
    const int64_t p = int64_t{x} * int64_t{rq.multiplier};
    const int64_t v = vxm_round_shift_as<R>(p, rq.shift) + rq.zero_point;
    const int64_t lo = rq.out_unsigned ? 0 : -128;
    const int64_t hi = rq.out_unsigned ? 255 : 127;
    return static_cast<int32_t>(v < lo ? lo : v > hi ? hi : v);
}

}  // namespace lpu
