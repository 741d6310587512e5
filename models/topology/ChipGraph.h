// A system's chips and links as compact adjacency arrays (offsets and neighbours, CSR): what the
// figures search. A chip joined to another by parallel links lists it once per link.
#pragma once

#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <vector>

namespace lpu {

class ChipGraph {
public:
    explicit ChipGraph(const SystemSpec& spec);

    unsigned chips() const { return static_cast<unsigned>(offset_.size() - 1); }
    // The neighbours of `chip`, one per link.
    const uint32_t* begin(unsigned chip) const { return adj_.data() + offset_[chip]; }
    const uint32_t* end(unsigned chip) const { return adj_.data() + offset_[chip + 1]; }
    // Links at `chip` (C2C ports it uses).
    unsigned links_at(unsigned chip) const { return offset_[chip + 1] - offset_[chip]; }
    // Distinct chips linked to `chip`.
    unsigned degree(unsigned chip) const;

    // Shortest paths between every two chips, by breadth-first search from every chip (64 at a
    // time, one bit each). pairs[d]: ordered pairs (a, b), a != b, d hops apart.
    struct Distances {
        std::vector<uint64_t> pairs;
        uint64_t unreachable = 0;  // ordered pairs with no route
    };
    Distances distances() const;

private:
    std::vector<uint32_t> offset_;
    std::vector<uint32_t> adj_;
};

}  // namespace lpu
