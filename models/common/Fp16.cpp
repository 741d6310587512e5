#include "Fp16.h"

namespace lpu {

namespace {

// `mant` shifted right by `s` (1 <= s <= 63), rounded to nearest, ties to even.
uint64_t shift_right_rne(uint64_t mant, unsigned s)
{
    const uint64_t q = mant >> s;
    const uint64_t rem = mant & ((uint64_t{1} << s) - 1);
    const uint64_t half = uint64_t{1} << (s - 1);
    return (rem > half || (rem == half && (q & 1))) ? q + 1 : q;
}

}  // namespace

uint16_t f32_to_f16(uint32_t f)
{
    const auto sign = static_cast<uint16_t>((f >> 16) & 0x8000u);
    const uint32_t exp = (f >> 23) & 0xFFu;
    const uint32_t man = f & 0x7FFFFFu;
    if (exp == 0xFF) {
        if (man == 0)
            return static_cast<uint16_t>(sign | 0x7C00u);
        // NaN: keep the top payload bits, set the quiet bit (which also keeps it a NaN when the
        // kept bits are all zero).
        return static_cast<uint16_t>(sign | 0x7E00u | (man >> 13));
    }
    if (exp == 0)  // zero or binary32 subnormal (< 2^-126): far below half the smallest binary16
        return sign;
    const int e = static_cast<int>(exp) - 127;  // value = 1.man * 2^e
    if (e > 15)
        return static_cast<uint16_t>(sign | 0x7C00u);
    const uint32_t mant24 = man | 0x800000u;  // value = mant24 * 2^(e-23)
    if (e >= -14) {
        // Normal binary16: keep 11 significant bits. A carry out of the significand increments
        // the exponent field, and 0x7BFF + 1 = 0x7C00 is infinity: overflow needs no own case.
        const uint64_t sig = shift_right_rne(mant24, 13);  // in [2^10, 2^11]
        return static_cast<uint16_t>(sign + (static_cast<uint32_t>(e + 14) << 10) + sig);
    }
    // Subnormal binary16: value in units of 2^-24 is mant24 * 2^(e+1), so shift right by
    // -(e+1) >= 14. A rounding carry to 0x400 yields the smallest normal, correctly encoded.
    const unsigned s = static_cast<unsigned>(-(e + 1));
    if (s >= 25)  // |value| < 2^-25, half the smallest subnormal: rounds to zero
        return sign;
    return static_cast<uint16_t>(sign | shift_right_rne(mant24, s));
}

uint32_t f16_to_f32(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    const uint32_t man = h & 0x3FFu;
    if (exp == 0x1F)
        return man == 0 ? (sign | 0x7F800000u) : (sign | 0x7FC00000u | (man << 13));
    if (exp != 0)
        return sign | ((exp + 112) << 23) | (man << 13);  // 112 = 127 - 15
    if (man == 0)
        return sign;
    // Subnormal: man * 2^-24 with the leading one at bit p (0..9) is 1.f * 2^(p-24).
    unsigned p = 9;
    while (!(man & (1u << p)))
        --p;
    return sign | ((p + 103) << 23) | ((man << (23 - p)) & 0x7FFFFFu);  // 103 = 127 - 24
}

}  // namespace lpu
