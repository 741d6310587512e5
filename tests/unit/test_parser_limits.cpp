// Parsers against hostile input (issue 9 item 7, docs/fuzzing.md): echoed tokens are cut, YAML
// inputs are held to a size, nesting and node limit before a tree is built, and each finding of
// the fuzzers is an input error with file:line:col and the reason.
#include "compiler/Workload.h"
#include "models/common/Error.h"
#include "models/common/NpyReader.h"
#include "models/common/YamlText.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ChipTestSupport.h"
#include "TempDir.h"

using namespace lpu;
using lpu::test::asm_error;
using lpu::test::tiny;

namespace {

std::string config_error(const std::string& text)
{
    try {
        parse_chip_spec(text, "t.yaml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("config was accepted:\n" << cut_token(text, 400));
    return "";
}

std::string workload_error(const std::string& text)
{
    try {
        load_workload_string(text, "wl.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    FAIL("workload was accepted:\n" << cut_token(text, 400));
    return "";
}

std::string file_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string regression(const std::string& parser, const std::string& name)
{
    return std::string(LPUSIM_SOURCE_DIR) + "/fuzz/regressions/" + parser + "/" + name;
}

}  // namespace

TEST_CASE("echoed input is cut to 40 characters and escaped", "[limits]")
{
    CHECK(quote_token("Raed") == "'Raed'");
    CHECK(cut_token("Raed") == "Raed");
    CHECK(quote_token(std::string(40, 'a')) == "'" + std::string(40, 'a') + "'");
    CHECK(quote_token(std::string(41, 'a')) == "'" + std::string(40, 'a') + "...' (41 characters)");
    CHECK(cut_token(std::string(10 * 1024 * 1024, 'x')) == std::string(40, 'x') + "... (10485760 characters)");
    CHECK(quote_token(std::string("a\nb\tc\x01\x93", 7)) == "'a\\nb\\tc\\x01\\x93'");
    CHECK(quote_token("abcdef", 3) == "'abc...' (6 characters)");
}

TEST_CASE("'did you mean' skips words far longer than any name", "[limits]")
{
    CHECK(did_you_mean("rowz", {"rows", "cols"}, 2) == " (did you mean 'rows'?)");
    // Two near-equal 500 kB words were an edit distance of 2.5e11 steps.
    const std::string huge(500000, 'T');
    CHECK(did_you_mean(huge + "x", {huge}, 2).empty());
    CHECK(did_you_mean(std::string(kMaxHintLength, 'a'), {std::string(kMaxHintLength - 1, 'a')}, 2) ==
          " (did you mean '" + std::string(40, 'a') + "...' (99 characters)?)");
}

TEST_CASE("a config over 1 MiB is refused before it is parsed", "[limits]")
{
    const std::string text = "version: 1\nchip:\n  x: [" + std::string(kYamlMaxBytes, '1') + "]\n";
    CHECK(config_error(text) ==
          "t.yaml: " + std::to_string(text.size()) + " bytes, more than the 1048576 (1 MiB) a config file may have");
    test::TempDir dir;
    const std::string path = dir / "big.yaml";
    std::ofstream(path, std::ios::binary) << text;
    try {
        load_chip_spec(path);
        FAIL("accepted");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) == path + ": " + std::to_string(text.size()) +
                                           " bytes, more than the 1048576 (1 MiB) a config file may have");
    }
    try {
        load_chip_spec(dir.path.string());
        FAIL("accepted");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) == dir.path.string() + ": is a directory, not a config file");
    }
}

TEST_CASE("nesting deeper than 64 levels is refused where it happens", "[limits]")
{
    // The 64th '[' is the 65th level under the top-level map, in column 6 + 64.
    CHECK(config_error("version: 1\nchip: " + std::string(100000, '[') + std::string(100000, ']') + "\n") ==
          "t.yaml:2:70: nesting deeper than 64 levels (maps and lists inside each other)");
    std::string blocks;
    for (int i = 0; i < 80; ++i)
        blocks += std::string(static_cast<size_t>(i), ' ') + "k:\n";
    CHECK(config_error(blocks) == "t.yaml:65:65: nesting deeper than 64 levels (maps and lists inside each other)");
    std::string deep = "version: 1\nworkload: ";
    for (int i = 0; i < 100; ++i)
        deep += "{a: ";
    CHECK(workload_error(deep + std::string(100, '}') + "\n") ==
          "wl.yaml:2:263: nesting deeper than 64 levels (maps and lists inside each other)");
    // 64 levels are fine as YAML (and then the loader says what is wrong with them).
    CHECK(config_error("version: 1\nchip: " + std::string(63, '[') + std::string(63, ']') + "\n") ==
          "t.yaml:2:7: chip: must be a map (section with keys: name, clock_mhz, geometry, mxm, mem, streams, c2c, icu, "
          "vxm, sxm)");
}

