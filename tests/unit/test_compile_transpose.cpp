// Compiled transposes (docs/compiler.md, "Transpose"): a workload with transpose layers is
// compiled, assembled and run on the Chip, and every element of the result is compared with a
// plain C++ transpose of the input bytes; the run must take exactly the predicted cycles. On
// tiny (one superlane) the staging passes are plain reads, on small (four) they use rotations and
// per-tile gathers from .data maps. Also: softmax / RMSNorm / LayerNorm along rows (transpose,
// column reduction, transpose back), the error for a config without the streams, and
// MemAllocator::allocate_across (the staging blocks: one address in distinct slices of a
// hemisphere, within one bank).
#include "compiler/Compiler.h"
#include "compiler/MemAllocator.h"
#include "compiler/Workload.h"
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MemParams.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ChipTestSupport.h"

using namespace lpu;
using lpu::test::config_named;

namespace {

// Bytes per element, written out here rather than taken from the model.
unsigned type_size(const std::string& type)
{
    if (type == "i8" || type == "u8")
        return 1;
    if (type == "f16")
        return 2;
    return 4;  // i32, f32
}

struct Shape {
    unsigned rows, cols;
};

std::string transpose_workload(Shape s, const std::string& type, uint64_t seed)
{
    return "version: 1\nworkload:\n  name: xt\n  seed: " + std::to_string(seed) + "\n  tensors:\n    X: {shape: [" +
           std::to_string(s.rows) + ", " + std::to_string(s.cols) + "], type: " + type +
           "}\n  layers:\n    - {name: xt, op: transpose, a: X, out: Y}\n  outputs: [Y]\n";
}

struct Ran {
    CompileResult compiled;
    uint64_t cycles = 0;
    std::map<std::string, std::vector<uint8_t>> inputs, outputs;  // logical [R, C] arrays, row-major
    std::map<std::string, std::vector<uint8_t>> last_blocks;      // each output's last column block, padding lanes too
};

// Compiles `yaml`, assembles the program, loads every input (workload_tensor_data) into its
// column blocks as `lpusim run --load` does, runs it and dumps every output.
Ran compile_and_run(const ChipSpec& cfg, const std::string& yaml)
{
    const Workload w = load_workload_string(yaml, "w.yaml");
    Ran ran;
    ran.compiled = compile_workload(cfg, w);
    const Program p = assemble(ran.compiled.assembly, "w.s", cfg);
    Chip chip("", cfg);
    for (const CompiledTensor& t : ran.compiled.tensors) {
        if (!t.input)
            continue;
        const MatrixDecl* m = p.matrix(t.name);
        REQUIRE(m != nullptr);
        std::vector<uint8_t> data = workload_tensor_data(*w.tensor(t.name));
        chip.load_matrix(p, *m, data);
        ran.inputs[t.name] = std::move(data);
    }
    ran.cycles = chip.run(p).cycles;
    for (const CompiledTensor& t : ran.compiled.tensors) {
        if (!t.output)
            continue;
        const MatrixDecl* m = p.matrix(t.name);
        REQUIRE(m != nullptr);
        ran.outputs[t.name] = chip.dump_matrix(p, *m);
        const TensorDecl* last = p.tensor(m->block_name(m->blocks(cfg.mem.word_bytes()) - 1));
        REQUIRE(last != nullptr);
        ran.last_blocks[t.name] = chip.dump_tensor(*last);
    }
    return ran;
}

// "" if `out` ([cols, rows] elements of `size` bytes) is the transpose of `in` ([rows, cols]),
// byte for byte; otherwise how many elements differ and the first one.
std::string transpose_difference(const std::vector<uint8_t>& in, const std::vector<uint8_t>& out, Shape s,
                                 unsigned size)
{
    const size_t n = size_t{s.rows} * s.cols;
    if (in.size() != n * size || out.size() != n * size)
        return "sizes: input " + std::to_string(in.size()) + " bytes, output " + std::to_string(out.size()) +
               ", expected " + std::to_string(n * size);
    size_t wrong = 0;
    std::string first;
    for (unsigned c = 0; c < s.cols; ++c)
        for (unsigned r = 0; r < s.rows; ++r) {
            const uint8_t* want = &in[(size_t{r} * s.cols + c) * size];
            const uint8_t* got = &out[(size_t{c} * s.rows + r) * size];
            if (std::memcmp(want, got, size) == 0)
                continue;
            if (wrong++ == 0) {
                first = "out[" + std::to_string(c) + "][" + std::to_string(r) + "]: expected";
                char hex[4];
                for (unsigned b = 0; b < size; ++b) {
                    std::snprintf(hex, sizeof hex, " %02x", want[b]);
                    first += hex;
                }
                first += ", got";
                for (unsigned b = 0; b < size; ++b) {
                    std::snprintf(hex, sizeof hex, " %02x", got[b]);
                    first += hex;
                }
            }
        }
    return wrong == 0 ? "" : std::to_string(wrong) + " of " + std::to_string(n) + " elements differ, first " + first;
}

// The shapes every type is transposed in: one element, one tile, a tile's rows by a few
// columns, partial tiles both ways, four tiles on tiny / one on small, partial tiles in both
// directions and several column blocks, few rows by several column blocks.
const std::vector<Shape> kShapes{{1, 1}, {16, 16}, {17, 5}, {40, 37}, {64, 64}, {65, 130}, {3, 200}};

// Every shape transposed on `cfg`, values and cycles. With more than one superlane the program
// gathers (from .data maps); with one it reads the staging rows and uses no maps.
void check_transposes(const std::string& label, const ChipSpec& cfg, const std::string& type,
                      const std::vector<Shape>& shapes)
{
    const unsigned size = type_size(type);
    const bool gathers = cfg.chip.superlanes > 1;
    for (const Shape s : shapes) {
        DYNAMIC_SECTION(label << " " << type << " [" << s.rows << ", " << s.cols << "]")
        {
            const Ran ran = compile_and_run(cfg, transpose_workload(s, type, 1000 + s.rows * 7 + s.cols));
            REQUIRE(ran.compiled.tensors.size() == 2);
            const CompiledTensor& y = ran.compiled.tensors[1];
            CHECK(y.name == "Y");
            CHECK(y.rows == s.cols);
            CHECK(y.cols == s.rows);
            CHECK(y.output);
            const std::string& as = ran.compiled.assembly;
            CHECK((as.find("Gather ") != std::string::npos) == gathers);
            CHECK((as.find(".data gather_maps_") != std::string::npos) == gathers);
            CHECK(as.find("transpose, ") != std::string::npos);
            const std::vector<uint8_t>& in = ran.inputs.at("X");
            // Seeded data of the full range: mostly nonzero bytes (all zeros would test nothing).
            if (size_t{s.rows} * s.cols * size >= 16)
                REQUIRE(std::count(in.begin(), in.end(), uint8_t{0}) < static_cast<std::ptrdiff_t>(in.size() / 2));
            CHECK(transpose_difference(in, ran.outputs.at("Y"), s, size) == "");
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
        }
    }
}

void check_transposes(const std::string& config, const std::string& type, const std::vector<Shape>& shapes = kShapes)
{
    check_transposes(config, config_named(config), type, shapes);
}

ChipSpec config_text(const std::string& yaml) { return parse_chip_spec(yaml, "variant.yaml"); }

// The word addresses of every tile entry (`entry_bytes` little-endian bytes at the start of each
// `tile` lanes) of the gather-map rows in `assembly` (".data NAME ROW V V*N ...").
std::vector<unsigned> gather_map_entries(const std::string& assembly, const std::string& maps, unsigned lanes,
                                         unsigned tile, unsigned entry_bytes)
{
    std::vector<unsigned> entries;
    std::istringstream lines(assembly);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(".data " + maps + " ", 0) != 0)
            continue;
        std::istringstream words(line);
        std::string tok;
        words >> tok >> tok >> tok;  // .data NAME ROW
        std::vector<unsigned> bytes;
        while (words >> tok) {
            const size_t star = tok.find('*');
            const unsigned v = static_cast<unsigned>(std::stoul(tok.substr(0, star), nullptr, 0));
            const unsigned n = star == std::string::npos ? 1u : static_cast<unsigned>(std::stoul(tok.substr(star + 1)));
            bytes.insert(bytes.end(), n, v);
        }
        bytes.resize(lanes, 0);  // the disassembly leaves trailing zeros out
        for (size_t t = 0; t + entry_bytes <= bytes.size(); t += tile) {
            unsigned e = 0;
            for (unsigned b = 0; b < entry_bytes; ++b)
                e |= bytes[t + b] << (8 * b);
            entries.push_back(e);
        }
    }
    return entries;
}

