#include "SystemFileReader.h"

#include "models/common/Error.h"
#include "models/common/ParamNode.h"
#include "models/common/Rng.h"
#include "models/common/YamlText.h"
#include "models/topology/TopologyWiring.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <numeric>

namespace lpu {

namespace {

const std::vector<std::string> kKinds = {"pair", "node", "rack", "dragonfly", "custom"};
// A chip config path longer than this is refused: error messages repeat it.
constexpr size_t kMaxPathLength = 1024;
constexpr size_t kMaxNameLength = 64;
const char* const kConfigWhat = "a chip config file (configs/*.yaml), relative to this file";

// Names of chip types and chips: letters, digits, '_', '-' (and '.' in chip names, as in the
// generated "r3.n5.c7"), so that they read the same in every message, key path and JSON file.
bool valid_name(const std::string& name, bool dots)
{
    return !name.empty() && name.size() <= kMaxNameLength && std::all_of(name.begin(), name.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               (dots && c == '.');
    });
}

std::string name_rule(bool dots)
{
    return "names are 1 to " + std::to_string(kMaxNameLength) + " letters, digits, '_' or '-'" +
           (dots ? " (or '.')" : "");
}

}  // namespace

SystemFileReader::SystemFileReader(std::string source) : source_(std::move(source)) {}

SourcePos SystemFileReader::position(const std::string& path) const
{
    const Config::Entry& e = record_->entry(path);
    return {source_, e.line, e.col};
}

SystemSpec SystemFileReader::read(const YAML::Node& doc)
{
    record_ = std::make_shared<Config>(source_);
    ParamNode root = ParamNode::root(record_, doc, "system file (expected a map with 'version' and 'system')");
    root.param<int64_t>("version", "system file format version (this build reads version 1)").range(1, 1).value();
    ParamNode system = root.section("system");
    spec_.name = system.param<std::string>("name", "the system's name, in reports");
    spec_.seed = system
                     .param<uint64_t>("seed", "seed of everything random in a run: clock offsets drawn from "
                                              "ppm_spread, bit errors")
                     .range(0, LinkParams::kMaxSeed)
                     .def(1);
    const double ppm_spread =
        system
            .param<double>("ppm_spread", "chips without their own ppm run at a clock offset drawn "
                                         "uniformly from [-ppm_spread, ppm_spread] parts per million")
            .range(0, 1000)
            .def(0.0);
    read_types(system);
    read_topology(system);
    ParamNode link_defaults = system.section("link_defaults");
    defaults_ = LinkParams::read(link_defaults, chip_link_defaults());
    link_defaults.finish();
    if (!custom_)
        generate();
    check_port_budget(system);
    read_chips(system);
    read_links(system);
    system.finish();
    root.finish();  // throws the first error in file order
    check_connected();
    draw_clocks(ppm_spread);
    spec_.config = record_;
    return std::move(spec_);
}

// A link's cable and SerDes default to what the chips say of their links (c2c.cable_latency,
// c2c.serdes_latency), so a lone chip's figures (lpusim info) and a system of such chips agree.
// The first chip type speaks for all: a system of types that differ sets link_defaults.
LinkParams SystemFileReader::chip_link_defaults() const
{
    LinkParams d;
    if (!spec_.types.empty()) {
        d.cable_latency = spec_.types[0].spec.c2c.cable_latency;
        d.serdes_latency = spec_.types[0].spec.c2c.serdes_latency;
    }
    return d;
}

std::optional<unsigned> SystemFileReader::type_named(const std::string& name) const
{
    for (size_t i = 0; i < spec_.types.size(); ++i)
        if (spec_.types[i].name == name)
            return static_cast<unsigned>(i);
    return std::nullopt;
}

std::string SystemFileReader::type_list() const
{
    std::string out;
    for (const auto& t : spec_.types)
        out += (out.empty() ? "" : ", ") + t.name;
    return out;
}

