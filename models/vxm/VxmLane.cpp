#include "VxmLane.h"

#include <cassert>

namespace lpu {

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