float f32_at(const std::vector<uint8_t>& v, size_t i)
{
    float f;
    std::memcpy(&f, &v[i * 4], 4);
    return f;
}

// A softmax / rms_norm / layer_norm layer along rows of X [R, C] f32 (eps 1e-5).
std::string row_workload(const std::string& op, unsigned rows, unsigned cols, uint64_t seed)
{
    return "version: 1\nworkload:\n  name: rows\n  seed: " + std::to_string(seed) + "\n  tensors:\n    X: {shape: [" +
           std::to_string(rows) + ", " + std::to_string(cols) + "], type: f32}\n  layers:\n    - {name: n, op: " + op +
           ", a: X, out: Y, axis: 1" + (op == "softmax" ? "" : ", eps: 1.0e-5") + "}\n  outputs: [Y]\n";
}

// "" if `y` is `op` along each row of `x` ([rows, cols] f32) as computed here in double, within
// 1e-5 relative for softmax (results in (0, 1]) and 1e-5 x max(1, |value|) for the norms (whose
// f32 sums and rsqrt are good to a few ulp); otherwise the first element off.
std::string row_difference(const std::string& op, const std::vector<uint8_t>& x, const std::vector<uint8_t>& y,
                           size_t rows, size_t cols)
{
    if (x.size() != rows * cols * 4 || y.size() != rows * cols * 4)
        return "sizes: x " + std::to_string(x.size()) + " bytes, y " + std::to_string(y.size());
    for (size_t r = 0; r < rows; ++r) {
        std::vector<double> v(cols);
        for (size_t c = 0; c < cols; ++c)
            v[c] = f32_at(x, r * cols + c);
        std::vector<double> want(cols);
        if (op == "softmax") {
            const double m = *std::max_element(v.begin(), v.end());
            double sum = 0;
            for (size_t c = 0; c < cols; ++c)
                sum += want[c] = std::exp(v[c] - m);
            for (double& w : want)
                w /= sum;
        } else {
            double mean = 0, ss = 0;
            if (op == "layer_norm") {
                for (double e : v)
                    mean += e;
                mean /= static_cast<double>(cols);
            }
            for (double e : v)
                ss += (e - mean) * (e - mean);
            const double inv = 1 / std::sqrt(ss / static_cast<double>(cols) + 1e-5);
            for (size_t c = 0; c < cols; ++c)
                want[c] = (v[c] - mean) * inv;
        }
        for (size_t c = 0; c < cols; ++c) {
            const double got = f32_at(y, r * cols + c);
            const double tol = op == "softmax" ? 1e-5 * want[c] : 1e-5 * std::max(1.0, std::fabs(want[c]));
            if (!(std::fabs(got - want[c]) <= tol))
                return op + " [" + std::to_string(r) + ", " + std::to_string(c) + "]: expected " +
                       std::to_string(want[c]) + ", got " + std::to_string(got);
        }
    }
    return "";
}

}  // namespace