void SystemFileReader::read_types(ParamNode& system)
{
    ParamNode types = system.section("types");
    const std::vector<std::string> names = types.keys();
    for (const auto& name : names)
        read_type(types, name);
    if (names.empty())
        types.fail_here("a system needs at least one chip type (NAME: {config: FILE} or NAME: {chip: {...}})");
    types.finish();
}

void SystemFileReader::read_type(ParamNode& types, const std::string& name)
{
    ParamNode t = types.section(name);
    if (!valid_name(name, false)) {
        t.fail_here("not a chip type name: " + name_rule(false));
        return;
    }
    const std::vector<std::string> keys = t.keys();
    const bool has_config = std::count(keys.begin(), keys.end(), "config") != 0;
    const bool has_chip = std::count(keys.begin(), keys.end(), "chip") != 0;
    SystemChipType type{name, {}};
    if (has_config == has_chip) {
        t.param<std::string>("config", kConfigWhat).def("");
        t.section("chip");
        t.fail_here(std::string(has_config ? "give either" : "give") +
                    " config (a chip config file) or chip (the chip's keys inline)" + (has_config ? ", not both" : ""));
    } else if (has_chip) {
        ParamNode chip = t.section("chip");
        type.spec = ChipSpec::read(chip);
    } else {
        read_type_file(t, type);
    }
    t.finish();
    spec_.types.push_back(std::move(type));
}

// A chip type from a chip config file, found relative to the system file.
void SystemFileReader::read_type_file(ParamNode& t, SystemChipType& type)
{
    const std::string path = t.param<std::string>("config", kConfigWhat);
    if (path.size() > kMaxPathLength) {
        t.fail("config",
               "a path of " + std::to_string(path.size()) + " characters; at most " + std::to_string(kMaxPathLength));
        return;
    }
    const std::filesystem::path p(path);
    const std::string full =
        p.is_absolute() ? path : (std::filesystem::path(source_).parent_path() / p).lexically_normal().string();
    std::error_code ec;
    const auto kind = std::filesystem::status(full, ec).type();
    // Only a file: a device or a pipe (/dev/stdin) could block the reader or never end.
    if (kind != std::filesystem::file_type::regular && kind != std::filesystem::file_type::not_found) {
        t.fail("config", quote_token(path) + " is not a file (a directory, device or pipe)");
        return;
    }
    try {
        type.spec = load_chip_spec(full);
    } catch (const ConfigError& e) {
        t.fail("config", std::string("the chip config does not load: ") + e.what());
    }
}

void SystemFileReader::read_topology(ParamNode& system)
{
    ParamNode topo = system.section("topology");
    SystemTopology& t = spec_.topology;
    t.kind = topo.param<std::string>("kind", "pair, node, rack, dragonfly or custom (docs/system.md)");
    t.pos = position("system.topology.kind");
    if (std::count(kKinds.begin(), kKinds.end(), t.kind) == 0) {
        topo.fail("kind", "unknown topology " + quote_token(t.kind) + did_you_mean(t.kind, kKinds, 3) +
                              "; kinds: pair, node, rack, dragonfly, custom");
        t.kind = "custom";  // read on as a list of links, the kind that generates nothing
    }
    custom_ = t.kind == "custom";
    const std::string what = "chip type of every chip without its own (in chips)";
    if (spec_.types.size() == 1)
        default_type_ = topo.param<std::string>("type", what).derived(spec_.types[0].name, "the only chip type");
    else if (custom_)
        default_type_ = topo.param<std::string>("type", what + "; none: every chip names its own").def("");
    else
        default_type_ = topo.param<std::string>("type", what);
    if (!default_type_.empty() && !type_named(default_type_) && !spec_.types.empty())
        topo.fail("type", "no chip type " + quote_token(default_type_) + " (types: " + type_list() + ")");
    read_topology_sizes(topo);
    topo.finish();
}