TEST_CASE("more than 100,000 YAML nodes are refused at the first one over", "[limits]")
{
    std::string items;
    for (int i = 0; i < 150000; ++i)
        items += "1,";
    // Nodes: the top map, version, 1, chip, its map, x, the list: the list's 99,994th item is the
    // 100,001st node, in column 7 + 2 x 99,993.
    CHECK(config_error("version: 1\nchip:\n  x: [" + items + "1]\n") ==
          "t.yaml:3:199993: more than 100000 YAML nodes (keys, values, maps and lists): the limit for a config file");
}

TEST_CASE("long keys, values and names are cut in YAML errors", "[limits]")
{
    const std::string key(5000, 'k');
    CHECK(config_error("version: 1\nchip:\n  ? " + key + "\n  : 1\n")
              .rfind("t.yaml:3:5: chip." + std::string(40, 'k') + "... (5000 characters): unknown key; allowed here: ",
                     0) == 0);
    CHECK(config_error("version: 1\nchip:\n  clock_mhz: " + std::string(5000, '9') + "x\n") ==
          "t.yaml:3:14: chip.clock_mhz: expected a number, got '" + std::string(40, '9') + "...' (5001 characters)");
    const std::string name(3000, 'T');
    CHECK(workload_error("version: 1\nworkload:\n  name: w\n  tensors:\n    ? " + name +
                         "\n    : {shape: [4, 16], type: i8}\n  layers:\n    - {name: r, op: relu, a: " + name +
                         "x, out: Y}\n  outputs: [Y]\n") == "wl.yaml:8:30: layers[0] (r).a: tensor '" +
                                                                std::string(40, 'T') +
                                                                "...' (3001 characters) is not defined; "
                                                                "defined so far: " +
                                                                std::string(40, 'T') + "... (3000 characters)");
    CHECK(workload_error("version: 1\nworkload:\n  name: " + std::string(100, '=') + "\n") ==
          "wl.yaml:3:9: name: '" + std::string(40, '=') +
              "...' (100 characters) is not a name of letters, digits, '_' and '-'");
}

TEST_CASE("assembler errors cut long tokens", "[limits]")
{
    CHECK(asm_error(".queue MEM_E0\n " + std::string(50, 'R') + " 0, s0e\n") ==
          "p.s:2:2: unknown instruction '" + std::string(40, 'R') + "...' (50 characters)");
    CHECK(asm_error(".queue MEM_E0\n Read 0x000, s" + std::string(100, '9') + "e\n") ==
          "p.s:2:14: stream s" + std::string(39, '9') + "... (102 characters) does not exist (32 eastbound streams)");
    CHECK(asm_error(".queue MEM_E0\n Read -" + std::string(60, '0') + "1, s0e\n") ==
          "p.s:2:7: expected word address (decimal or 0x hex), got '-" + std::string(39, '0') + "...' (62 characters)");
    CHECK(asm_error(".queue MEM_E0\n Read 1" + std::string(60, '0') + ", s0e\n") ==
          "p.s:2:7: expected word address, got '1" + std::string(39, '0') + "...' (61 characters)");
    CHECK(asm_error(".queue MEM_E0\n Read " + std::string(60, '1') + "x, s0e\n") ==
          "p.s:2:7: expected word address, got '" + std::string(40, '1') + "...' (61 characters)");
    CHECK(asm_error(".queue " + std::string(45, 'Q') + "\n") ==
          "p.s:1:8: unknown queue '" + std::string(40, 'Q') +
              "...' (45 characters) (queues are e.g. MEM_W0, VXM.3, SXM_E0.1, MXM_W0.a)");
}

TEST_CASE("a signed number with a leading zero is an error, not octal", "[limits]")
{
    // std::stoll in base 0 read "-010" as -8 (and "010" was already refused).
    CHECK(asm_error(".queue MEM_E0\n Step -010\n") == "p.s:2:7: expected address step (decimal or 0x hex), got '-010'");
    CHECK(asm_error(".queue MEM_E0\n Step +010\n") == "p.s:2:7: expected address step (decimal or 0x hex), got '+010'");
    CHECK(asm_error(".queue MEM_E0\n Step -0x10\n Step -10\n Step 0\n Step -0\n").empty());
}

TEST_CASE("a .queue inside a .block is an error (fuzz regression)", "[limits]")
{
    CHECK(asm_error(file_bytes(regression("asm", "queue-inside-block.s"))) ==
          "p.s:2:1: .queue inside .block 'B' (p.s:1:1), whose instructions are for VXM.0: end the block first");
}

