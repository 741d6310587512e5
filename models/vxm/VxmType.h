// Element types of the vector execution module and the lane word that carries one element
// (docs/vxm-numerics.md section 1). Every VXM lane is 32 bits wide; narrower types live in its
// low bits.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

enum class VxmType : uint8_t { I8, I16, I32, F16, F32 };
constexpr unsigned kVxmTypes = 5;
constexpr VxmType kVxmAllTypes[kVxmTypes] = {VxmType::I8, VxmType::I16, VxmType::I32, VxmType::F16,
                                             VxmType::F32};

// "i8", "i16", "i32", "f16", "f32".
const char* vxm_type_name(VxmType t);
// The inverse of vxm_type_name; any other text throws InputError naming the accepted names.
VxmType parse_vxm_type(const std::string& name);

unsigned vxm_type_bits(VxmType t);
bool vxm_is_float(VxmType t);
inline bool vxm_is_int(VxmType t) { return !vxm_is_float(t); }

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
