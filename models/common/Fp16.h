// IEEE 754 binary16 <-> binary32 conversion on bit patterns (docs/vxm-numerics.md section 4),
// written out in integer arithmetic so that it is exact and the same on every host, plus the
// bit-cast helpers the VXM uses to move between lane words and floats.
#pragma once

#include <cstdint>
#include <cstring>

namespace lpu {

// The NaN every VXM arithmetic operation returns (positive, quiet, zero payload).
constexpr uint32_t kF32CanonicalNaN = 0x7FC00000u;
constexpr uint16_t kF16CanonicalNaN = 0x7E00u;

inline uint32_t f32_bits(float f)
{
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

inline float f32_from_bits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
}

inline bool f32_is_nan(uint32_t b) { return (b & 0x7FFFFFFFu) > 0x7F800000u; }
inline bool f16_is_nan(uint16_t h) { return (h & 0x7FFFu) > 0x7C00u; }

// binary32 -> binary16: round to nearest, ties to even; magnitudes that round beyond 65504
// become infinity; results below the normal range are subnormal or zero (sign kept). A NaN stays
// a NaN with its sign and the top 9 payload bits, and is made quiet.
uint16_t f32_to_f16(uint32_t f);

// binary16 -> binary32: exact (every binary16 value is a binary32 value). A NaN keeps its sign
// and payload and is made quiet.
uint32_t f16_to_f32(uint16_t h);

}  // namespace lpu