// ---- Transposes, every type, one and four superlanes ----

TEST_CASE("the comparison finds a wrong element of a transpose", "[compiler][transpose]")
{
    // [2, 3] of 2-byte elements: in[r][c] = (r*3 + c, 0x80 + r); its transpose [3, 2].
    std::vector<uint8_t> in, out;
    for (unsigned r = 0; r < 2; ++r)
        for (unsigned c = 0; c < 3; ++c)
            in.insert(in.end(), {static_cast<uint8_t>(r * 3 + c), static_cast<uint8_t>(0x80 + r)});
    for (unsigned c = 0; c < 3; ++c)
        for (unsigned r = 0; r < 2; ++r)
            out.insert(out.end(), {static_cast<uint8_t>(r * 3 + c), static_cast<uint8_t>(0x80 + r)});
    CHECK(transpose_difference(in, out, Shape{2, 3}, 2) == "");
    CHECK(transpose_difference(in, in, Shape{2, 3}, 2) ==
          "4 of 6 elements differ, first out[0][1]: expected 03 81, got 01 80");
    out[2 * 5 + 1] ^= 1;  // out[2][1], high byte
    CHECK(transpose_difference(in, out, Shape{2, 3}, 2) ==
          "1 of 6 elements differ, first out[2][1]: expected 05 81, got 05 80");
    CHECK(transpose_difference(in, out, Shape{3, 2}, 4) == "sizes: input 12 bytes, output 12, expected 24");
}

TEST_CASE("compiled transpose i8 equals a plain C++ transpose, cycle-exact", "[compiler][transpose]")
{
    check_transposes("tiny", "i8");
    check_transposes("small", "i8");
    check_transposes("tsp-v1", "i8", {{1, 1}, {330, 17}, {40, 650}});
}

TEST_CASE("compiled transpose u8 equals a plain C++ transpose, cycle-exact", "[compiler][transpose]")
{
    check_transposes("tiny", "u8");
    check_transposes("small", "u8");
}

TEST_CASE("compiled transpose i32 equals a plain C++ transpose, cycle-exact", "[compiler][transpose]")
{
    check_transposes("tiny", "i32");
    check_transposes("small", "i32");
}

TEST_CASE("compiled transpose f16 equals a plain C++ transpose, cycle-exact", "[compiler][transpose]")
{
    check_transposes("tiny", "f16");
    check_transposes("small", "f16");
    check_transposes("tsp-v1", "f16", {{330, 17}});
}

TEST_CASE("compiled transpose f32 equals a plain C++ transpose, cycle-exact", "[compiler][transpose]")
{
    check_transposes("tiny", "f32");
    check_transposes("small", "f32");
    check_transposes("tsp-v1", "f32", {{40, 37}});
}

TEST_CASE("compiled transposes on configs off the defaults", "[compiler][transpose]")
{
    const std::vector<Shape> shapes{{17, 5}, {65, 130}};
    // Exactly the streams a transpose needs: 17 toward the west SXM (16 rows and the map), 16 away.
    check_transposes("small 17/16 streams",
                     config_text("version: 1\nchip:\n  geometry:\n    superlanes: 4\n"
                                 "  streams:\n    east: 16\n    west: 17\n"),
                     "i32", shapes);
    // 16 westward streams: only the east SXM can take the rows (its maps then live in the west).
    const ChipSpec east = config_text("version: 1\nchip:\n  geometry:\n    superlanes: 4\n"
                                      "  streams:\n    east: 17\n    west: 16\n");
    check_transposes("small east SXM", east, "f16", shapes);
    const CompileResult r =
        compile_workload(east, load_workload_string(transpose_workload({17, 5}, "f16", 1), "w.yaml"));
    // 17 rows are two row groups of 16 of small's four: the maps for two-group tiles.
    CHECK(r.assembly.find(".tensor gather_maps_e_2 MEM_W") != std::string::npos);
    CHECK(r.assembly.find("gather_maps_w") == std::string::npos);
    // Every latency the lowering uses off its default, and 20 slices per hemisphere.
    check_transposes("odd latencies",
                     config_text("version: 1\nchip:\n  geometry:\n    superlanes: 2\n"
                                 "  mem:\n    slices: 40\n    read_latency: 5\n    write_latency: 3\n"
                                 "  sxm:\n    latency: 4\n  vxm:\n    alu_latency: 3\n"),
                     "u8", {{17, 5}, {65, 130}, {3, 200}});
    check_transposes("tiny latency 1",
                     config_text("version: 1\nchip:\n  geometry:\n    superlanes: 1\n"
                                 "  mem:\n    read_latency: 1\n    write_latency: 1\n"
                                 "  sxm:\n    latency: 1\n"),
                     "i8", shapes);
    // 16 slices per hemisphere: the staging rows take all of them, the input's and result's too.
    check_transposes("tiny 16 slices",
                     config_text("version: 1\nchip:\n  geometry:\n    superlanes: 1\n"
                                 "  mem:\n    slices: 32\n"),
                     "f32", shapes);
    check_transposes("small 16 slices",
                     config_text("version: 1\nchip:\n  geometry:\n    superlanes: 4\n"
                                 "  mem:\n    slices: 34\n    read_latency: 4\n"
                                 "  streams:\n    east: 17\n    west: 17\n"),
                     "f32", shapes);
}

