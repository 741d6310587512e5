// Requantisation int32 -> int8/uint8, the step after an MXM accumulation (docs/vxm-numerics.md
// section 5): q = saturate(round(x * M / 2^shift) + zero_point), computed exactly in 64-bit
// integer arithmetic.
#pragma once

#include "models/isa/VxmAluOp.h"

#include <cstdint>

namespace lpu {

// round(p / 2^shift) for 0 <= shift <= 63 with the given rounding; exact for every int64 p.
int64_t vxm_round_shift(int64_t p, unsigned shift, VxmRounding rounding);

// The requantised value of x: in [-128, 127], or [0, 255] with out_unsigned. The parameters must
// be valid (validate()).
int32_t vxm_requantize(const VxmRequant& rq, int32_t x);

}  // namespace lpu
