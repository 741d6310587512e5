#include "vxm/VxmType.h"

#include "common/Error.h"

#include <cassert>

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

int32_t vxm_lane_to_int(VxmType t, uint32_t lane)
{
    assert(vxm_is_int(t));
    switch (t) {
    case VxmType::I8: return static_cast<int8_t>(static_cast<uint8_t>(lane));
    case VxmType::I16: return static_cast<int16_t>(static_cast<uint16_t>(lane));
    default: return static_cast<int32_t>(lane);
    }
}

uint32_t vxm_int_to_lane(VxmType t, int64_t value)
{
    // Conversion to an unsigned type is modular by definition; the narrowing casts below are
    // modular too (defined since C++20, and what GCC and Clang have always done).
    const auto low = static_cast<uint32_t>(static_cast<uint64_t>(value));
    return vxm_canonical(t, low);
}

uint32_t vxm_canonical(VxmType t, uint32_t lane)
{
    switch (t) {
    case VxmType::I8:
    case VxmType::I16: return static_cast<uint32_t>(vxm_lane_to_int(t, lane));
    case VxmType::F16: return lane & 0xFFFFu;
    case VxmType::I32:
    case VxmType::F32: return lane;
    }
    return lane;
}

int32_t vxm_int_min(VxmType t)
{
    assert(vxm_is_int(t));
    return t == VxmType::I8 ? -128 : t == VxmType::I16 ? -32768 : INT32_MIN;
}

int32_t vxm_int_max(VxmType t)
{
    assert(vxm_is_int(t));
    return t == VxmType::I8 ? 127 : t == VxmType::I16 ? 32767 : INT32_MAX;
}

}  // namespace lpu
