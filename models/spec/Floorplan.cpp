#include "Floorplan.h"

#include <stdexcept>

namespace lpu {

const char* slice_kind_name(SliceKind kind)
{
    switch (kind) {
    case SliceKind::MXM: return "MXM";
    case SliceKind::SXM: return "SXM";
    case SliceKind::MEM: return "MEM";
    case SliceKind::VXM: return "VXM";
    case SliceKind::C2C: return "C2C";
    }
    return "?";
}

Floorplan::Floorplan(unsigned mxm_planes, unsigned mem_slices, bool c2c)
{
    if (mxm_planes % 2 != 0 || mem_slices % 2 != 0)
        throw std::invalid_argument("Floorplan: MXM planes and MEM slices must split evenly between hemispheres");
    const unsigned mxm_half = mxm_planes / 2;
    const unsigned mem_half = mem_slices / 2;
    // West hemisphere, outermost first: indices count outward from the VXM, so they descend.
    for (unsigned i = mxm_half; i-- > 0;)
        add(SliceKind::MXM, Hemisphere::West, i);
    add(SliceKind::SXM, Hemisphere::West, 0);
    for (unsigned i = mem_half; i-- > 0;)
        add(SliceKind::MEM, Hemisphere::West, i);
    vxm_position_ = static_cast<unsigned>(slices_.size());
    add(SliceKind::VXM, Hemisphere::Centre, 0);
    for (unsigned i = 0; i < mem_half; ++i)
        add(SliceKind::MEM, Hemisphere::East, i);
    add(SliceKind::SXM, Hemisphere::East, 0);
    for (unsigned i = 0; i < mxm_half; ++i)
        add(SliceKind::MXM, Hemisphere::East, i);
    if (c2c)
        add(SliceKind::C2C, Hemisphere::Centre, 0);
}

void Floorplan::add(SliceKind kind, Hemisphere side, unsigned index)
{
    SliceInfo s{kind, side, index, static_cast<unsigned>(slices_.size()), slice_kind_name(kind)};
    if (side != Hemisphere::Centre)
        s.name += std::string(side == Hemisphere::West ? "_W" : "_E") + std::to_string(index);
    slices_.push_back(std::move(s));
}

const SliceInfo* Floorplan::find(const std::string& name) const
{
    for (const auto& s : slices_)
        if (s.name == name)
            return &s;
    return nullptr;
}

}  // namespace lpu
