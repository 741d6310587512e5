// Config loading: the shipped configs resolve as documented, and every kind of bad input is
// rejected with file:line:col, the key path and the reason.
#include "models/common/Error.h"
#include "models/common/ParamNode.h"
#include "models/spec/ChipParams.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MxmParams.h"

#include <catch2/catch.hpp>

#include <string>

using lpu::ChipSpec;
using lpu::ConfigError;
using lpu::parse_chip_spec;

namespace {

const std::string kValid = R"(version: 1
chip:
  name: t
  geometry:
    superlanes: 2
    lanes_per_superlane: 16
  mxm:
    rows: 32
    cols: 32
)";

ChipSpec load(const std::string& text) { return parse_chip_spec(text, "test.yaml"); }

// The error message for `text`; fails the test if it loads.
std::string rejection(const std::string& text)
{
    try {
        load(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("config was accepted:\n" << text);
    return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("shipped configs load with the published geometry", "[config]")
{
    const std::string dir = LPUSIM_CONFIG_DIR;
    const auto tiny = (lpu::load_chip_spec(dir + "/tiny.yaml")).mxm;
    CHECK(tiny.superlanes == 1);
    CHECK(tiny.rows == 16);
    CHECK(tiny.cols == 16);
    const auto small = (lpu::load_chip_spec(dir + "/small.yaml")).mxm;
    CHECK(small.superlanes == 4);
    CHECK(small.rows == 64);
    const ChipSpec full = lpu::load_chip_spec(dir + "/tsp-v1.yaml");
    const auto chip = full.chip;
    const auto mxm = full.mxm;
    CHECK(chip.lanes() == 320);  // TSP20: 20 superlanes x 16 lanes
    CHECK(chip.clock_mhz == 900.0);
    CHECK(mxm.planes == 4);
    CHECK(mxm.rows == 320);
    CHECK(mxm.install_cycles() == 20);  // one cycle per 16 rows
    CHECK(chip.period_ps() == 1111);
}

TEST_CASE("defaults resolve, including rows and cols derived from the lane count", "[config]")
{
    const ChipSpec cfg = load("version: 1\nchip:\n  geometry:\n    superlanes: 3\n");
    const auto p = cfg.mxm;
    CHECK(p.rows == 48);
    CHECK(p.cols == 48);
    CHECK(p.acc_slots == 16);
    CHECK(p.install_rows_per_cycle == 16);
    CHECK(p.array_latency == 1);
    CHECK_FALSE(cfg.config->entry("chip.mxm.rows").from_file);
    CHECK(cfg.config->entry("chip.geometry.superlanes").from_file);
    CHECK(cfg.config->entry("chip.geometry.superlanes").line == 4);
}

TEST_CASE("every superlane count from 1 to 20 is a valid geometry", "[config]")
{
    for (int s = 1; s <= 20; ++s) {
        const ChipSpec cfg = load("version: 1\nchip:\n  geometry:\n    superlanes: " + std::to_string(s) + "\n");
        const auto p = cfg.mxm;
        CHECK(p.rows == 16u * s);
        CHECK(p.install_cycles() == static_cast<unsigned>(s));
    }
}

TEST_CASE("describe prints every parameter with its description and source", "[config]")
{
    const std::string text = load(kValid).config->describe();
    CHECK(text.find("superlanes: 2") != std::string::npos);
    CHECK(text.find("[file line 5]") != std::string::npos);
    CHECK(text.find("acc_slots: 16") != std::string::npos);
    CHECK(text.find("[default]") != std::string::npos);
    const ChipSpec spec = load(kValid);
    for (const auto& e : spec.config->entries())
        CHECK(text.find(e.spec.description) != std::string::npos);
    // What it prints is itself a valid config that resolves to the same values.
    const ChipSpec again = load(text);
    CHECK(again.mxm.rows == 32);
    REQUIRE(again.config->entries().size() == spec.config->entries().size());
    for (size_t i = 0; i < spec.config->entries().size(); ++i) {
        CHECK(again.config->entries()[i].spec.path == spec.config->entries()[i].spec.path);
        CHECK(again.config->entries()[i].value == spec.config->entries()[i].value);
        CHECK(again.config->entries()[i].from_file);
    }
}

TEST_CASE("rejections name file, line, column, key and reason", "[config]")
{
    SECTION("unknown top-level key")
    {
        const auto m = rejection("version: 1\nchips: {}\n");
        CHECK(m.find("test.yaml:2:1: chips: unknown key (did you mean 'chip'?)") != std::string::npos);
    }
    SECTION("unknown nested key, with a suggestion")
    {
        const auto m = rejection(replace(kValid, "    rows: 32", "    rowz: 32"));
        CHECK(m.find("test.yaml:8:5: chip.mxm.rowz: unknown key (did you mean 'rows'?)") != std::string::npos);
    }
    SECTION("unknown key far from any known one lists what is allowed")
    {
        const auto m = rejection(replace(kValid, "  name: t", "  banana: t"));
        CHECK(m.find("chip.banana: unknown key; allowed here: name, clock_mhz, geometry, mxm") != std::string::npos);
    }
    SECTION("an odd number of MXM planes (the hemispheres are mirrored)")
    {
        const auto m = rejection(replace(kValid, "    rows: 32", "    planes: 3\n    rows: 32"));
        CHECK(m.find("chip.mxm.planes: must be even (planes / 2 in each mirrored hemisphere), got 3") !=
              std::string::npos);
    }
    SECTION("duplicate key")
    {
        const auto m = rejection(replace(kValid, "    cols: 32", "    cols: 32\n    cols: 32"));
        CHECK(m.find("test.yaml:10:5: chip.mxm.cols: duplicate key") != std::string::npos);
    }
    SECTION("string where an integer belongs")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes: two"));
        CHECK(m.find("test.yaml:5:17: chip.geometry.superlanes: expected an integer, got 'two'") != std::string::npos);
    }
    SECTION("fraction where an integer belongs")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes: 2.5"));
        CHECK(m.find("expected an integer, got '2.5'") != std::string::npos);
    }
    SECTION("quoted number is a string")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes: \"2\""));
        CHECK(m.find("chip.geometry.superlanes: expected an integer") != std::string::npos);
    }
    SECTION("list where a number belongs")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes: [2]"));
        CHECK(m.find("chip.geometry.superlanes: expected a value of type int, got a list") != std::string::npos);
    }
    SECTION("non-numeric float")
    {
        const auto m = rejection(replace(kValid, "  name: t", "  clock_mhz: fast"));
        CHECK(m.find("test.yaml:3:14: chip.clock_mhz: expected a number, got 'fast'") != std::string::npos);
    }
    SECTION("hex float (found by fuzzing: strtod read 0x10 as 16)")
    {
        const auto m = rejection(replace(kValid, "  name: t", "  clock_mhz: 0x10"));
        CHECK(m.find("test.yaml:3:14: chip.clock_mhz: expected a number, got '0x10'") != std::string::npos);
        CHECK_NOTHROW(load(replace(kValid, "  name: t", "  clock_mhz: 900.5")));
    }
    SECTION("value with nothing after the colon")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes:"));
        CHECK(m.find("chip.geometry.superlanes: has no value") != std::string::npos);
    }
    SECTION("section given a scalar")
    {
        const auto m = rejection("version: 1\nchip:\n  geometry: 4\n");
        CHECK(m.find("test.yaml:3:13: chip.geometry: must be a map") != std::string::npos);
    }
    SECTION("out of range: zero superlanes")
    {
        const auto m = rejection(replace(kValid, "superlanes: 2", "superlanes: 0"));
        CHECK(m.find("test.yaml:5:17: chip.geometry.superlanes: value 0 out of range [1, 64]") != std::string::npos);
    }
    SECTION("out of range: negative latency")
    {
        const auto m = rejection(replace(kValid, "    cols: 32", "    cols: 32\n    array_latency: -1"));
        CHECK(m.find("chip.mxm.array_latency: value -1 out of range [1, 64]") != std::string::npos);
    }
    SECTION("out of range: clock")
    {
        const auto m = rejection(replace(kValid, "  name: t", "  clock_mhz: 0"));
        CHECK(m.find("chip.clock_mhz: value 0 out of range [1, 5000]") != std::string::npos);
    }
    SECTION("inconsistent: MXM rows are not the lane count")
    {
        const auto m = rejection(replace(kValid, "rows: 32", "rows: 16"));
        CHECK(m.find("test.yaml:8:11: chip.mxm.rows: must equal the lane count 32 (superlanes 2 x "
                     "lanes_per_superlane 16), got 16") != std::string::npos);
    }
    SECTION("inconsistent: MXM cols are not the lane count")
    {
        const auto m = rejection(replace(kValid, "cols: 32", "cols: 320"));
        CHECK(m.find("chip.mxm.cols: must equal the lane count 32") != std::string::npos);
    }
    SECTION("inconsistent: a derived value broken by another key names the default")
    {
        const auto m =
            rejection("version: 1\nchip:\n  geometry:\n    superlanes: 1\n  mxm:\n    install_rows_per_cycle: 32\n");
        CHECK(m.find("chip.mxm.install_rows_per_cycle: must not exceed chip.mxm.rows (16)") != std::string::npos);
    }
    SECTION("missing version")
    {
        const auto m = rejection("chip:\n  geometry:\n    superlanes: 1\n");
        CHECK(m.find("test.yaml: version: required key is missing") != std::string::npos);
    }
    SECTION("unsupported version")
    {
        const auto m = rejection(replace(kValid, "version: 1", "version: 2"));
        CHECK(m.find("test.yaml:1:10: version: value 2 out of range [1, 1]") != std::string::npos);
    }
    SECTION("missing required geometry")
    {
        const auto m = rejection("version: 1\nchip:\n  name: x\n");
        CHECK(m.find("chip.geometry.superlanes: required key is missing") != std::string::npos);
    }
    SECTION("empty file") { CHECK(rejection("").find("test.yaml: empty config") != std::string::npos); }
    SECTION("top level is not a map")
    {
        CHECK(rejection("- 1\n- 2\n").find("test.yaml:1:1: top level must be a map") != std::string::npos);
    }
    SECTION("YAML syntax error")
    {
        const auto m = rejection("version: 1\nchip: [\n");
        CHECK(m.find("test.yaml:") != std::string::npos);
        CHECK(m.find("YAML syntax error") != std::string::npos);
    }
    SECTION("empty string")
    {
        CHECK(rejection(replace(kValid, "name: t", "name: ''")).find("chip.name: must not be empty") !=
              std::string::npos);
    }
}