TEST_CASE("declared names are printable ASCII in the assembler as in object files (fuzz regression)", "[limits]")
{
    // The assembler took a tensor name with bytes past ASCII that its own object file then refused.
    CHECK(asm_error(".tensor SC\xcb\xcb MEM_E4 0x000 1 f32\n") ==
          "p.s:1:9: tensor name 'SC\\xcb\\xcb' is not one word of printable characters");
    CHECK(asm_error(".matrix M\x01 4 4 i8\n") ==
          "p.s:1:9: matrix name 'M\\x01' is not one word of printable characters");
    CHECK(asm_error(".tensor T_0.x@c1 MEM_E4 0x000 1 i8\n") == "");
    CHECK(asm_error(".tensor \xac\xacY MEM_E2 0x000 4 i32\n") ==
          "p.s:1:9: tensor name '\\xac\\xacY' is not one word of printable characters");
    CHECK(asm_error(".block B\x7f MEM_E0 MEM_E1 0\n.end\n") ==
          "p.s:1:8: block name 'B\\x7f' is not one word of printable characters");
}

TEST_CASE("object files from the issue's findings are input errors", "[limits]")
{
    auto decode_error = [](const std::string& file) {
        try {
            decode_program(file_bytes(regression("object", file)), "p.lpo", tiny());
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    // Refused by the opcode table's operand range, before anything disassembles it.
    CHECK(decode_error("issue9-read-address-int64-min.lpo") ==
          "p.lpo: not a valid lpusim object file: queue MEM_E0, instruction 0: Read word address -9223372036854775808 "
          "out of range [0, 8191] at byte 225");
    // A name holding blanks and a line break smuggled a tensor into the disassembly it is checked by.
    CHECK(decode_error("tensor-name-with-lines.lpo") ==
          "p.lpo: not a valid lpusim object file: tensor name 'Q MEM_W9 0x0 1 i8\\n.tensor X' is not one word of "
          "printable characters at byte 12");
    CHECK(decode_error("issue9-block-stream-index-overflow.lpo") ==
          "p.lpo: invalid program: p.lpo (disassembled):2:17: stream s99999999999999999999e does not exist (32 "
          "eastbound streams)");
}

TEST_CASE(".npy headers: at most 64 dimensions, long fields cut", "[limits]")
{
    const std::string many = file_bytes(regression("npy", "shape-65-dims.npy"));
    CHECK_THROWS_WITH(parse_npy(reinterpret_cast<const uint8_t*>(many.data()), many.size(), "m.npy"),
                      Catch::StartsWith("m.npy: malformed header: 'shape' has more than 64 dimensions at offset 243 of "
                                        "'{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, ") &&
                          Catch::EndsWith(", 1, 1, 1...' (310 characters)"));
}

TEST_CASE("the resolved config lpusim config prints loads back to the same config", "[limits]")
{
    // Found by the config harness's round trip: floats were printed to 6 digits (1234.56789 as
    // 1234.57), and a name was printed unquoted (a name "~" read back as no value).
    const ChipSpec cfg = parse_chip_spec("version: 1\nchip:\n  name: \"a: b #c\"\n  clock_mhz: 1234.56789\n"
                                         "  geometry:\n    superlanes: 1\n",
                                         "t.yaml");
    const std::string resolved = cfg.config->describe();
    CHECK(resolved.find("\n  name: \"a: b #c\" ") != std::string::npos);
    CHECK(resolved.find("\n  clock_mhz: 1234.56789 ") != std::string::npos);
    const ChipSpec again = parse_chip_spec(resolved, "resolved.yaml");
    for (const auto& e : cfg.config->entries())
        CHECK(again.config->entry(e.spec.path).value == e.value);
    CHECK(
        parse_chip_spec(parse_chip_spec("version: 1\nchip:\n  name: \"~\"\n  geometry:\n    superlanes: 1\n", "t.yaml")
                            .config->describe(),
                        "resolved.yaml")
            .chip.name == "~");
    // Range errors show the value exactly too.
    CHECK(config_error("version: 1\nchip:\n  clock_mhz: 5000.0001\n  geometry:\n    superlanes: 1\n") ==
          "t.yaml:3:14: chip.clock_mhz: value 5000.0001 out of range [1, 5000]");
}

TEST_CASE("config strings are printable ASCII", "[limits]")
{
    // Found by the config harness: a name with a control byte and a stray non-UTF-8 byte did not
    // load back from the resolved text.
    CHECK(config_error("version: 1\nchip:\n  name: \"ts\\x16p\"\n") ==
          "t.yaml:3:9: chip.name: must be printable ASCII text, got 'ts\\x16p'");
    CHECK(config_error("version: 1\nchip:\n  name: ts\x83p\n") ==
          "t.yaml:3:9: chip.name: must be printable ASCII text, got 'ts\\x83p'");
}