void SystemFileReader::read_topology_sizes(ParamNode& topo)
{
    SystemTopology& t = spec_.topology;
    if (t.kind == "pair")
        t.pair_links = topo.param<unsigned>("links", "parallel links between the two chips").range(1, 64).def(1);
    if (t.kind == "node")
        t.chips_per_node = topo.param<unsigned>("chips", "chips of the node, each linked to every other (published: 8)")
                               .range(2, 65)
                               .def(TopologyWiring::kChipsPerNode);
    if (t.kind != "rack" && t.kind != "dragonfly")
        return;
    t.chips_per_node = TopologyWiring::kChipsPerNode;
    t.nodes_per_rack = TopologyWiring::kNodesPerRack;
    if (t.kind == "dragonfly")
        t.racks = topo.param<unsigned>("racks", "racks, the Dragonfly's groups of 72 chips (published: up to 145)")
                      .range(1, 145)
                      .def(145);
    t.intra_rack_links = topo.param<unsigned>("intra_rack_links",
                                              "global links per chip to other nodes of its rack (published: 4 global "
                                              "links per chip in all)")
                             .range(t.kind == "rack" ? 1 : 0, 8)
                             .def(t.kind == "rack" ? 4 : 2);
    if (t.kind == "rack")
        return;
    t.inter_rack_links =
        topo.param<unsigned>("inter_rack_links", "global links per chip to other racks (canonical Dragonfly: h = 2)")
            .range(0, 8)
            .def(2);
    t.wiring_seed = topo.param<uint64_t>("wiring_seed", "seed of the inter-rack port assignment (0: in chip order)")
                        .range(0, LinkParams::kMaxSeed)
                        .def(1);
    const unsigned ports = t.chips_per_node * t.nodes_per_rack * t.inter_rack_links;
    const bool racks_given = topo.record()->entry(topo.path() + ".racks").from_file;
    if (t.racks > 1 && ports < t.racks - 1)
        topo.fail(racks_given ? "racks" : "inter_rack_links",
                  std::to_string(t.racks) + " racks need " + std::to_string(t.racks - 1) +
                      " inter-rack ports per rack (one to every other rack); a rack has 72 chips x " +
                      std::to_string(t.inter_rack_links) + " inter_rack_links = " + std::to_string(ports));
}

// The generated chips and links, before the file's chips and links adjust them.
void SystemFileReader::generate()
{
    const unsigned type = type_named(default_type_).value_or(0);
    const TopologyWiring w = TopologyWiring::make(spec_.topology);
    spec_.chips.reserve(w.names.size());
    for (const auto& name : w.names) {
        chip_index_.emplace(name, static_cast<unsigned>(spec_.chips.size()));
        spec_.chips.push_back({name, type, 0});
    }
    port_link_.assign(spec_.chips.size(), std::vector<int>(TopologyWiring::ports_per_chip(spec_.topology), -1));
    spec_.links.reserve(w.links.size());
    for (const auto& l : w.links) {
        const auto index = static_cast<int>(spec_.links.size());
        LinkParams params = defaults_;
        params.seed += static_cast<uint64_t>(index);
        spec_.links.push_back({l.a, l.b, params, spec_.topology.pos});
        port_link_[l.a.chip][l.a.port] = index;
        port_link_[l.b.chip][l.b.port] = index;
    }
    link_item_.assign(spec_.links.size(), SIZE_MAX);
    ppm_given_.assign(spec_.chips.size(), false);
    typed_.assign(spec_.chips.size(), true);
}

// A generated topology needs as many C2C ports on every chip as its wiring uses.
void SystemFileReader::check_port_budget(ParamNode& system)
{
    const SystemTopology& t = spec_.topology;
    const auto type = type_named(default_type_);
    if (custom_ || !type || !spec_.types[*type].spec.config)
        return;  // nothing generated, or the type's own error is reported
    const unsigned have = spec_.types[*type].spec.c2c.links;
    const unsigned need = TopologyWiring::ports_per_chip(t);
    if (have >= need)
        return;
    std::string why = t.kind == "pair" ? std::to_string(t.pair_links) + " parallel links"
                                       : std::to_string(t.chips_per_node - 1) + " local";
    if (t.kind == "rack" || t.kind == "dragonfly")
        why += ", " + std::to_string(t.intra_rack_links) + " intra-rack";
    if (t.kind == "dragonfly")
        why += ", " + std::to_string(t.inter_rack_links) + " inter-rack";
    system.fail("topology.kind", "a " + t.kind + " uses " + std::to_string(need) + " C2C ports per chip (" + why +
                                     "); chip type " + quote_token(default_type_) +
                                     " has c2c.links = " + std::to_string(have));
}

