#include "TopologyFigures.h"

#include "models/common/Json.h"
#include "models/topology/Bisection.h"

#include <cstdio>
#include <sstream>

namespace lpu {

namespace {

std::string shape_of(const SystemTopology& t, size_t chips)
{
    if (t.kind == "pair")
        return "2 chips, " + std::to_string(t.pair_links) + (t.pair_links == 1 ? " link" : " parallel links");
    if (t.kind == "node")
        return "1 node of " + std::to_string(t.chips_per_node) + " chips";
    if (t.kind == "rack")
        return "1 rack of 9 nodes x 8 chips";
    if (t.kind == "dragonfly")
        return std::to_string(t.racks) + " racks x 9 nodes x 8 chips";
    return std::to_string(chips) + " chips as listed";
}

std::string fixed(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// "11: 10440 chips" or "9: 8 chips, 10: 64 chips".
std::string histogram(const std::map<unsigned, unsigned>& h)
{
    std::string out;
    for (const auto& [k, chips] : h)
        out += (out.empty() ? "" : ", ") + std::to_string(k) + ": " + std::to_string(chips) +
               (chips == 1 ? " chip" : " chips");
    return out;
}

std::string json_histogram(const std::map<unsigned, unsigned>& h)
{
    std::string out;
    for (const auto& [k, chips] : h)
        out += (out.empty() ? "" : ", ") + ("\"" + std::to_string(k) + "\": " + std::to_string(chips));
    return "{" + out + "}";
}

}  // namespace

void TopologyFigures::count_links(const SystemSpec& spec)
{
    const SystemTopology& t = spec.topology;
    links = spec.links.size();
    if (!t.has_nodes())
        return;
    const unsigned rack_chips = t.chips_per_node * (t.nodes_per_rack == 0 ? 1 : t.nodes_per_rack);
    for (const SystemLink& l : spec.links) {
        if (l.a.chip / t.chips_per_node == l.b.chip / t.chips_per_node)
            ++local_links;
        else if (l.a.chip / rack_chips == l.b.chip / rack_chips)
            ++intra_rack_links;
        else
            ++inter_rack_links;
    }
}

void TopologyFigures::count_ports(const SystemSpec& spec, const ChipGraph& g)
{
    for (unsigned c = 0; c < g.chips(); ++c) {
        const unsigned have = spec.chip_spec(c).c2c.links;
        const unsigned used = g.links_at(c);
        ports += have;
        ports_used += used;
        ++ports_used_chips[used];
        ++ports_free_chips[have - used];
        ++degree_chips[g.degree(c)];
    }
}

TopologyFigures TopologyFigures::of(const SystemSpec& spec)
{
    TopologyFigures f;
    f.name = spec.name;
    f.source = spec.config ? spec.config->source() : "";
    f.kind = spec.topology.kind;
    f.shape = shape_of(spec.topology, spec.chips.size());
    f.chips = static_cast<unsigned>(spec.chips.size());
    for (const SystemChipType& t : spec.types)
        f.types.push_back({t.name, t.spec.chip.name, 0});
    for (const SystemChip& c : spec.chips)
        ++f.types[c.type].chips;
    f.count_links(spec);
    const ChipGraph g(spec);
    f.distances = g.distances();
    f.diameter = static_cast<unsigned>(f.distances.pairs.size() - 1);
    uint64_t pairs = 0;
    double hops = 0;
    for (size_t d = 1; d < f.distances.pairs.size(); ++d) {
        pairs += f.distances.pairs[d];
        hops += static_cast<double>(d) * static_cast<double>(f.distances.pairs[d]);
    }
    f.mean_distance = pairs == 0 ? 0 : hops / static_cast<double>(pairs);
    const Bisection cut = Bisection::refine(g, Bisection::halving(f.chips));
    f.halving_links = cut.start_links;
    f.bisection_links = cut.links;
    f.bisection_passes = cut.passes;
    f.count_ports(spec, g);
    f.checks = PublishedChecks::of(spec, g, f.distances);
    return f;
}

bool TopologyFigures::checks_pass() const
{
    for (const auto& c : checks)
        if (!c.pass)
            return false;
    return true;
}

std::string TopologyFigures::text() const
{
    std::ostringstream os;
    auto row = [&](const std::string& key, const std::string& value) {
        os << "  " << key << std::string(key.size() < 17 ? 17 - key.size() : 1, ' ') << value << "\n";
    };
    os << "system " << name << " (" << source << "): " << kind << ", " << shape << "\n";
    row("chips", std::to_string(chips));
    for (const TypeUse& t : types)
        row("chip type", t.name + " (chip " + t.chip_name + "): " + std::to_string(t.chips) + " chips");
    std::string l = std::to_string(links);
    if (local_links + intra_rack_links + inter_rack_links != 0)
        l += " (" + std::to_string(local_links) + " local, " + std::to_string(intra_rack_links) + " intra-rack, " +
             std::to_string(inter_rack_links) + " inter-rack)";
    row("links", l);
    row("diameter", std::to_string(diameter) + (diameter == 1 ? " hop" : " hops") +
                        (distances.unreachable ? " (not connected: " + std::to_string(distances.unreachable) +
                                                     " ordered pairs have no route)"
                                               : ""));
    row("mean distance", fixed(mean_distance, 4) + " hops (all ordered pairs of distinct chips)");
    std::string pairs;
    for (size_t d = 1; d < distances.pairs.size(); ++d)
        pairs += (pairs.empty() ? "" : ", ") + std::to_string(d) + ": " + std::to_string(distances.pairs[d]);
    row("pairs at hops", pairs.empty() ? "none" : pairs);
    row("bisection links", std::to_string(bisection_links) +
                               " (links across the balanced cut found by Fiduccia-Mattheyses refinement from the "
                               "chip-order halving, which " +
                               std::to_string(halving_links) + " cross: an upper bound on the minimum bisection)");
    row("ports used", histogram(ports_used_chips) + " (" + std::to_string(ports_used) + " of " + std::to_string(ports) +
                          " C2C ports)");
    row("ports free", histogram(ports_free_chips));
    row("degree", histogram(degree_chips) + " (distinct chips linked)");
    os << "published checks\n";
    if (checks.empty())
        os << "  none apply to a " << kind << " system\n";
    for (const auto& c : checks)
        os << "  " << (c.pass ? "PASS " : "FAIL ") << c.name << ": " << c.detail << "\n";
    return os.str();
}

std::string TopologyFigures::json() const
{
    std::ostringstream os;
    os << "{\n  \"system\": \"" << json_escape(name) << "\",\n  \"source\": \"" << json_escape(source)
       << "\",\n  \"kind\": \"" << kind << "\",\n  \"shape\": \"" << shape << "\",\n  \"chips\": " << chips
       << ",\n  \"types\": [";
    for (size_t i = 0; i < types.size(); ++i)
        os << (i ? ", " : "") << "{\"name\": \"" << json_escape(types[i].name) << "\", \"chip\": \""
           << json_escape(types[i].chip_name) << "\", \"chips\": " << types[i].chips << "}";
    os << "],\n  \"links\": " << links << ",\n  \"local_links\": " << local_links
       << ",\n  \"intra_rack_links\": " << intra_rack_links << ",\n  \"inter_rack_links\": " << inter_rack_links
       << ",\n  \"diameter\": " << diameter << ",\n  \"mean_distance\": " << fixed(mean_distance, 6)
       << ",\n  \"pairs_at_hops\": [";
    for (size_t d = 0; d < distances.pairs.size(); ++d)
        os << (d ? ", " : "") << distances.pairs[d];
    os << "],\n  \"unreachable_pairs\": " << distances.unreachable
       << ",\n  \"bisection\": {\"links\": " << bisection_links << ", \"halving_links\": " << halving_links
       << ", \"passes\": " << bisection_passes
       << ", \"method\": \"Fiduccia-Mattheyses refinement from the chip-order halving (upper bound)\"},\n"
       << "  \"ports\": " << ports << ",\n  \"ports_used\": " << ports_used
       << ",\n  \"ports_used_chips\": " << json_histogram(ports_used_chips)
       << ",\n  \"ports_free_chips\": " << json_histogram(ports_free_chips)
       << ",\n  \"degree_chips\": " << json_histogram(degree_chips) << ",\n  \"checks\": [";
    for (size_t i = 0; i < checks.size(); ++i)
        os << (i ? "," : "") << "\n    {\"name\": \"" << json_escape(checks[i].name)
           << "\", \"pass\": " << (checks[i].pass ? "true" : "false") << ", \"detail\": \""
           << json_escape(checks[i].detail) << "\"}";
    os << (checks.empty() ? "" : "\n  ") << "]\n}\n";
    return os.str();
}

}  // namespace lpu