TEST_CASE("a transpose whose staging rows are past word 255 uses two-byte map entries", "[compiler][transpose]")
{
    // X's 44 column blocks of 260 rows fill every west slice to word 260, so the west SXM's
    // staging rows (and the words its gather maps name) start there: each entry's second byte
    // is 1.
    const ChipSpec& cfg = config_named("small");
    const Shape s{260, 44 * 64};
    const Ran ran = compile_and_run(cfg, transpose_workload(s, "i8", 5));
    const std::vector<unsigned> entries = gather_map_entries(ran.compiled.assembly, "gather_maps_w", 64, 16, 2);
    REQUIRE(entries.size() == 2 * 4 * 4);  // 2 regions x 4 groups of rows x 4 tiles
    CHECK(*std::min_element(entries.begin(), entries.end()) >= 256);
    CHECK(transpose_difference(ran.inputs.at("X"), ran.outputs.at("Y"), s, 1) == "");
    CHECK(ran.cycles == ran.compiled.predicted_cycles);
}

TEST_CASE("two transposes in a row give back the input, and share the staging slices", "[compiler][transpose]")
{
    // The second layer reuses the first one's staging blocks (and, on small, gather maps): its
    // units continue the alternation of the two staging regions.
    for (const char* config : {"tiny", "small"}) {
        DYNAMIC_SECTION(config)
        {
            const std::string yaml = "version: 1\nworkload:\n  name: xtt\n  tensors:\n"
                                     "    X: {shape: [70, 33], type: i32}\n"
                                     "  layers:\n"
                                     "    - {name: t1, op: transpose, a: X, out: Y}\n"
                                     "    - {name: t2, op: transpose, a: Y, out: Z}\n"
                                     "  outputs: [Y, Z]\n";
            const Ran ran = compile_and_run(config_named(config), yaml);
            const std::vector<uint8_t>& in = ran.inputs.at("X");
            CHECK(transpose_difference(in, ran.outputs.at("Y"), Shape{70, 33}, 4) == "");
            CHECK(ran.outputs.at("Z") == in);
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
        }
    }
}

TEST_CASE("transposes of every kind of tensor among other layers", "[compiler][transpose]")
{
    // An f16 input, a u8 input, a matmul's i32 result and a transpose's result, with a row
    // softmax (two more transposes) in between.
    for (const char* config : {"tiny", "small"}) {
        DYNAMIC_SECTION(config)
        {
            const std::string yaml = "version: 1\nworkload:\n  name: mixed\n  tensors:\n"
                                     "    A: {shape: [33, 20], type: f16}\n"
                                     "    B: {shape: [70, 90], type: u8}\n"
                                     "    X: {shape: [7, 40], type: f32}\n"
                                     "    Q: {shape: [33, 20], type: i8}\n"
                                     "    W: {shape: [20, 24], type: i8}\n"
                                     "  layers:\n"
                                     "    - {name: t1, op: transpose, a: A, out: AT}\n"
                                     "    - {name: sm, op: softmax, a: X, out: P, axis: 1}\n"
                                     "    - {name: t2, op: transpose, a: B, out: BT}\n"
                                     "    - {name: mm, op: matmul, a: Q, b: W, out: H}\n"
                                     "    - {name: t3, op: transpose, a: H, out: HT}\n"
                                     "    - {name: t4, op: transpose, a: AT, out: ATT}\n"
                                     "  outputs: [AT, P, BT, HT, ATT]\n";
            const Ran ran = compile_and_run(config_named(config), yaml);
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
            CHECK(transpose_difference(ran.inputs.at("A"), ran.outputs.at("AT"), Shape{33, 20}, 2) == "");
            CHECK(transpose_difference(ran.inputs.at("B"), ran.outputs.at("BT"), Shape{70, 90}, 1) == "");
            CHECK(ran.outputs.at("ATT") == ran.inputs.at("A"));
            CHECK(row_difference("softmax", ran.inputs.at("X"), ran.outputs.at("P"), 7, 40) == "");
            // H = Q W in int32, little-endian, computed here.
            const std::vector<uint8_t>& q = ran.inputs.at("Q");
            const std::vector<uint8_t>& w = ran.inputs.at("W");
            std::vector<uint8_t> h;
            for (size_t m = 0; m < 33; ++m)
                for (size_t n = 0; n < 24; ++n) {
                    int32_t sum = 0;
                    for (size_t k = 0; k < 20; ++k)
                        sum += int32_t{static_cast<int8_t>(q[m * 20 + k])} * static_cast<int8_t>(w[k * 24 + n]);
                    const auto u = static_cast<uint32_t>(sum);
                    for (unsigned b = 0; b < 4; ++b)
                        h.push_back(static_cast<uint8_t>(u >> (8 * b)));
                }
            CHECK(transpose_difference(h, ran.outputs.at("HT"), Shape{33, 24}, 4) == "");
        }
    }
}

