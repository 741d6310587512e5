// System files (docs/system.md): every shipped system loads, chip types come from config files or
// inline, generated and listed links get their ports and parameters, and every kind of bad input
// is an error file:line:col: key.path: reason, the first in file order.
#include "TempDir.h"
#include "models/common/Error.h"
#include "models/topology/SystemSpec.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using lpu::ConfigError;
using lpu::SystemSpec;

namespace {

// Three chips of an inline type with 4 C2C ports, two links (the second with its ports given).
const std::string kCustom = R"(version: 1
system:
  name: t
  types:
    tiny:
      chip:
        name: tiny
        geometry:
          superlanes: 1
        c2c:
          links: 4
  topology:
    kind: custom
  chips:
    a: {type: tiny}
    b: {type: tiny}
    c: {type: tiny}
  links:
    - {a: a, b: b}
    - {a: b, b: c, a_port: 1, b_port: 0}
)";

// A pair of 2 parallel links of the shipped tiny chip.
const std::string kPair = "version: 1\n"
                          "system:\n"
                          "  name: p\n"
                          "  types:\n"
                          "    tiny:\n"
                          "      config: ../tiny.yaml\n"
                          "  topology:\n"
                          "    kind: pair\n"
                          "    links: 2\n";

// System files with `config: ../tiny.yaml` read as if they were in configs/systems.
const std::string kSystemsDir = std::string(LPUSIM_CONFIG_DIR) + "/systems";

SystemSpec parse(const std::string& text, const std::string& source = "sys.yaml")
{
    return lpu::parse_system_spec(text, source);
}

SystemSpec parse_shipped_dir(const std::string& text) { return parse(text, kSystemsDir + "/test.yaml"); }

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

// The error message for `text`; fails the test if it loads.
std::string rejection(const std::string& text, const std::string& source = "sys.yaml")
{
    try {
        parse(text, source);
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("system was accepted:\n" << text);
    return "";
}

std::string custom_error(const std::string& from, const std::string& to)
{
    return rejection(replace(kCustom, from, to));
}

std::string pair_error(const std::string& from, const std::string& to)
{
    const std::string m = rejection(replace(kPair, from, to), kSystemsDir + "/p.yaml");
    const std::string prefix = kSystemsDir + "/";
    REQUIRE(m.rfind(prefix, 0) == 0);
    return m.substr(prefix.size());
}

}  // namespace

TEST_CASE("every shipped system loads", "[system]")
{
    unsigned files = 0;
    for (const auto& f : std::filesystem::directory_iterator(kSystemsDir)) {
        INFO(f.path());
        const SystemSpec s = lpu::load_system_spec(f.path().string());
        CHECK(!s.chips.empty());
        CHECK(s.config->source() == f.path().string());
        ++files;
    }
    CHECK(files >= 8);
    const SystemSpec df = lpu::load_system_spec(kSystemsDir + "/dragonfly-10440.yaml");
    CHECK(df.chips.size() == 10440);
    CHECK(df.links.size() == 57420);
    CHECK(df.types.size() == 1);
    CHECK(df.types[0].spec.chip.name == "tsp-v1");
    CHECK(df.chips[10439].name == "r144.n8.c7");
    CHECK(df.topology.kind == "dragonfly");
    CHECK(df.topology.racks == 145);
}

TEST_CASE("a custom system: chips, types, ports and link parameters", "[system]")
{
    const SystemSpec s = parse(kCustom);
    CHECK(s.name == "t");
    REQUIRE(s.chips.size() == 3);
    CHECK(s.chips[2].name == "c");
    CHECK(s.chip_spec(2).c2c.links == 4);
    REQUIRE(s.links.size() == 2);
    // The first link's ports are the lowest free ones once the file's own ports are taken: port 1
    // of b belongs to the second link, so the first takes port 0 of a and port 0 of b.
    CHECK(s.links[0].a.chip == 0);
    CHECK(s.links[0].a.port == 0);
    CHECK(s.links[0].b.chip == 1);
    CHECK(s.links[0].b.port == 0);
    CHECK(s.links[1].a.port == 1);
    CHECK(s.links[1].b.port == 0);
    CHECK(s.links[0].pos.text() == "sys.yaml:19:11");
    // Defaults: LinkParams' own, and each link's seed is link_defaults.seed + its index.
    CHECK(s.links[0].params.cable_latency == 216);
    CHECK(s.links[0].params.fec == "kp4");
    CHECK(s.links[0].params.seed == 1);
    CHECK(s.links[1].params.seed == 2);
    CHECK(s.seed == 1);
    CHECK(s.chips[0].ppm == 0);
    CHECK(s.topology.kind == "custom");
    CHECK(s.config->entry("system.links[1].a_port").line == 20);
}

