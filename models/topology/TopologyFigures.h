// What `lpusim system` reports about a system (docs/system.md, "Figures"): chips, chip types,
// links, diameter and mean distance (exact, by search from every chip), links across a balanced
// cut, per-chip port use and degree, and the published checks.
#pragma once

#include "models/topology/ChipGraph.h"
#include "models/topology/PublishedChecks.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lpu {

struct TopologyFigures {
    struct TypeUse {
        std::string name;       // the type's name in the system file
        std::string chip_name;  // its chip's own name (chip.name)
        unsigned chips = 0;
    };

    std::string name, source, kind, shape;
    unsigned chips = 0;
    std::vector<TypeUse> types;
    uint64_t links = 0;
    // Node-based topologies: links inside a node, between nodes of a rack, between racks.
    uint64_t local_links = 0, intra_rack_links = 0, inter_rack_links = 0;
    ChipGraph::Distances distances;
    unsigned diameter = 0;         // hops; of the largest part when the system is not connected
    double mean_distance = 0;      // hops, over ordered pairs of distinct chips with a route
    uint64_t halving_links = 0;    // links across the chip-order halving
    uint64_t bisection_links = 0;  // links across the balanced cut found from it
    unsigned bisection_passes = 0;
    uint64_t ports = 0, ports_used = 0;             // C2C ports of all chips, and those a link uses
    std::map<unsigned, unsigned> ports_used_chips;  // ports used -> chips
    std::map<unsigned, unsigned> ports_free_chips;  // ports free -> chips
    std::map<unsigned, unsigned> degree_chips;      // distinct neighbours -> chips
    std::vector<PublishedChecks::Check> checks;

    static TopologyFigures of(const SystemSpec& spec);
    bool checks_pass() const;
    std::string text() const;
    std::string json() const;

private:
    void count_links(const SystemSpec& spec);
    void count_ports(const SystemSpec& spec, const ChipGraph& g);
};

}  // namespace lpu