TEST_CASE("seeded random transposes on random config variants", "[compiler][transpose]")
{
    // Geometry, MEM slices and latencies, SXM latency and streams (at least the 17 each way a
    // transpose with gathers may need) drawn from one seed; shapes up to three tiles each way.
    std::mt19937 rng(7);
    const std::vector<std::string> types{"i8", "u8", "i32", "f16", "f32"};
    for (int i = 0; i < 150; ++i) {
        const unsigned S = 1 + rng() % 5;
        const std::string text = "version: 1\nchip:\n  geometry:\n    superlanes: " + std::to_string(S) +
                                 "\n  mem:\n    slices: " + std::to_string(2 * (16 + rng() % 30)) +
                                 "\n    read_latency: " + std::to_string(1 + rng() % 5) +
                                 "\n    write_latency: " + std::to_string(1 + rng() % 4) +
                                 "\n  sxm:\n    latency: " + std::to_string(1 + rng() % 6) +
                                 "\n  streams:\n    east: " + std::to_string(17 + rng() % 16) +
                                 "\n    west: " + std::to_string(17 + rng() % 16) + "\n";
        const std::string type = types[rng() % types.size()];
        const Shape s{1 + static_cast<unsigned>(rng() % (48 * S)), 1 + static_cast<unsigned>(rng() % (48 * S))};
        const std::string yaml = transpose_workload(s, type, static_cast<uint64_t>(i));
        INFO("case " << i << "\n" << text << yaml);
        const Ran ran = compile_and_run(config_text(text), yaml);
        CHECK(transpose_difference(ran.inputs.at("X"), ran.outputs.at("Y"), s, type_size(type)) == "");
        CHECK(ran.cycles == ran.compiled.predicted_cycles);
    }
}

// ---- Reductions along rows: transpose, column reduction, transpose back ----

TEST_CASE("softmax along rows (axis 1) runs in its predicted cycles, and rows sum to 1", "[compiler][transpose]")
{
    for (const char* config : {"small", "tiny"}) {
        DYNAMIC_SECTION(config)
        {
            const std::string yaml = "version: 1\nworkload:\n  name: sm\n  tensors:\n"
                                     "    X: {shape: [5, 40], type: f32}\n"
                                     "  layers:\n    - {name: sm, op: softmax, a: X, out: Y, axis: 1}\n"
                                     "  outputs: [Y]\n";
            const Ran ran = compile_and_run(config_named(config), yaml);
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
            const std::vector<uint8_t>& y = ran.outputs.at("Y");
            REQUIRE(y.size() == 5 * 40 * 4);
            for (size_t r = 0; r < 5; ++r) {
                double sum = 0;
                for (size_t c = 0; c < 40; ++c)
                    sum += f32_at(y, r * 40 + c);
                CAPTURE(r, sum);
                CHECK(std::fabs(sum - 1.0) <= 1e-5);
            }
            CHECK(row_difference("softmax", ran.inputs.at("X"), y, 5, 40) == "");
        }
    }
}

TEST_CASE("RMSNorm and LayerNorm along rows (axis 1) run in their predicted cycles", "[compiler][transpose]")
{
    for (const char* op : {"rms_norm", "layer_norm"}) {
        DYNAMIC_SECTION(op)
        {
            const Ran ran = compile_and_run(config_named("small"), row_workload(op, 6, 70, 1));
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
            CHECK(row_difference(op, ran.inputs.at("X"), ran.outputs.at("Y"), 6, 70) == "");
        }
    }
}

TEST_CASE("seeded random reductions along rows on random config variants", "[compiler][transpose]")
{
    std::mt19937 rng(11);
    const char* ops[] = {"softmax", "rms_norm", "layer_norm"};
    const unsigned vxm_queues[] = {3, 4, 16};
    for (int i = 0; i < 40; ++i) {
        const unsigned S = 1 + rng() % 4;
        const std::string text = "version: 1\nchip:\n  geometry:\n    superlanes: " + std::to_string(S) +
                                 "\n  mem:\n    slices: " + std::to_string(2 * (16 + rng() % 30)) +
                                 "\n    read_latency: " + std::to_string(1 + rng() % 5) +
                                 "\n    write_latency: " + std::to_string(1 + rng() % 4) +
                                 "\n  sxm:\n    latency: " + std::to_string(1 + rng() % 6) +
                                 "\n  vxm:\n    alu_latency: " + std::to_string(1 + rng() % 4) +
                                 "\n  icu:\n    vxm_queues: " + std::to_string(vxm_queues[rng() % 3]) +
                                 "\n  streams:\n    east: " + std::to_string(17 + rng() % 16) +
                                 "\n    west: " + std::to_string(17 + rng() % 16) + "\n";
        const std::string op = ops[rng() % 3];
        const unsigned R = 1 + rng() % (32 * S), C = 1 + rng() % (32 * S);
        const std::string yaml = row_workload(op, R, C, static_cast<uint64_t>(i));
        INFO("case " << i << "\n" << text << yaml);
        const Ran ran = compile_and_run(config_text(text), yaml);
        CHECK(ran.cycles == ran.compiled.predicted_cycles);
        CHECK(row_difference(op, ran.inputs.at("X"), ran.outputs.at("Y"), R, C) == "");
    }
}

// ---- A config without the streams a transpose needs ----