TEST_CASE("a link's cable and SerDes latency default to the chip type's c2c figures", "[system]")
{
    const SystemSpec s =
        parse(replace(kCustom, "          links: 4\n",
                      "          links: 4\n          cable_latency: 90\n          serdes_latency: 7\n"));
    CHECK(s.links[0].params.cable_latency == 90);
    CHECK(s.links[0].params.serdes_latency == 7);
    const SystemSpec o =
        parse(replace(replace(kCustom, "          links: 4\n", "          links: 4\n          cable_latency: 90\n"),
                      "    - {a: a, b: b}", "    - {a: a, b: b, cable_latency: 17, serdes_latency: 2}"));
    CHECK(o.links[0].params.cable_latency == 17);
    CHECK(o.links[0].params.serdes_latency == 2);
    CHECK(o.links[1].params.cable_latency == 90);
}

TEST_CASE("link_defaults and per-link keys set the link parameters", "[system]")
{
    const SystemSpec s = parse(replace(replace(kCustom, "  topology:",
                                               "  link_defaults:\n    cable_latency: 300\n    fec: kr4\n    ber: 1e-6\n"
                                               "    seed: 10\n  topology:"),
                                       "    - {a: a, b: b}",
                                       "    - {a: a, b: b, cable_latency: 17, fec: none, burst_bits: 12, seed: 99}"));
    CHECK(s.links[0].params.cable_latency == 17);
    CHECK(s.links[0].params.fec == "none");
    CHECK(s.links[0].params.burst_bits == 12);
    CHECK(s.links[0].params.ber == 1e-6);
    CHECK(s.links[0].params.seed == 99);
    CHECK(s.links[1].params.cable_latency == 300);
    CHECK(s.links[1].params.fec == "kr4");
    CHECK(s.links[1].params.seed == 11);
}

TEST_CASE("clock offsets: the file's own, else drawn from ppm_spread with the system's seed", "[system]")
{
    const std::string text = replace(replace(kCustom, "  name: t", "  name: t\n  seed: 5\n  ppm_spread: 100"),
                                     "    b: {type: tiny}", "    b: {type: tiny, ppm: -12.5}");
    const SystemSpec s = parse(text);
    CHECK(s.chips[1].ppm == -12.5);
    CHECK(s.chips[0].ppm != 0);
    CHECK(std::abs(s.chips[0].ppm) <= 100);
    CHECK(std::abs(s.chips[2].ppm) <= 100);
    // Same file, same draws; a chip's own ppm leaves the other chips' draws as they were.
    const SystemSpec again = parse(replace(text, "    b: {type: tiny, ppm: -12.5}", "    b: {type: tiny}"));
    CHECK(again.chips[0].ppm == s.chips[0].ppm);
    CHECK(again.chips[2].ppm == s.chips[2].ppm);
    CHECK(parse(text).chips[2].ppm == s.chips[2].ppm);
    CHECK(parse(replace(text, "seed: 5", "seed: 6")).chips[0].ppm != s.chips[0].ppm);
}

TEST_CASE("chip types from config files, relative to the system file", "[system]")
{
    const SystemSpec s = parse_shipped_dir(kPair);
    CHECK(s.types[0].name == "tiny");
    CHECK(s.types[0].spec.chip.lanes() == 16);
    CHECK(s.chips[0].name == "c0");
    REQUIRE(s.links.size() == 2);
    CHECK(s.links[1].a.port == 1);
    CHECK(s.links[1].b.port == 1);
    // An absolute path, and a file of one's own.
    lpu::test::TempDir dir;
    std::ofstream(dir / "chip.yaml") << "version: 1\nchip:\n  name: mine\n  geometry:\n    superlanes: 2\n";
    const SystemSpec mine = parse(replace(kPair, "../tiny.yaml", dir / "chip.yaml"));
    CHECK(mine.types[0].spec.chip.name == "mine");
    std::ofstream(dir / "sys.yaml") << replace(kPair, "../tiny.yaml", "chip.yaml");
    CHECK(lpu::load_system_spec(dir / "sys.yaml").types[0].spec.chip.superlanes == 2);
}

