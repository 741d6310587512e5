#include "VxmType.h"

#include "models/common/Error.h"

namespace lpu {

const char* vxm_type_name(VxmType t)
{
    switch (t) {
    case VxmType::I8: return "i8";
    case VxmType::I16: return "i16";
    case VxmType::I32: return "i32";
    case VxmType::F16: return "f16";
    case VxmType::F32: return "f32";
    }
    return "?";
}

VxmType parse_vxm_type(const std::string& name)
{
    for (VxmType t : kVxmAllTypes)
        if (name == vxm_type_name(t))
            return t;
    throw InputError("unknown VXM type '" + name + "' (expected i8, i16, i32, f16 or f32)");
}

unsigned vxm_type_bits(VxmType t)
{
    switch (t) {
    case VxmType::I8: return 8;
    case VxmType::I16:
    case VxmType::F16: return 16;
    case VxmType::I32:
    case VxmType::F32: return 32;
    }
    return 32;
}

bool vxm_is_float(VxmType t) { return t == VxmType::F16 || t == VxmType::F32; }

}  // namespace lpu
