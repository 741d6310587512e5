// The order of slices along a superlane, west to east (spec section 2): the outer MXM planes,
// an SXM, half the MEM slices, the VXM in the centre, the other half mirrored. A slice's
// position is its index in that order; streams move one position per cycle, so the distance
// between two slices is the number of cycles a vector needs to go from one to the other.
#pragma once

#include <string>
#include <vector>

namespace lpu {

enum class SliceKind { MXM, SXM, MEM, VXM, C2C };
enum class Hemisphere { West, Centre, East };

const char* slice_kind_name(SliceKind kind);

struct SliceInfo {
    SliceKind kind;
    Hemisphere hemisphere;
    unsigned index;     // within its kind and hemisphere, counted outward from the VXM
    unsigned position;  // west to east, from 0
    std::string name;   // e.g. "MEM_W12", "MXM_E1", "VXM"
};

class Floorplan {
public:
    // `mxm_planes` and `mem_slices` are chip totals, split evenly between the hemispheres.
    // Throws std::invalid_argument for odd counts (the config schema rejects those first). With
    // `c2c`, one C2C slice (all the chip's links) stands east of the outermost east MXM plane:
    // the published floorplan does not place the links, and at the end no other slice moves.
    Floorplan(unsigned mxm_planes, unsigned mem_slices, bool c2c = false);

    const std::vector<SliceInfo>& slices() const { return slices_; }
    unsigned positions() const { return static_cast<unsigned>(slices_.size()); }
    const SliceInfo& at(unsigned position) const { return slices_.at(position); }
    // The slice called `name`, or nullptr.
    const SliceInfo* find(const std::string& name) const;
    const SliceInfo& vxm() const { return slices_[vxm_position_]; }

    // Cycles a stream value needs from position a to position b.
    static unsigned hops(unsigned a, unsigned b) { return a > b ? a - b : b - a; }

private:
    void add(SliceKind kind, Hemisphere side, unsigned index);

    std::vector<SliceInfo> slices_;
    unsigned vxm_position_ = 0;
};

}  // namespace lpu
