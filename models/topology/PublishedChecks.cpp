#include "PublishedChecks.h"

namespace lpu {

namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// Chips of the node of `chip` (generated topologies number chips node by node).
bool same_node(const SystemTopology& t, unsigned a, unsigned b) { return a / t.chips_per_node == b / t.chips_per_node; }

}  // namespace

uint64_t PublishedChecks::reach_bound(unsigned hops, unsigned node_chips, unsigned global)
{
    // Walks ending at the start (s), after a global hop (g) or after a local hop (l).
    uint64_t s = 1, g = 0, l = 0, total = 1;
    const uint64_t local = node_chips - 1;
    for (unsigned h = 0; h < hops; ++h) {
        const uint64_t g2 = s * global + g * (global - 1) + l * global;
        const uint64_t l2 = s * local + g * local;
        s = 0;
        g = g2;
        l = l2;
        total += g + l;
    }
    return total;
}

PublishedChecks::Check PublishedChecks::node_check(const SystemSpec& spec, const ChipGraph& g)
{
    const SystemTopology& t = spec.topology;
    const unsigned nodes = g.chips() / t.chips_per_node;
    Check c{"node: 8 chips, fully connected", false, ""};
    unsigned missing = 0, first_bad = 0;
    for (unsigned chip = 0; chip < g.chips(); ++chip) {
        std::vector<bool> linked(t.chips_per_node, false);
        for (const uint32_t* a = g.begin(chip); a != g.end(chip); ++a)
            if (same_node(t, chip, *a))
                linked[*a % t.chips_per_node] = true;
        for (unsigned j = 0; j < t.chips_per_node; ++j)
            if (!linked[j] && j != chip % t.chips_per_node && missing++ == 0)
                first_bad = chip;
    }
    if (missing != 0) {
        c.detail = spec.chips[first_bad].name + " is not linked to every chip of its node";
    } else if (t.chips_per_node != kNodeChips) {
        c.detail = "nodes of " + num(t.chips_per_node) + " chips, fully connected (published: 8)";
    } else {
        c.pass = true;
        c.detail = num(nodes) + (nodes == 1 ? " node" : " nodes") + " of 8 chips, each chip linked to its 7 node-mates";
    }
    return c;
}

PublishedChecks::Check PublishedChecks::budget_check(const SystemSpec& spec, const ChipGraph& g)
{
    const SystemTopology& t = spec.topology;
    Check c{"port budget: 7 local + 4 global links per chip", true, ""};
    unsigned max_global = 0;
    for (unsigned chip = 0; chip < g.chips(); ++chip) {
        unsigned local = 0, global = 0;
        for (const uint32_t* a = g.begin(chip); a != g.end(chip); ++a)
            ++(same_node(t, chip, *a) ? local : global);
        max_global = std::max(max_global, global);
        if (c.pass && (local > kLocalLinks || global > kGlobalLinks)) {
            c.pass = false;
            c.detail = spec.chips[chip].name + " has " + num(local) + " local and " + num(global) + " global links";
        }
    }
    if (c.pass)
        c.detail = "at most " + num(t.chips_per_node - 1) + " local and " + num(max_global) +
                   " global links on every chip (" + num(t.intra_rack_links) + " intra-rack, " +
                   num(t.inter_rack_links) + " inter-rack ports each)";
    return c;
}

PublishedChecks::Check PublishedChecks::diameter_check(const SystemSpec& spec, const ChipGraph::Distances& d)
{
    const auto chips = static_cast<uint64_t>(spec.chips.size());
    const size_t diameter = d.pairs.size() - 1;
    Check c{"dragonfly: diameter at most 5 hops", diameter <= kMaxDiameter && d.unreachable == 0, ""};
    c.detail = "diameter " + num(diameter) + (diameter == 1 ? " hop" : " hops") + " by breadth-first search from all " +
               num(chips) + " chips";
    if (c.pass)
        return c;
    uint64_t over = 0;
    for (size_t h = kMaxDiameter + 1; h < d.pairs.size(); ++h)
        over += d.pairs[h];
    c.detail += ": " + num(over) + " of " + num(chips * (chips - 1)) + " ordered pairs are more than 5 hops apart";
    // What the port budget allows, whatever the wiring (docs/system.md, "The 5-hop check").
    const uint64_t in4 = reach_bound(kMaxDiameter - 1, kNodeChips, kGlobalLinks);
    const uint64_t in5 = reach_bound(kMaxDiameter, kNodeChips, kGlobalLinks);
    if (chips > in5) {
        c.detail += "; no wiring can do better: 8-chip nodes with 4 global links per chip reach at most " + num(in5) +
                    " chips within 5 hops";
    } else {
        c.detail += ". With 8-chip nodes and 4 global links per chip a chip reaches at most " + num(in4) +
                    " chips within 4 hops";
        if (chips > in4)
            c.detail += ", so 5 is the least any wiring could reach";
        c.detail += "; counting allows 5 (at most " + num(in5) +
                    " within 5 hops), but no wiring found reaches it (docs/system.md, \"The 5-hop check\")";
    }
    return c;
}

std::vector<PublishedChecks::Check> PublishedChecks::of(const SystemSpec& spec, const ChipGraph& g,
                                                        const ChipGraph::Distances& d)
{
    std::vector<Check> out;
    if (!spec.topology.has_nodes())
        return out;
    out.push_back(node_check(spec, g));
    out.push_back(budget_check(spec, g));
    if (spec.topology.kind == "dragonfly")
        out.push_back(diameter_check(spec, d));
    return out;
}

}  // namespace lpu