TEST_CASE("a missing config file is an error naming the file", "[config]")
{
    try {
        lpu::load_chip_spec("/nonexistent/chip.yaml");
        FAIL("accepted a missing file");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/chip.yaml: cannot open config file");
    }
}

TEST_CASE("the chip's keys read the same inside a larger file, with the same errors", "[config]")
{
    // A system file holding chip types (the next issue's format is its own; this is the mechanism).
    const std::string text = "version: 1\n"
                             "system:\n"
                             "  types:\n"
                             "    big:\n"
                             "      name: big\n"
                             "      geometry:\n"
                             "        superlanes: 2\n"
                             "      mxm:\n"
                             "        acc_slots: 8\n"
                             "    small:\n"
                             "      geometry:\n"
                             "        superlanes: 1\n";
    auto read = [](const std::string& yaml) {
        auto record = std::make_shared<lpu::Config>("sys.yaml");
        lpu::ParamNode root = lpu::ParamNode::root(record, YAML::Load(yaml), "system file");
        root.param<int64_t>("version", "format version").range(1, 1).value();
        lpu::ParamNode system = root.section("system");
        lpu::ParamNode types = system.section("types");
        std::vector<ChipSpec> chips;
        for (const char* name : {"big", "small"}) {
            lpu::ParamNode chip = types.section(name);
            chips.push_back(ChipSpec::read(chip));
        }
        types.finish();
        system.finish();
        root.finish();
        return chips;
    };
    const std::vector<ChipSpec> chips = read(text);
    CHECK(chips[0].chip.name == "big");
    CHECK(chips[0].mxm.rows == 32);
    CHECK(chips[0].mxm.acc_slots == 8);
    CHECK(chips[1].chip.lanes() == 16);
    CHECK(chips[1].config->entry("system.types.small.mxm.rows").value == lpu::ParamValue{int64_t{16}});
    CHECK_FALSE(chips[1].config->entry("system.types.small.mxm.rows").from_file);

    auto error = [&](const std::string& yaml) -> std::string {
        try {
            read(yaml);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "accepted";
    };
    CHECK(error(replace(text, "        acc_slots: 8", "        rows: 48")) ==
          "sys.yaml:9:15: system.types.big.mxm.rows: must equal the lane count 32 (superlanes 2 x lanes_per_superlane "
          "16), got 48");
    CHECK(error(replace(text, "        acc_slots: 8", "        acc_slot: 8"))
              .rfind("sys.yaml:9:9: system.types.big.mxm.acc_slot: unknown key (did you mean 'acc_slots'?)", 0) == 0);
    CHECK(error(replace(text, "      name: big", "      name: big\n      clock_mhz: fast")) ==
          "sys.yaml:6:18: system.types.big.clock_mhz: expected a number, got 'fast'");
}

TEST_CASE("a misspelt key is reported as unknown, not as the required key it leaves missing", "[config]")
{
    // Errors are reported in file order: the misspelt key comes before the missing one's default.
    const auto m = rejection(replace(kValid, "    superlanes: 2", "    superlane: 2"));
    CHECK(m.rfind("test.yaml:5:5: chip.geometry.superlane: unknown key (did you mean 'superlanes'?)", 0) == 0);
    // Alone, a missing required key says what it is for.
    CHECK(rejection("version: 1\nchip:\n  name: x\n") ==
          "test.yaml: chip.geometry.superlanes: required key is missing (superlanes; instructions step one superlane "
          "per cycle (published chip: 20))");
    // Of two bad values, the first in the file.
    CHECK(rejection(replace(replace(kValid, "    rows: 32", "    rows: x"), "  name: t", "  clock_mhz: 0")) ==
          "test.yaml:3:14: chip.clock_mhz: value 0 out of range [1, 5000]");
}
