// Requantisation int32 -> int8/uint8, the step after an MXM accumulation (docs/vxm-numerics.md
// section 5): q = saturate(round(x * M / 2^shift) + zero_point), computed exactly in 64-bit
// integer arithmetic.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

// How x * M / 2^shift is rounded to an integer.
enum class VxmRounding : uint8_t {
    HalfEven,  // "half_even": nearest, ties to even (IEEE default)
    HalfAway,  // "half_away": nearest, ties away from zero (C round())
    HalfUp,    // "half_up": nearest, ties toward +infinity ((p + 2^(shift-1)) >> shift, as TFLite)
    Floor,     // "floor": toward -infinity (a plain arithmetic shift right)
};
constexpr unsigned kVxmRoundings = 4;

const char* vxm_rounding_name(VxmRounding r);
VxmRounding parse_vxm_rounding(const std::string& name);  // throws InputError

struct VxmRequant {
    int32_t multiplier = 1;  // M: any int32; a Q31 multiplier m/2^31 is M = m, shift = 31 + s
    unsigned shift = 0;      // 0..63
    int32_t zero_point = 0;  // added after rounding, before saturation
    VxmRounding rounding = VxmRounding::HalfEven;
    bool out_unsigned = false;  // saturate to uint8 0..255 (else int8 -128..127)

    // Throws InputError if a field is out of range (shift > 63).
    void validate() const;
};

// round(p / 2^shift) for 0 <= shift <= 63 with the given rounding; exact for every int64 p.
int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding);

// The requantised value of x: in [-128, 127], or [0, 255] with out_unsigned. The parameters must
// be valid (validate()).
int32_t vxm_requantize(const VxmRequant& rq, int32_t x);

}  // namespace lpu
