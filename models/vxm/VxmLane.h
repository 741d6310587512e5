// The lane word that carries one VXM element (docs/vxm-numerics.md section 1). Every VXM lane is
// 32 bits wide; narrower types live in its low bits.
#pragma once

#include "models/isa/VxmType.h"

#include <cstdint>

namespace lpu {

// Lane words. An operation reads only the low vxm_type_bits(t) bits of a lane (the rest are
// don't-care) and writes its result in canonical form: integers sign-extended to 32 bits, f16
// zero-extended, f32 as is.
uint32_t vxm_canonical(VxmType t, uint32_t lane);
// The integer an integer-typed lane holds.
int32_t vxm_lane_to_int(VxmType t, uint32_t lane);
// The canonical lane for `value` reduced modulo 2^bits (two's complement wrap).
uint32_t vxm_int_to_lane(VxmType t, int64_t value);
// Smallest and largest value of an integer type.
int32_t vxm_int_min(VxmType t);
int32_t vxm_int_max(VxmType t);

}  // namespace lpu