unsigned SystemFileReader::ports_of(unsigned chip) const { return static_cast<unsigned>(port_link_[chip].size()); }

void SystemFileReader::read_chips(ParamNode& system)
{
    ParamNode chips = system.section("chips");
    for (const auto& name : chips.keys())
        read_chip(chips, name);
    if (custom_ && spec_.chips.empty())
        chips.fail_here("a custom system lists its chips here (NAME: {type: T})");
    chips.finish();
    if (!custom_)
        return;
    // A custom chip's ports are its type's C2C links (none known without a type: its links are
    // not checked, the type's error is what the file must fix).
    port_link_.clear();
    for (size_t c = 0; c < spec_.chips.size(); ++c)
        port_link_.emplace_back(typed_[c] ? spec_.chip_spec(static_cast<unsigned>(c)).c2c.links : 0, -1);
}

void SystemFileReader::read_chip(ParamNode& chips, const std::string& name)
{
    ParamNode c = chips.section(name);
    if (!valid_name(name, true)) {
        c.fail_here("not a chip name: " + name_rule(true));
        return;
    }
    unsigned index = 0;
    if (custom_) {
        index = static_cast<unsigned>(spec_.chips.size());
        chip_index_.emplace(name, index);
        spec_.chips.push_back({name, 0, 0});
        ppm_given_.push_back(false);
        typed_.push_back(false);
    } else if (const auto it = chip_index_.find(name); it != chip_index_.end()) {
        index = it->second;
    } else {
        c.fail_here("no chip " + quote_token(name) + " in this " + spec_.topology.kind + " (its chips are named " +
                    spec_.chips.front().name + " to " + spec_.chips.back().name + ")");
        return;
    }
    const std::string type =
        c.param<std::string>("type", "chip type of this chip (absent: topology.type)").def(default_type_);
    spec_.chips[index].ppm =
        c.param<double>("ppm", "clock offset from its type's clock_mhz, parts per million (absent: "
                               "drawn from ppm_spread)")
            .range(-1000, 1000)
            .def(0.0);
    ppm_given_[index] = record_->entry(c.path() + ".ppm").from_file;
    c.finish();
    const auto t = type_named(type);
    if (type.empty() && spec_.types.size() > 1)
        c.fail_here("needs a type: the file declares " + std::to_string(spec_.types.size()) + " chip types (" +
                    type_list() + ") and system.topology.type names none");
    else if (!t && !spec_.types.empty())
        c.fail("type", "no chip type " + quote_token(type) + " (types: " + type_list() + ")");
    if (!t)
        return;
    spec_.chips[index].type = *t;
    typed_[index] = true;
    const ChipSpec& spec = spec_.types[*t].spec;
    const unsigned need = custom_ ? 0 : TopologyWiring::ports_per_chip(spec_.topology);
    if (spec.config && spec.c2c.links < need)
        c.fail("type", "the " + spec_.topology.kind + " uses " + std::to_string(need) + " C2C ports per chip; type " +
                           quote_token(type) + " has c2c.links = " + std::to_string(spec.c2c.links));
}

void SystemFileReader::read_links(ParamNode& system)
{
    std::vector<ParamNode> items = system.items("links");
    for (size_t i = 0; i < items.size(); ++i)
        read_link(items[i], i);
    if (custom_)
        assign_free_ports(items);
}