TEST_CASE("entries of links set the parameters of generated links", "[system]")
{
    const SystemSpec s =
        parse_shipped_dir(kPair + "  links:\n    - {a: c1, b: c0, b_port: 1, cable_latency: 400}\n  chips:\n"
                                  "    c1: {ppm: 3}\n");
    CHECK(s.links[0].params.cable_latency == 216);
    CHECK(s.links[1].params.cable_latency == 400);
    CHECK(s.links[1].params.seed == 2);  // the generated link's own default
    CHECK(s.links[1].pos.line == 11);
    CHECK(s.chips[1].ppm == 3);
}

TEST_CASE("the published sizes: node, rack and dragonfly", "[system]")
{
    const SystemSpec node = lpu::load_system_spec(kSystemsDir + "/node-8.yaml");
    CHECK(node.chips.size() == 8);
    CHECK(node.links.size() == 28);
    const SystemSpec rack = lpu::load_system_spec(kSystemsDir + "/rack-72.yaml");
    CHECK(rack.chips.size() == 72);
    CHECK(rack.links.size() == 9 * 28 + 9 * 8 * 4 / 2);
    CHECK(rack.chips[71].name == "n8.c7");
    // Every port is used once, local ports 0-6, then the global ones.
    std::vector<std::vector<int>> use(rack.chips.size(), std::vector<int>(16, 0));
    for (const auto& l : rack.links) {
        ++use[l.a.chip][l.a.port];
        ++use[l.b.chip][l.b.port];
        CHECK((l.a.chip / 8 == l.b.chip / 8) == (l.a.port < 7));
    }
    for (const auto& chip : use)
        for (unsigned p = 0; p < 16; ++p)
            CHECK(chip[p] == (p < 11 ? 1 : 0));
}

TEST_CASE("system file errors name file, line, column and key", "[system]")
{
    CHECK(custom_error("  topology:", "  topolgy: {}\n  topology:") ==
          "sys.yaml:12:3: system.topolgy: unknown key (did you mean 'topology'?); allowed here: name, seed, "
          "ppm_spread, start_spread_ps, types, topology, link_defaults, chips, links, hac_root");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: b, cable: 3}") ==
          "sys.yaml:19:20: system.links[0].cable: unknown key; allowed here: a, b, cable_latency, serdes_latency, "
          "framing_overhead, fec, fec_latency, ber, burst_probability, burst_bits, seed");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: bb}") ==
          "sys.yaml:19:17: system.links[0].b: no chip 'bb' (did you mean 'b'?)");
    CHECK(custom_error("a_port: 1,", "a_port: 4,") ==
          "sys.yaml:20:28: system.links[1].a_port: chip 'b' has C2C ports 0 to 3 (its type's c2c.links)");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: b, b_port: 1}") ==
          "sys.yaml:20:28: system.links[1].a_port: port 1 of chip 'b' is already used by system.links[0]");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: a}") ==
          "sys.yaml:19:17: system.links[0].b: a link from chip 'a' to itself");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: b}\n" + std::string(4, ' ') + "- {a: a, b: c}\n" +
                                                 "    - {a: a, b: c}\n    - {a: a, b: c}\n    - {a: a, b: c}") ==
          "sys.yaml:23:11: system.links[4].a: chip 'a' has no free C2C port left (all 4 are used)");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a}") ==
          "sys.yaml: system.links[0].b: required key is missing (chip at the other end)");
    CHECK(custom_error("    - {a: a, b: b}", "    - foo") ==
          "sys.yaml:19:7: system.links[0]: must be a map (section with keys: a, b, cable_latency, serdes_latency, "
          "framing_overhead, fec, fec_latency, ber, burst_probability, burst_bits, seed)");
    CHECK(custom_error("  links:\n    - {a: a, b: b}\n    - {a: b, b: c, a_port: 1, b_port: 0}", "  links: {a: b}") ==
          "sys.yaml:18:10: system.links: must be a list of maps");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: b, fec: rs}") ==
          "sys.yaml:19:25: system.links[0].fec: fec 'rs': expected kp4 (RS(544,514)), kr4 (RS(528,514)), none or "
          "rs(N,K)");
    CHECK(custom_error("    - {a: a, b: b}", "    - {a: a, b: b, fec: 'rs(10,12)'}") ==
          "sys.yaml:19:25: system.links[0].fec: rs(10,12): a Reed-Solomon code over 10-bit symbols needs 0 < k < n "
          "<= 1023");
    // Any code FecCode names, kept by its canonical name.
    CHECK(
        parse(replace(kCustom, "    - {a: a, b: b}", "    - {a: a, b: b, fec: KP4}"), "sys.yaml").links[0].params.fec ==
        "kp4");
    CHECK(parse(replace(kCustom, "    - {a: a, b: b}", "    - {a: a, b: b, fec: 'RS(31,21)'}"), "sys.yaml")
              .links[0]
              .params.fec == "rs(31,21)");
    CHECK(custom_error("  topology:", "  link_defaults: {burst_bits: 65537}\n  topology:") ==
          "sys.yaml:12:31: system.link_defaults.burst_bits: value 65537 out of range [0, 65536]");
    CHECK(custom_error("  topology:", "  link_defaults: {ber: 0.9}\n  topology:") ==
          "sys.yaml:12:24: system.link_defaults.ber: value 0.9 out of range [0, 0.5]");
}