TEST_CASE("a transpose on a config with 12 streams each way is refused naming the layer", "[compiler][transpose]")
{
    const ChipSpec cfg = parse_chip_spec("version: 1\nchip:\n  name: tiny-12-streams\n  geometry:\n"
                                         "    superlanes: 1\n  streams:\n    east: 12\n    west: 12\n",
                                         "tiny12.yaml");
    const Workload w = load_workload_string("version: 1\nworkload:\n  name: few\n  tensors:\n"
                                            "    X: {shape: [20, 24], type: i8}\n"
                                            "  layers:\n    - {name: xt, op: transpose, a: X, out: Y}\n"
                                            "  outputs: [Y]\n",
                                            "few.yaml");
    std::string msg;
    try {
        compile_workload(cfg, w);
    } catch (const InputError& e) {
        msg = e.what();
    }
    CHECK_THAT(msg, Catch::Contains("layer 'xt' (transpose): a transpose moves 16 rows"));
    CHECK_THAT(msg, Catch::Contains("it needs 16 streams toward an SXM and 16 away from it"));
    CHECK_THAT(msg, Catch::Contains("12 eastward and 12 westward"));
    // 16 each way is enough on one superlane (no gather map).
    const ChipSpec ok = parse_chip_spec("version: 1\nchip:\n  name: tiny-16-streams\n  geometry:\n"
                                        "    superlanes: 1\n  streams:\n    east: 16\n    west: 16\n",
                                        "tiny16.yaml");
    const Ran ran = compile_and_run(ok, transpose_workload(Shape{20, 24}, "i8", 3));
    CHECK(transpose_difference(ran.inputs.at("X"), ran.outputs.at("Y"), Shape{20, 24}, 1) == "");
    CHECK(ran.cycles == ran.compiled.predicted_cycles);
}

// ---- MemAllocator::allocate_across ----

