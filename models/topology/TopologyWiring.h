// The chips and links of a generated topology (docs/system.md, "Topologies"): chip names and
// which port of which chip each link joins. The system file reader adds chip types, clocks and
// link parameters; nothing here reads a file.
//
// Every chip of a node, rack or dragonfly numbers its ports the same way: ports 0 ..
// chips_per_node - 2 are its local links (port j - (j > c) of chip c goes to chip j of its node),
// then intra_rack_links ports to other nodes of its rack, then inter_rack_links ports to other
// racks.
#pragma once

#include "models/topology/SystemSpec.h"

#include <string>
#include <vector>

namespace lpu {

class TopologyWiring {
public:
    struct Link {
        LinkEnd a, b;
    };

    // Published sizes: a node is 8 chips, a rack 9 nodes (spec section 5). The rack wiring relies
    // on both: the 8 other nodes of a rack are the offsets a chip's ports turn through.
    static constexpr unsigned kChipsPerNode = 8;
    static constexpr unsigned kNodesPerRack = 9;

    // The chips and links of `t` (kind pair, node, rack or dragonfly). The counts must be valid
    // (the reader checks them).
    static TopologyWiring make(const SystemTopology& t);

    // C2C ports each chip of `t` uses (the highest port + 1).
    static unsigned ports_per_chip(const SystemTopology& t);
    // Inter-rack links between each two racks of a dragonfly of `racks` racks (0 for 1 rack).
    static unsigned links_per_rack_pair(const SystemTopology& t);
    // "r3.n5.c7" style name of chip `chip` of `t`.
    static std::string chip_name(const SystemTopology& t, unsigned chip);

    std::vector<std::string> names;
    std::vector<Link> links;

private:
    void wire_node(unsigned first_chip, unsigned chips);
    void wire_rack(unsigned first_chip, unsigned intra_rack_links);
    void wire_racks(const SystemTopology& t);
};

}  // namespace lpu