TEST_CASE("chip and chip type errors", "[system]")
{
    CHECK(custom_error("    c: {type: tiny}", "    c: {type: tiny}\n    d: {type: tiny}") ==
          "sys.yaml:13:11: system.topology.kind: the links leave the system in 2 separate parts: no route from 'a' to "
          "'d'");
    CHECK(custom_error("    c: {type: tiny}", "    c: {type: tiny2}") ==
          "sys.yaml:17:15: system.chips.c.type: no chip type 'tiny2' (types: tiny)");
    CHECK(custom_error("    c: {type: tiny}", "    c: {type: tiny, ppm: 5000}") ==
          "sys.yaml:17:26: system.chips.c.ppm: value 5000 out of range [-1000, 1000]");
    CHECK(custom_error("    c: {type: tiny}", "    c: {type: tiny, ppm: fast}") ==
          "sys.yaml:17:26: system.chips.c.ppm: expected a number, got 'fast'");
    CHECK(custom_error("    c: {type: tiny}", "    c: {type: tiny}\n    'd e': {type: tiny}") ==
          "sys.yaml:18:5: system.chips.d e: not a chip name: names are 1 to 64 letters, digits, '_' or '-' (or '.')");
    CHECK(custom_error("  chips:\n    a: {type: tiny}\n    b: {type: tiny}\n    c: {type: tiny}\n", "") ==
          "sys.yaml: system.chips: a custom system lists its chips here (NAME: {type: T})");
    CHECK(custom_error("  topology:\n    kind: custom\n  chips:\n    a: {type: tiny}",
                       "    other:\n      config: x.yaml\n  topology:\n    kind: custom\n  chips:\n    a: {}") ==
          "sys.yaml:13:15: system.types.other.config: the chip config does not load: x.yaml: cannot open config file");
    // The chip keys of an inline type, with their full path and the chip config's own messages.
    CHECK(custom_error("          links: 4", "          links: 4\n        mxm:\n          rows: 48") ==
          "sys.yaml:13:17: system.types.tiny.chip.mxm.rows: must equal the lane count 16 (superlanes 1 x "
          "lanes_per_superlane 16), got 48");
    CHECK(custom_error("          links: 4", "          links: 4\n          lnks: 3")
              .rfind("sys.yaml:12:11: system.types.tiny.chip.c2c.lnks: unknown key (did you mean 'links'?)", 0) == 0);
    CHECK(custom_error("      chip:\n", "      config: x.yaml\n      chip:\n") ==
          "sys.yaml:5:5: system.types.tiny: give either config (a chip config file) or chip (the chip's keys inline), "
          "not both");
    CHECK(custom_error("  types:\n    tiny:\n      chip:\n        name: tiny\n        geometry:\n          superlanes: "
                       "1\n        c2c:\n          links: 4\n",
                       "") == "sys.yaml: system.types: a system needs at least one chip type (NAME: {config: FILE} or "
                              "NAME: {chip: {...}})");
    CHECK(custom_error("kind: custom", "kind: torus") ==
          "sys.yaml:13:11: system.topology.kind: unknown topology 'torus'; kinds: pair, node, rack, dragonfly, custom");
    CHECK(custom_error("version: 1", "version: 2") == "sys.yaml:1:10: version: value 2 out of range [1, 1]");
    CHECK(rejection("") == "sys.yaml: empty system file (expected a map with 'version' and 'system')");
}

