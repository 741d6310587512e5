// Element types of the vector execution module (docs/vxm-numerics.md section 1), as VXM
// instructions name them. The lane words that carry them are models/vxm/VxmLane.h.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

enum class VxmType : uint8_t { I8, I16, I32, F16, F32 };
constexpr unsigned kVxmTypes = 5;
constexpr VxmType kVxmAllTypes[kVxmTypes] = {VxmType::I8, VxmType::I16, VxmType::I32, VxmType::F16, VxmType::F32};

// "i8", "i16", "i32", "f16", "f32".
const char* vxm_type_name(VxmType t);
// The inverse of vxm_type_name; any other text throws InputError naming the accepted names.
VxmType parse_vxm_type(const std::string& name);

unsigned vxm_type_bits(VxmType t);
bool vxm_is_float(VxmType t);
inline bool vxm_is_int(VxmType t) { return !vxm_is_float(t); }

}  // namespace lpu
