// The published multi-chip figures a system is checked against (spec section 5, TSP22): a node
// is 8 chips fully connected, each chip has 7 local and 4 global links, and the Dragonfly of up
// to 145 racks has a diameter of at most 5 hops. Each check says PASS or FAIL and why.
#pragma once

#include "models/topology/ChipGraph.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

class PublishedChecks {
public:
    struct Check {
        std::string name;
        bool pass = false;
        std::string detail;
    };

    // The checks that apply to `spec`'s topology (none for a pair or a custom system), on its
    // graph and distances.
    static std::vector<Check> of(const SystemSpec& spec, const ChipGraph& g, const ChipGraph::Distances& d);

    // Published port budget.
    static constexpr unsigned kNodeChips = 8;
    static constexpr unsigned kLocalLinks = 7;
    static constexpr unsigned kGlobalLinks = 4;
    static constexpr unsigned kMaxDiameter = 5;

    // Walks of at most `hops` hops from a chip of a fully connected node of `node_chips` chips with
    // `global` links per chip to other nodes, never two local hops in a row nor straight back over
    // the global link just taken: no wiring with that port budget reaches more chips in `hops`.
    static uint64_t reach_bound(unsigned hops, unsigned node_chips, unsigned global);

private:
    static Check node_check(const SystemSpec& spec, const ChipGraph& g);
    static Check budget_check(const SystemSpec& spec, const ChipGraph& g);
    static Check diameter_check(const SystemSpec& spec, const ChipGraph::Distances& d);
};

}  // namespace lpu