namespace {

// 8 slices (0..3 west, 4..7 east) of 2 banks of 16 words: 32 words per slice.
MemParams small_mem()
{
    return (parse_chip_spec("version: 1\nchip:\n  geometry:\n    superlanes: 1\n"
                            "  mem:\n    slices: 8\n    words_per_bank: 16\n",
                            "mem.yaml"))
        .mem;
}

std::vector<unsigned> slices_of(const std::vector<MemBlock>& blocks)
{
    std::vector<unsigned> s;
    for (const MemBlock& b : blocks)
        s.push_back(b.slice);
    return s;
}

std::vector<uint32_t> addrs_of(const std::vector<MemBlock>& blocks)
{
    std::vector<uint32_t> a;
    for (const MemBlock& b : blocks)
        a.push_back(b.addr);
    return a;
}

std::string across_error(MemAllocator& a, unsigned count, uint32_t rows, unsigned side,
                         const std::vector<unsigned>& avoid = {})
{
    try {
        a.allocate_across(count, rows, side, "the staging rows of 'st'", avoid);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("allocate_across: one address in distinct slices of the asked hemisphere", "[compiler][mem-allocator]")
{
    const MemParams p = small_mem();
    REQUIRE(p.slices_per_hemisphere() == 4);
    REQUIRE(p.words_per_bank == 16);
    REQUIRE(p.words_per_slice() == 32);
    MemAllocator a(p);
    // East: slices 4..7, all empty: the first three, at 0.
    const auto e = a.allocate_across(3, 5, 1, "e");
    CHECK(slices_of(e) == std::vector<unsigned>{4, 5, 6});
    CHECK(addrs_of(e) == std::vector<uint32_t>{0, 0, 0});
    CHECK(a.words_used() == 15);
    // The emptiest slices next (7, then 4): one address, the highest first free word (5).
    const auto e2 = a.allocate_across(2, 4, 1, "e2");
    CHECK(slices_of(e2) == std::vector<unsigned>{4, 7});
    CHECK(addrs_of(e2) == std::vector<uint32_t>{5, 5});
    CHECK(a.words_used() == 15 + 4 + 9);  // slice 4: 5 -> 9; slice 7: 0 -> 9 (words 0..4 skipped)
    // West is untouched: all four slices at 0.
    const auto w = a.allocate_across(4, 2, 0, "w");
    CHECK(slices_of(w) == std::vector<unsigned>{0, 1, 2, 3});
    CHECK(addrs_of(w) == std::vector<uint32_t>{0, 0, 0, 0});
    // A plain allocation continues after them.
    CHECK(a.allocate(1, 1, "x", {}, 0).addr == 2);
}

TEST_CASE("allocate_across: slices in avoid only when the others run out", "[compiler][mem-allocator]")
{
    MemAllocator a(small_mem());
    // Slice 3 is fuller than 0..2, but 0..2 are avoided: slice 3 it is.
    CHECK(a.allocate(20, 1, "fill", {0, 1, 2}, 0).slice == 3);
    const auto one = a.allocate_across(1, 2, 0, "one", {0, 1, 2});
    CHECK(slices_of(one) == std::vector<unsigned>{3});
    CHECK(addrs_of(one) == std::vector<uint32_t>{20});
    // Two slices, three avoided: 3, and the emptiest avoided one (0; 0..2 are all empty).
    const auto two = a.allocate_across(2, 2, 0, "two", {0, 1, 2});
    CHECK(slices_of(two) == std::vector<unsigned>{0, 3});
    CHECK(addrs_of(two) == std::vector<uint32_t>{22, 22});
    // Avoiding 1 and 2 on a hemisphere where they are the emptiest: 0 and 3 are taken anyway.
    MemAllocator b(small_mem());
    b.allocate(10, 1, "f0", {1, 2, 3}, 0);  // slice 0
    b.allocate(12, 1, "f3", {0, 1, 2}, 0);  // slice 3
    const auto c = b.allocate_across(2, 3, 0, "c", {1, 2});
    CHECK(slices_of(c) == std::vector<unsigned>{0, 3});
    CHECK(addrs_of(c) == std::vector<uint32_t>{12, 12});
    // Without avoid, the emptiest: 1 and 2.
    const auto d = b.allocate_across(2, 3, 0, "d");
    CHECK(slices_of(d) == std::vector<unsigned>{1, 2});
    CHECK(addrs_of(d) == std::vector<uint32_t>{0, 0});
}

TEST_CASE("allocate_across never crosses a bank boundary with blocks that fit in a bank", "[compiler][mem-allocator]")
{
    MemAllocator a(small_mem());
    // Words 6..15 end exactly at the bank boundary: kept at 6.
    a.allocate(6, 1, "pad", {1, 2, 3}, 0);  // slice 0: words 0..5
    const auto fits = a.allocate_across(1, 10, 0, "fits", {1, 2, 3});
    CHECK(slices_of(fits) == std::vector<unsigned>{0});
    CHECK(addrs_of(fits) == std::vector<uint32_t>{6});
    // Slice 1 at 6 too; 11 words from 6 would end at 16, in bank 1: moved to the bank's start.
    a.allocate(6, 1, "pad1", {0, 2, 3}, 0);
    const auto moved = a.allocate_across(1, 11, 0, "moved", {0, 2, 3});
    CHECK(slices_of(moved) == std::vector<unsigned>{1});
    CHECK(addrs_of(moved) == std::vector<uint32_t>{16});
    // Slices 2 and 3 are the emptiest (0, then 8 after the first block): 0..7 and 8..15 stay in bank 0.
    const auto both = a.allocate_across(2, 8, 0, "both");
    CHECK(slices_of(both) == std::vector<unsigned>{2, 3});
    CHECK(addrs_of(both) == std::vector<uint32_t>{0, 0});
    const auto again = a.allocate_across(2, 8, 0, "again");
    CHECK(slices_of(again) == std::vector<unsigned>{2, 3});
    CHECK(addrs_of(again) == std::vector<uint32_t>{8, 8});
    // Several slices: the highest first free word (9, of slice 1) decides for all, and 9..16 would
    // cross into bank 1: all at 16.
    MemAllocator c(small_mem());
    c.allocate(3, 1, "p0", {1, 2, 3}, 0);  // slice 0: 0..2
    c.allocate(9, 1, "p1", {0, 2, 3}, 0);  // slice 1: 0..8
    const auto lifted = c.allocate_across(2, 8, 0, "lifted", {2, 3});
    CHECK(slices_of(lifted) == std::vector<unsigned>{0, 1});
    CHECK(addrs_of(lifted) == std::vector<uint32_t>{16, 16});
    // ... while 7 words from 9 end in bank 0 (words 9..15).
    MemAllocator d(small_mem());
    d.allocate(3, 1, "p0", {1, 2, 3}, 0);
    d.allocate(9, 1, "p1", {0, 2, 3}, 0);
    CHECK(addrs_of(d.allocate_across(2, 7, 0, "kept", {2, 3})) == std::vector<uint32_t>{9, 9});
    // A block larger than a bank cannot avoid crossing: it stays at the first free word.
    MemAllocator b(small_mem());
    b.allocate(5, 1, "pad", {1, 2, 3, 4, 5, 6, 7}, 0);  // slice 0
    const auto big = b.allocate_across(4, 20, 0, "big");
    CHECK(slices_of(big) == std::vector<unsigned>{0, 1, 2, 3});
    CHECK(addrs_of(big) == std::vector<uint32_t>{5, 5, 5, 5});
}

TEST_CASE("allocate_across names what it places when it cannot", "[compiler][mem-allocator]")
{
    MemAllocator a(small_mem());
    CHECK(across_error(a, 5, 1, 0) ==
          "the staging rows of 'st' needs 5 MEM slices in one hemisphere; this config has 4 (chip.mem.slices / 2)");
    CHECK(a.words_used() == 0);
    // 33 words: more than a slice.
    CHECK(across_error(a, 1, 33, 1) == "the staging rows of 'st' does not fit in MEM: no 1 slices of one hemisphere "
                                       "with 33 free words at one address");
    // East slice 4 filled to 20: 13 words from 20 in all four east slices end past the slice's 32.
    a.allocate(20, 1, "fill", {5, 6, 7}, 1);
    CHECK(across_error(a, 4, 13, 1) == "the staging rows of 'st' does not fit in MEM: no 4 slices of one hemisphere "
                                       "with 13 free words at one address");
    // Three slices: the emptiest (5, 6, 7) at 0; then 12 words from 20 fill bank 1 of all four.
    CHECK(addrs_of(a.allocate_across(3, 13, 1, "ok")) == std::vector<uint32_t>{0, 0, 0});
    CHECK(addrs_of(a.allocate_across(4, 12, 1, "last")) == std::vector<uint32_t>{20, 20, 20, 20});
    CHECK(
        across_error(a, 1, 1, 1) ==
        "the staging rows of 'st' does not fit in MEM: no 1 slices of one hemisphere with 1 free words at one address");
    CHECK(a.words_used() == 4 * 32);
}

TEST_CASE("a transpose leaves zeros in its result's padding lanes", "[compiler][transpose]")
{
    // X1's four tiles leave data in both staging regions of both SXMs (tiny: 16 rows each); X2's
    // 5 rows reuse a region where a full tile was: its 11 padding lanes must read 0, not the
    // rows X1 left (an fp16 matmul of a NaN there would give NaN results).
    for (const char* config : {"tiny", "small"}) {
        DYNAMIC_SECTION(config)
        {
            const ChipSpec& cfg = config_named(config);
            const unsigned L = cfg.mem.word_bytes();
            const std::string yaml = "version: 1\nworkload:\n  name: pad\n  tensors:\n"
                                     "    X1: {shape: [" +
                                     std::to_string(4 * L) +
                                     ", 16], type: i8}\n"
                                     "    X2: {shape: [5, 16], type: f16}\n"
                                     "  layers:\n"
                                     "    - {name: t1, op: transpose, a: X1, out: Y1}\n"
                                     "    - {name: t2, op: transpose, a: X2, out: Y2}\n"
                                     "  outputs: [Y1, Y2]\n";
            const Ran ran = compile_and_run(cfg, yaml);
            CHECK(ran.cycles == ran.compiled.predicted_cycles);
            CHECK(transpose_difference(ran.inputs.at("X2"), ran.outputs.at("Y2"), Shape{5, 16}, 2) == "");
            const std::vector<uint8_t>& block = ran.last_blocks.at("Y2");  // 16 rows x L lanes x 2 bytes
            REQUIRE(block.size() == size_t{16} * L * 2);
            unsigned nonzero = 0;
            for (size_t row = 0; row < 16; ++row)
                for (size_t lane = 5; lane < L; ++lane)
                    nonzero += (block[(row * L + lane) * 2] | block[(row * L + lane) * 2 + 1]) != 0;
            CHECK(nonzero == 0);
        }
    }
}

TEST_CASE("released MEM words are reused only when no fresh ones are left, in every plane of a block",
          "[compiler][mem-allocator]")
{
    // 8 slices of 32 words (west 0..3, east 4..7).
    MemAllocator a(small_mem());
    std::vector<MemBlock> full;
    for (int i = 0; i < 8; ++i)
        full.push_back(a.allocate(24, 1, "fill"));   // every slice at 24
    const MemBlock dead = a.allocate(8, 2, "dead");  // slices s, s+1 words 24..31
    a.release(dead, 8, 2);
    // Fresh words are still left (8 in each slice but the two): a new block takes them, not the
    // released ones, as if nothing had been released.
    const MemBlock fresh = a.allocate(8, 1, "fresh");
    CHECK(fresh.slice != dead.slice);
    CHECK(fresh.slice != dead.slice + 1);
    CHECK(fresh.addr == 24);
    // Fill the other fresh words; then only the released ones are left.
    for (unsigned s = 0; s < 8; ++s)
        if (s != dead.slice && s != dead.slice + 1 && s != fresh.slice)
            CHECK(a.allocate(8, 1, "rest").addr == 24);
    CHECK_THROWS_AS(a.allocate(8, 3, "three planes"), MemFullError);  // no three slices in a row are free
    const MemBlock reused = a.allocate(8, 2, "reused");
    CHECK(reused.slice == dead.slice);
    CHECK(reused.addr == 24);
    CHECK_THROWS_AS(a.allocate(1, 1, "nothing"), MemFullError);
    CHECK(a.words_used() == 8 * 32);
    // Releases merge: two halves of a slice's words given back hold one block of both.
    a.release(full[0], 12, 1);
    a.release(MemBlock{full[0].slice, 12}, 12, 1);
    CHECK(a.allocate(24, 1, "merged").addr == 0);
}

TEST_CASE("released words and fresh ones above them join into one block", "[compiler][mem-allocator]")
{
    MemAllocator a(small_mem());
    for (int i = 0; i < 8; ++i)
        a.allocate(16, 1, "low");                  // every slice at 16
    const MemBlock top = a.allocate(8, 1, "top");  // one slice at 24
    for (int i = 0; i < 7; ++i)
        a.allocate(16, 1, "high");  // the other seven full
    a.release(top, 8, 1);
    // 16 words: the released 16..23 of `top`'s slice and the fresh 24..31 above them.
    const MemBlock joined = a.allocate(16, 1, "joined");
    CHECK(joined.slice == top.slice);
    CHECK(joined.addr == 16);
    CHECK(a.words_used() == 8 * 32);
}

TEST_CASE("blocks whose contents are set before the run never get released words", "[compiler][mem-allocator]")
{
    // A constant's .fill, .data rows and zero rows are in MEM from the start: words a dead
    // tensor wrote during the run would not hold them.
    MemAllocator a(small_mem());
    for (int i = 0; i < 8; ++i)
        a.allocate(24, 1, "fill");
    const MemBlock dead = a.allocate(8, 1, "dead");
    for (int i = 0; i < 7; ++i)
        a.allocate(8, 1, "rest");  // every fresh word taken
    a.release(dead, 8, 1);
    CHECK_THROWS_AS(a.allocate_fresh(1, 1, "a constant"), MemFullError);
    const MemBlock reused = a.allocate(1, 1, "scratch");
    CHECK(reused.slice == dead.slice);
    CHECK(reused.addr == dead.addr);
}