std::optional<unsigned> SystemFileReader::find_chip(ParamNode& item, const std::string& key)
{
    const std::string name =
        item.param<std::string>(key, key == "a" ? "chip at one end of the link" : "chip at the other end");
    if (const auto it = chip_index_.find(name); it != chip_index_.end())
        return it->second;
    if (spec_.chips.empty())
        return std::nullopt;  // the missing chips are the error (read_chips)
    std::string hint;
    // Errors are reported first in file order, so only the first unknown chip's hint can be
    // shown: computing one per link would cost links x chips edit distances.
    if (!hinted_ && !name.empty()) {
        hinted_ = true;
        std::vector<std::string> names;
        for (const SystemChip& c : spec_.chips)
            names.push_back(c.name);
        hint = did_you_mean(name, names, 2);
    }
    item.fail(key, "no chip " + quote_token(name) + hint);
    return std::nullopt;
}

std::optional<unsigned> SystemFileReader::read_port(ParamNode& item, const std::string& key,
                                                    std::optional<unsigned> chip)
{
    const unsigned port =
        item.param<unsigned>(key, "C2C port of that chip (absent: its lowest free port)").range(0, 63);
    if (!chip || (custom_ && !typed_[*chip]))
        return std::nullopt;
    if (port >= ports_of(*chip)) {
        const unsigned n = ports_of(*chip);
        item.fail(key, "chip " + chip_text(*chip) + " has " +
                           (n == 0 ? "no C2C ports" : "C2C ports 0 to " + std::to_string(n - 1)) +
                           (custom_ ? " (its type's c2c.links)" : " in this " + spec_.topology.kind));
        return std::nullopt;
    }
    return port;
}

void SystemFileReader::read_link(ParamNode& item, size_t index)
{
    LinkRef ref;
    ref.chip[0] = find_chip(item, "a");
    ref.chip[1] = find_chip(item, "b");
    for (unsigned e = 0; e < 2; ++e) {
        const std::string key = e == 0 ? "a_port" : "b_port";
        const std::vector<std::string> keys = item.keys();
        if (std::count(keys.begin(), keys.end(), key) == 0)
            continue;
        ref.port[e] = read_port(item, key, ref.chip[e]);
        ref.bad_port = ref.bad_port || !ref.port[e];
    }
    if (ref.chip[0] && ref.chip[1] && *ref.chip[0] == *ref.chip[1])
        item.fail("b", "a link from chip " + chip_text(*ref.chip[0]) + " to itself");
    if (custom_)
        add_custom_link(item, index, ref);
    else
        override_link(item, index, ref);
}

void SystemFileReader::add_custom_link(ParamNode& item, size_t index, const LinkRef& ref)
{
    LinkParams d = defaults_;
    d.seed += index;
    const LinkParams params = LinkParams::read(item, d);
    item.finish();
    if (!ref.valid())
        return;
    const size_t link = spec_.links.size();
    SystemLink l{{*ref.chip[0], 0}, {*ref.chip[1], 0}, params, position(item.path() + ".a")};
    for (unsigned e = 0; e < 2; ++e) {
        LinkEnd& end = e == 0 ? l.a : l.b;
        if (!ref.port[e]) {
            free_ends_.push_back({link, e == 1, index});
            continue;
        }
        end.port = *ref.port[e];
        const int user = port_link_[end.chip][end.port];
        if (user >= 0) {
            item.fail(e == 0 ? "a_port" : "b_port", "port " + std::to_string(end.port) + " of chip " +
                                                        chip_text(end.chip) + " is already used by system.links[" +
                                                        std::to_string(link_item_[user]) + "]");
            continue;
        }
        port_link_[end.chip][end.port] = static_cast<int>(link);
    }
    spec_.links.push_back(l);
    link_item_.push_back(index);
}

