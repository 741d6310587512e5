#include "TopologyWiring.h"

#include "models/common/Rng.h"

#include <utility>

namespace lpu {

unsigned TopologyWiring::ports_per_chip(const SystemTopology& t)
{
    if (t.kind == "pair")
        return t.pair_links;
    return t.chips_per_node - 1 + t.intra_rack_links + t.inter_rack_links;
}

unsigned TopologyWiring::links_per_rack_pair(const SystemTopology& t)
{
    if (t.racks < 2)
        return 0;
    // Every rack has chips x inter_rack_links ports for the other racks; each pair of racks gets
    // the same number of links and ports left over stay free.
    return t.chips_per_node * t.nodes_per_rack * t.inter_rack_links / (t.racks - 1);
}

std::string TopologyWiring::chip_name(const SystemTopology& t, unsigned chip)
{
    if (t.kind == "pair" || t.kind == "node")
        return "c" + std::to_string(chip);
    const unsigned c = chip % t.chips_per_node;
    const unsigned node = chip / t.chips_per_node;
    std::string name = "n" + std::to_string(node % t.nodes_per_rack) + ".c" + std::to_string(c);
    if (t.kind == "dragonfly")
        name = "r" + std::to_string(node / t.nodes_per_rack) + "." + name;
    return name;
}

// A node: every chip linked to every other one; chip c's port toward chip j is j - (j > c).
void TopologyWiring::wire_node(unsigned first_chip, unsigned chips)
{
    for (unsigned c = 0; c < chips; ++c)
        for (unsigned j = c + 1; j < chips; ++j)
            links.push_back({{first_chip + c, j - 1}, {first_chip + j, c}});
}

// A rack's nodes joined by `intra_rack_links` global ports per chip, rotationally: port p of chip
// c goes to the node k = (c + stride * p) % 8 + 1 places further round the rack's 9 nodes, so each
// node has intra_rack_links ports at every offset k and every two nodes are joined by that many
// links. The i-th of node n's ports at offset k (in chip order) takes the i-th of node n + k's
// ports at offset 9 - k. The stride is the one of 1, 3, 5, 7 that leaves the fewest pairs of the
// rack's chips 3 hops apart (docs/system.md): 3 for 4 or 5 links per chip, else 1.
void TopologyWiring::wire_rack(unsigned first_chip, unsigned intra_rack_links)
{
    const unsigned base = kChipsPerNode - 1;  // the first intra-rack port
    const unsigned stride = intra_rack_links == 4 || intra_rack_links == 5 ? 3 : 1;
    auto ports_at = [&](unsigned k) {
        std::vector<LinkEnd> ends;  // (chip of the node, port), in chip order
        for (unsigned c = 0; c < kChipsPerNode; ++c)
            for (unsigned p = 0; p < intra_rack_links; ++p)
                if ((c + stride * p) % kChipsPerNode + 1 == k)
                    ends.push_back({c, base + p});
        return ends;
    };
    for (unsigned k = 1; k <= kNodesPerRack / 2; ++k) {
        const std::vector<LinkEnd> from = ports_at(k), to = ports_at(kNodesPerRack - k);
        for (unsigned n = 0; n < kNodesPerRack; ++n) {
            const unsigned m = (n + k) % kNodesPerRack;
            for (size_t i = 0; i < from.size(); ++i)
                links.push_back({{first_chip + n * kChipsPerNode + from[i].chip, from[i].port},
                                 {first_chip + m * kChipsPerNode + to[i].chip, to[i].port}});
        }
    }
}

// The inter-rack links of a dragonfly (racks as groups). Every rack has the same list of
// inter-rack ports (chip, port), shuffled once by wiring_seed (0: in chip order). Rack r reaches
// rack (r + d) % R through slot j * (R - 1) + d - 1 of the list (the j-th link of the pair), and
// that link arrives in slot j * (R - 1) + (R - d) - 1 of rack r + d: the rule is the same seen from
// either rack, so every two racks are joined by links_per_rack_pair links.
void TopologyWiring::wire_racks(const SystemTopology& t)
{
    const unsigned rack_chips = kChipsPerNode * kNodesPerRack;
    const unsigned base = kChipsPerNode - 1 + t.intra_rack_links;  // the first inter-rack port
    std::vector<LinkEnd> slots;
    for (unsigned c = 0; c < rack_chips; ++c)
        for (unsigned p = 0; p < t.inter_rack_links; ++p)
            slots.push_back({c, base + p});
    if (t.wiring_seed != 0) {
        Rng rng(t.wiring_seed);
        for (size_t i = slots.size(); i > 1; --i)
            std::swap(slots[i - 1], slots[rng.below(i)]);
    }
    const unsigned R = t.racks;
    const unsigned per_pair = links_per_rack_pair(t);
    auto link = [&](unsigned r, unsigned d, unsigned j, unsigned d2, unsigned j2) {
        const LinkEnd a = slots[j * (R - 1) + d - 1], b = slots[j2 * (R - 1) + d2 - 1];
        links.push_back({{r * rack_chips + a.chip, a.port}, {(r + d) % R * rack_chips + b.chip, b.port}});
    };
    for (unsigned r = 0; r < R; ++r)
        for (unsigned d = 1; d <= R / 2; ++d) {
            if (d != R - d) {
                for (unsigned j = 0; j < per_pair; ++j)
                    link(r, d, j, R - d, j);
                continue;
            }
            // Half way round (R even) both racks see the other at offset d, so the rule would join
            // a slot to the same slot, the same chip of the other rack: the first half of the copies
            // are joined to the second half instead (and an odd last copy to itself, once).
            const unsigned half = per_pair / 2;
            for (unsigned j = 0; j < half; ++j)
                link(r, d, j, d, j + half);
            if (per_pair % 2 != 0 && r < d)
                link(r, d, per_pair - 1, d, per_pair - 1);
        }
}

TopologyWiring TopologyWiring::make(const SystemTopology& t)
{
    TopologyWiring w;
    unsigned chips = 0;
    if (t.kind == "pair") {
        chips = 2;
        for (unsigned p = 0; p < t.pair_links; ++p)
            w.links.push_back({{0, p}, {1, p}});
    } else if (t.kind == "node") {
        chips = t.chips_per_node;
        w.wire_node(0, chips);
    } else {
        const unsigned racks = t.kind == "dragonfly" ? t.racks : 1;
        chips = racks * kNodesPerRack * kChipsPerNode;
        for (unsigned node = 0; node < racks * kNodesPerRack; ++node)
            w.wire_node(node * kChipsPerNode, kChipsPerNode);
        for (unsigned r = 0; r < racks; ++r)
            w.wire_rack(r * kNodesPerRack * kChipsPerNode, t.intra_rack_links);
        if (t.kind == "dragonfly")
            w.wire_racks(t);
    }
    w.names.reserve(chips);
    for (unsigned c = 0; c < chips; ++c)
        w.names.push_back(chip_name(t, c));
    return w;
}

}  // namespace lpu