TEST_CASE("a chip without a type when the file declares several", "[system]")
{
    const std::string two = replace(
        kCustom,
        "  topology:", "    other:\n      config: " + std::string(LPUSIM_CONFIG_DIR) + "/tiny.yaml\n  topology:");
    CHECK(rejection(replace(two, "    a: {type: tiny}", "    a: {}")) ==
          "sys.yaml:17:5: system.chips.a: needs a type: the file declares 2 chip types (tiny, other) and "
          "system.topology.type names none");
    const SystemSpec s = parse(
        replace(replace(two, "    a: {type: tiny}", "    a: {}"), "kind: custom", "kind: custom\n    type: other"));
    CHECK(s.chips[0].type == 1);
    CHECK(s.chips[1].type == 0);
}

TEST_CASE("generated topology errors", "[system]")
{
    CHECK(pair_error("    links: 2\n", "    links: 2\n  links:\n    - {a: c0, b: c1, cable_latency: 300}\n") ==
          "p.yaml:11:11: system.links[0].a: 'c0' and 'c1' share 2 links: give a_port or b_port to choose one");
    CHECK(pair_error("    links: 2\n", "    links: 2\n  links:\n    - {a: c0, b: c1, a_port: 0, b_port: 1}\n") ==
          "p.yaml:11:18: system.links[0].b: no link between 'c0' and 'c1' on these ports in this pair");
    CHECK(pair_error("    links: 2\n", "    links: 2\n  links:\n    - {a: c0, b: c1, a_port: 2}\n") ==
          "p.yaml:11:30: system.links[0].a_port: chip 'c0' has C2C ports 0 to 1 in this pair");
    CHECK(pair_error("    links: 2\n",
                     "    links: 2\n  links:\n    - {a: c0, b: c1, a_port: 0}\n    - {a: c1, b: c0, b_port: 0}\n") ==
          "p.yaml:12:11: system.links[1].a: this link is already set by system.links[0]");
    CHECK(pair_error("    links: 2\n", "    links: 2\n  chips:\n    c2: {ppm: 3}\n") ==
          "p.yaml:11:5: system.chips.c2: no chip 'c2' in this pair (its chips are named c0 to c1)");
    CHECK(pair_error("    kind: pair\n", "    kind: node\n") ==
          "p.yaml:9:5: system.topology.links: unknown key; allowed here: kind, type, chips");
    CHECK(pair_error("    kind: pair\n    links: 2\n", "    kind: dragonfly\n    inter_rack_links: 1\n") ==
          "p.yaml:9:23: system.topology.inter_rack_links: 145 racks need 144 inter-rack ports per rack (one to every "
          "other rack); a rack has 72 chips x 1 inter_rack_links = 72");
    CHECK(
        pair_error("    kind: pair\n    links: 2\n", "    kind: dragonfly\n    racks: 1\n    intra_rack_links: 0\n") ==
        "p.yaml:8:11: system.topology.kind: the links leave the system in 9 separate parts: no route from "
        "'r0.n0.c0' to 'r0.n1.c0'");
    CHECK(pair_error("kind: pair", "kind: dragonfy") ==
          "p.yaml:8:11: system.topology.kind: unknown topology 'dragonfy' (did you mean 'dragonfly'?); kinds: pair, "
          "node, rack, dragonfly, custom");
    CHECK(pair_error("    links: 2\n", "    links: 2\n  chips:\n    c1: {type: nope}\n") ==
          "p.yaml:11:16: system.chips.c1.type: no chip type 'nope' (types: tiny)");
    const std::string few_ports = "      chip:\n        geometry: {superlanes: 1}\n        c2c: {links: 8}\n";
    CHECK(rejection(replace(replace(kPair, "      config: ../tiny.yaml\n", few_ports), "    kind: pair\n    links: 2\n",
                            "    kind: dragonfly\n    racks: 2\n")) ==
          "sys.yaml:10:11: system.topology.kind: a dragonfly uses 11 C2C ports per chip (7 local, 2 intra-rack, 2 "
          "inter-rack); chip type 'tiny' has c2c.links = 8");
}