// Ends the file leaves open take their chip's lowest free port, in file order, after every port
// the file gives is taken.
void SystemFileReader::assign_free_ports(std::vector<ParamNode>& items)
{
    for (const FreeEnd& f : free_ends_) {
        SystemLink& l = spec_.links[f.link];
        LinkEnd& end = f.b ? l.b : l.a;
        if (!typed_[end.chip])
            continue;
        std::vector<int>& ports = port_link_[end.chip];
        const auto free = std::find(ports.begin(), ports.end(), -1);
        if (free == ports.end()) {
            items[f.item].fail(f.b ? "b" : "a", "chip " + chip_text(end.chip) + " has no free C2C port left (all " +
                                                    std::to_string(ports.size()) + " are used)");
            continue;
        }
        *free = static_cast<int>(f.link);
        end.port = static_cast<unsigned>(free - ports.begin());
    }
}

// In a generated topology an entry of `links` names one of its links and sets its parameters.
void SystemFileReader::override_link(ParamNode& item, size_t index, const LinkRef& ref)
{
    std::optional<int> found;
    unsigned matches = 0;
    for (unsigned p = 0; ref.valid() && p < ports_of(*ref.chip[0]); ++p) {
        const int link = port_link_[*ref.chip[0]][p];
        if (link < 0)
            continue;
        const SystemLink& l = spec_.links[static_cast<size_t>(link)];
        const LinkEnd other = l.a.chip == *ref.chip[0] && l.a.port == p ? l.b : l.a;
        if (other.chip != *ref.chip[1] || (ref.port[0] && p != *ref.port[0]) ||
            (ref.port[1] && other.port != *ref.port[1]))
            continue;
        ++matches;
        found = found.value_or(link);
    }
    LinkParams d = defaults_;
    d.seed += index;
    const LinkParams params = LinkParams::read(item, found ? spec_.links[static_cast<size_t>(*found)].params : d);
    item.finish();
    if (!ref.valid())
        return;
    const std::string between = chip_text(*ref.chip[0]) + " and " + chip_text(*ref.chip[1]);
    if (matches != 1) {
        item.fail(matches == 0 ? "b" : "a",
                  matches == 0
                      ? "no link between " + between + (ref.port[0] || ref.port[1] ? " on these ports" : "") +
                            " in this " + spec_.topology.kind
                      : between + " share " + std::to_string(matches) + " links: give a_port or b_port to choose one");
        return;
    }
    const auto link = static_cast<size_t>(*found);
    if (link_item_[link] != SIZE_MAX) {
        item.fail("a", "this link is already set by system.links[" + std::to_string(link_item_[link]) + "]");
        return;
    }
    spec_.links[link].params = params;
    spec_.links[link].pos = position(item.path() + ".a");
    link_item_[link] = index;
}

void SystemFileReader::check_connected() const
{
    const size_t n = spec_.chips.size();
    std::vector<size_t> parent(n);
    std::iota(parent.begin(), parent.end(), size_t{0});
    auto root = [&](size_t c) {
        while (parent[c] != c)
            c = parent[c] = parent[parent[c]];
        return c;
    };
    size_t parts = n;
    for (const SystemLink& l : spec_.links) {
        const size_t a = root(l.a.chip), b = root(l.b.chip);
        if (a != b) {
            parent[a] = b;
            --parts;
        }
    }
    if (parts <= 1)
        return;
    size_t apart = 1;
    while (root(apart) == root(0))
        ++apart;
    record_->fail("system.topology.kind", "the links leave the system in " + std::to_string(parts) +
                                              " separate parts: no route from " + chip_text(0) + " to " +
                                              chip_text(static_cast<unsigned>(apart)));
}

// Every chip draws from the system's seed in chip order, so one chip's own ppm leaves the
// others' draws as they were.
void SystemFileReader::draw_clocks(double ppm_spread)
{
    Rng rng(spec_.seed);
    for (size_t i = 0; i < spec_.chips.size(); ++i) {
        const double u = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;  // [0, 1)
        if (!ppm_given_[i])
            spec_.chips[i].ppm = ppm_spread * (2 * u - 1);
    }
}

}  // namespace lpu
