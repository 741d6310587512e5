// The workload front end (compiler/Workload.h, docs/workload.md): a good workload loads to the
// expected structure; every kind of bad input is rejected with the exact message naming
// file:line:col, the key path and the reason (columns counted by hand from the texts below);
// seeded data follows the documented mapping from std::mt19937_64 and .npy inputs are checked
// against their declaration.
#include "compiler/Workload.h"
#include "models/common/Error.h"
#include "models/common/Fp16.h"
#include "models/common/Npy.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace lpu;
using namespace lpu::test;
namespace fs = std::filesystem;

namespace {

// The example of docs/workload.md.
const std::string kGood = R"(version: 1
workload:
  name: mlp_small
  seed: 7
  tensors:
    X:  {shape: [64, 100], type: i8}
    W1: {shape: [100, 40], type: i8, file: w1.npy}
    B1: {shape: [40], type: i32, seed: 3}
  layers:
    - {name: fc1,   op: matmul,  a: X,  b: W1, out: H}
    - {name: bias1, op: add,     a: H,  b: B1, out: H1}
    - {name: act1,  op: relu,    a: H1, out: H2}
    - {name: q1,    op: requant, a: H2, out: Z, multiplier: 1518500250, shift: 38, zero_point: -3, rounding: half_even, to: i8}
    - {name: c1,    op: convert, a: Z, out: Zf, to: f32}
    - {name: sm,    op: softmax, a: Zf, out: P}
    - {name: n1,    op: rms_norm, a: P, out: Pn, eps: 1.0e-5}
  outputs: [Z, P]
)";

// A small workload the error cases edit. Line 9 is the first layer, line 10 the second.
const std::string kBase = R"(version: 1
workload:
  name: w
  tensors:
    X: {shape: [4, 8], type: i8}
    W: {shape: [8, 3], type: i8}
    B: {shape: [3], type: i32}
  layers:
    - {name: fc, op: matmul, a: X, b: W, out: H}
    - {name: bias, op: add, a: H, b: B, out: Y}
  outputs: [Y]
)";

// One tensor of each kind the op rules need; line 9 is the layer "    - {name: l, <tail>}", so
// the op's value starts in column 21.
std::string ops(const std::string& tail)
{
    return "version: 1\nworkload:\n  name: ops\n  tensors:\n"
           "    A: {shape: [2, 3], type: i32}\n"
           "    U: {shape: [2, 3], type: u8}\n"
           "    F: {shape: [2, 3], type: f32}\n"
           "  layers:\n"
           "    - {name: l, " +
           tail +
           "}\n"
           "  outputs: [Y]\n";
}

Workload load(const std::string& text) { return load_workload_string(text, "wl.yaml"); }

std::string rejection(const std::string& text)
{
    try {
        load(text);
    } catch (const InputError& e) {
        return e.what();
    }
    FAIL("workload was accepted:\n" << text);
    return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

void put_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out);
}

// FNV-1a 64, written out again for the derived-seed check.
uint64_t fnv1a(const std::string& s)
{
    uint64_t h = 14695981039346656037ull;
    for (char c : s)
        h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    return h;
}

}  // namespace

TEST_CASE("workload: the documented example loads to the expected structure", "[workload]")
{
    const Workload w = load(kGood);
    CHECK(w.name == "mlp_small");
    CHECK(w.source == "wl.yaml");
    CHECK(w.seed == 7);

    // Declared tensors first, then one per layer in layer order.
    std::vector<std::string> names;
    for (const auto& t : w.tensors)
        names.push_back(t.name);
    CHECK(names == std::vector<std::string>{"X", "W1", "B1", "H", "H1", "H2", "Z", "Zf", "P", "Pn"});

    const WorkloadTensor* x = w.tensor("X");
    REQUIRE(x);
    CHECK(x->rows == 64);
    CHECK(x->cols == 100);
    CHECK(x->dims == 2);
    CHECK(x->type == TensorType::I8);
    CHECK(x->source == WorkloadTensor::Source::Random);
    CHECK(x->seed == (fnv1a("X") ^ 7));
    CHECK(x->pos.text() == "wl.yaml:6:5");
    CHECK_FALSE(x->output);

    const WorkloadTensor* w1 = w.tensor("W1");
    REQUIRE(w1);
    CHECK(w1->source == WorkloadTensor::Source::File);
    CHECK(w1->file == "w1.npy");  // "wl.yaml" has no folder
    CHECK(w1->shape_text() == "[100, 40]");

    const WorkloadTensor* b1 = w.tensor("B1");
    REQUIRE(b1);
    CHECK(b1->rows == 1);
    CHECK(b1->cols == 40);
    CHECK(b1->dims == 1);
    CHECK(b1->shape_text() == "[40]");
    CHECK(b1->type == TensorType::I32);
    CHECK(b1->seed == 3);

    struct Want {
        const char* name;
        int64_t rows, cols;
        TensorType type;
        bool output;
    };
    const Want produced[] = {{"H", 64, 40, TensorType::I32, false},  {"H1", 64, 40, TensorType::I32, false},
                             {"H2", 64, 40, TensorType::I32, false}, {"Z", 64, 40, TensorType::I8, true},
                             {"Zf", 64, 40, TensorType::F32, false}, {"P", 64, 40, TensorType::F32, true},
                             {"Pn", 64, 40, TensorType::F32, false}};
    for (const auto& want : produced) {
        const WorkloadTensor* t = w.tensor(want.name);
        REQUIRE(t);
        INFO(want.name);
        CHECK(t->source == WorkloadTensor::Source::Layer);
        CHECK(t->rows == want.rows);
        CHECK(t->cols == want.cols);
        CHECK(t->type == want.type);
        CHECK(t->output == want.output);
    }
    CHECK(w.tensor("H")->pos.text() == "wl.yaml:10:53");  // the `out` value
    CHECK(w.tensor("nope") == nullptr);

    REQUIRE(w.layers.size() == 7);
    const LayerOp ops[] = {LayerOp::Matmul,  LayerOp::Add,     LayerOp::Relu,   LayerOp::Requant,
                           LayerOp::Convert, LayerOp::Softmax, LayerOp::RmsNorm};
    const char* op_names[] = {"matmul", "add", "relu", "requant", "convert", "softmax", "rms_norm"};
    for (size_t i = 0; i < 7; ++i) {
        CHECK(w.layers[i].op == ops[i]);
        CHECK(std::string(layer_op_name(w.layers[i].op)) == op_names[i]);
    }
    CHECK(w.layers[0].name == "fc1");
    CHECK(w.layers[0].inputs == std::vector<std::string>{"X", "W1"});
    CHECK(w.layers[0].output == "H");
    CHECK(w.layers[0].pos.text() == "wl.yaml:10:7");
    CHECK(w.layers[2].inputs == std::vector<std::string>{"H1"});
    const VxmRequant& rq = w.layers[3].requant;
    CHECK(rq.multiplier == 1518500250);
    CHECK(rq.shift == 38);
    CHECK(rq.zero_point == -3);
    CHECK(rq.rounding == VxmRounding::HalfEven);
    CHECK_FALSE(rq.out_unsigned);
    CHECK(w.layers[3].to == TensorType::I8);
    CHECK(w.layers[4].to == TensorType::F32);
    CHECK(w.layers[6].eps == 1.0e-5);
    CHECK(w.outputs == std::vector<std::string>{"Z", "P"});
}

TEST_CASE("workload: op rules infer shapes and types, defaults apply", "[workload]")
{
    auto result = [](const std::string& tail) {
        const Workload w = load(ops(tail));
        const WorkloadTensor* y = w.tensor("Y");
        REQUIRE(y);
        return std::string(tensor_type_name(y->type)) + " " + y->shape_text();
    };
    CHECK(result("op: transpose, a: U, out: Y") == "u8 [3, 2]");
    CHECK(result("op: transpose, a: A, out: Y") == "i32 [3, 2]");  // any type: bytes move plane by plane
    CHECK(result("op: convert, a: F, out: Y, to: f16") == "f16 [2, 3]");
    CHECK(result("op: convert, a: U, out: Y, to: i32") == "i32 [2, 3]");
    CHECK(result("op: relu, a: A, out: Y") == "i32 [2, 3]");
    for (const char* op : {"add", "sub", "mul", "max", "min"})
        CHECK(result(std::string("op: ") + op + ", a: F, b: F, out: Y") == "f32 [2, 3]");
    for (const char* op : {"gelu", "softmax", "rms_norm", "layer_norm", "tanh", "exp"})
        CHECK(result(std::string("op: ") + op + ", a: F, out: Y") == "f32 [2, 3]");
    CHECK(result("op: requant, a: A, out: Y, multiplier: 3, shift: 2, to: u8") == "u8 [2, 3]");

    const Workload rq = load(ops("op: requant, a: A, out: Y, multiplier: -7, shift: 63"));
    CHECK(rq.layers[0].requant.multiplier == -7);
    CHECK(rq.layers[0].requant.shift == 63);
    CHECK(rq.layers[0].requant.zero_point == 0);
    CHECK(rq.layers[0].requant.rounding == VxmRounding::HalfEven);
    CHECK(rq.layers[0].to == TensorType::I8);
    const Workload u8 = load(ops("op: requant, a: A, out: Y, multiplier: 1, shift: 0, rounding: floor, to: u8"));
    CHECK(u8.layers[0].requant.out_unsigned);
    CHECK(u8.layers[0].requant.rounding == VxmRounding::Floor);
    CHECK(load(ops("op: layer_norm, a: F, out: Y")).layers[0].eps == 1e-5);
    CHECK(load(ops("op: layer_norm, a: F, out: Y, eps: 0.25")).layers[0].eps == 0.25);
    // Decimal only, as in configs: strtod took hex floats.
    CHECK(rejection(ops("op: layer_norm, a: F, out: Y, eps: 0x1p-3")) ==
          "wl.yaml:9:52: layers[0] (l).eps: expected a finite number, got '0x1p-3'");
    CHECK(load(kBase).seed == 1);                                       // the default workload seed
    CHECK(load(ops("op: softmax, a: F, out: Y")).layers[0].axis == 1);  // along each row
    CHECK(load(ops("op: softmax, a: F, out: Y, axis: 0")).layers[0].axis == 0);
    CHECK(load(ops("op: rms_norm, a: F, out: Y, axis: 0")).layers[0].axis == 0);
    CHECK(load(ops("op: layer_norm, a: F, out: Y, axis: 1")).layers[0].axis == 1);

    // Broadcast: b as one row, written [N] or [1, N]; a 1-D result keeps its dims.
    const std::string row = replace(kBase, "B: {shape: [3], type: i32}", "B: {shape: [1, 3], type: i32}");
    CHECK(load(row).tensor("Y")->shape_text() == "[4, 3]");
    CHECK(load(kBase).tensor("Y")->shape_text() == "[4, 3]");
    const std::string with_v =
        replace(ops("op: exp, a: V, out: Y"), "  layers:\n", "    V: {shape: [3], type: f32}\n  layers:\n");
    const Workload v = load(with_v);  // kept: y points into it
    const WorkloadTensor* y = v.tensor("Y");
    CHECK(y->shape_text() == "[3]");
    CHECK(y->dims == 1);
}

TEST_CASE("workload: keys are checked: unknown, duplicate, missing", "[workload]")
{
    CHECK(rejection(replace(kBase, "out: Y}", "outt: Y}")) == "wl.yaml:10:41: layers[1] (bias).outt: unknown key (did "
                                                              "you mean 'out'?); allowed for add: name, op, a, b, out");
    CHECK(rejection(replace(kBase, "out: H}", "out: H, eps: 1.0}")) ==
          "wl.yaml:9:50: layers[0] (fc).eps: unknown key for matmul (it belongs to rms_norm, layer_norm); "
          "allowed for matmul: name, op, a, b, out");
    CHECK(rejection(ops("op: relu, a: A, b: A, out: Y")) ==
          "wl.yaml:9:33: layers[0] (l).b: unknown key for relu (it belongs to matmul, add, sub, mul, max, min); "
          "allowed for relu: name, op, a, out");
    CHECK(rejection(ops("op: add, a: F, b: F, out: Y, rounding: floor")) ==
          "wl.yaml:9:46: layers[0] (l).rounding: unknown key for add (it belongs to requant); "
          "allowed for add: name, op, a, b, out");
    CHECK(rejection(replace(kBase, "workload:", "workloads:")) ==
          "wl.yaml:2:1: workloads: unknown key (did you mean 'workload'?); allowed here: version, workload");
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8], type: i8}", "X: {shape: [4, 8], type: i8, type: u8}")) ==
          "wl.yaml:5:34: tensors.X.type: duplicate key");

    CHECK(rejection(replace(kBase, ", out: Y}", "}")) == "wl.yaml:10:7: layers[1] (bias): missing required key 'out'");
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8], type: i8}", "X: {shape: [4, 8]}")) ==
          "wl.yaml:5:8: tensors.X: missing required key 'type'");
    CHECK(rejection(replace(kBase, "  outputs: [Y]\n", "")) == "wl.yaml:3:3: workload: missing required key 'outputs'");
    CHECK(rejection(replace(kBase, "{name: fc, op", "{op")) == "wl.yaml:9:7: layers[0]: missing required key 'name'");
    CHECK(rejection(ops("op: requant, a: A, out: Y, shift: 2")) ==
          "wl.yaml:9:7: layers[0] (l): missing required key 'multiplier'");
    CHECK(rejection(ops("op: convert, a: A, out: Y")) == "wl.yaml:9:7: layers[0] (l): missing required key 'to'");
}

TEST_CASE("workload: values need their YAML type, a quoted number is a string", "[workload]")
{
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8]", "X: {shape: 4")) ==
          "wl.yaml:5:16: tensors.X.shape: expected a list of 1 or 2 positive integers ([cols] or [rows, cols]), got a "
          "scalar");
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8]", "X: {shape: [4, \"8\"]")) ==
          "wl.yaml:5:20: tensors.X.shape[1]: expected a positive integer, got the quoted string \"8\" "
          "(a quoted number is not a number)");
    CHECK(rejection(ops("op: requant, a: A, out: Y, multiplier: 3, shift: \"2\"")) ==
          "wl.yaml:9:66: layers[0] (l).shift: expected an integer, got the quoted string \"2\" (a quoted number is not "
          "a number)");
    CHECK(rejection(ops("op: rms_norm, a: F, out: Y, eps: [1]")) ==
          "wl.yaml:9:50: layers[0] (l).eps: expected a number, got a list");
    CHECK(rejection(replace(
              kBase,
              "    X: {shape: [4, 8], type: i8}\n    W: {shape: [8, 3], type: i8}\n    B: {shape: [3], type: i32}\n",
              "    - X\n    - W\n    - B\n")) ==
          "wl.yaml:5:5: tensors: must be a map of tensor names to {shape, type}");
    CHECK(rejection(replace(replace(kBase, "    - {name: fc", "    fc: {name: fc"), "    - {name: bias",
                            "    bias: {name: bias")) ==
          "wl.yaml:9:5: layers: must be a non-empty list of layers ({name, op, a, ..., out})");
    CHECK(rejection(replace(kBase, "    - {name: fc, op: matmul, a: X, b: W, out: H}", "    - fc")) ==
          "wl.yaml:9:7: layers[0]: expected a map {name, op, a, ..., out}, got a scalar");
    CHECK(rejection(replace(kBase, "[Y]", "[]")) == "wl.yaml:11:12: outputs: must be a non-empty list of tensor names");
    CHECK(rejection(replace(kBase, "  name: w\n", "  name: w\n  seed: x\n")) ==
          "wl.yaml:4:9: seed: expected a non-negative integer below 2^64, got 'x'");
    CHECK(rejection(replace(kBase, "B: {shape: [3], type: i32}", "B: {shape: [3], type: i32, seed: -1}")) ==
          "wl.yaml:7:38: tensors.B.seed: expected a non-negative integer below 2^64, got '-1'");
    CHECK(rejection(replace(kBase, "version: 1", "version: 2")) ==
          "wl.yaml:1:10: version: unsupported version 2 (this build reads version 1)");
    CHECK(rejection(replace(kBase, "B: {shape: [3], type: i32}", "B: {shape: [3], type: i32, file: b.npy, seed: 2}")) ==
          "wl.yaml:7:45: tensors.B.seed: a tensor has either 'file' or 'seed', not both");
}

TEST_CASE("workload: shapes, types and names", "[workload]")
{
    auto shape = [](const std::string& s) { return rejection(replace(kBase, "X: {shape: [4, 8]", "X: {shape: " + s)); };
    CHECK(shape("[4, 0]") == "wl.yaml:5:20: tensors.X.shape[1]: expected a positive integer, got 0");
    CHECK(shape("[-1, 8]") == "wl.yaml:5:17: tensors.X.shape[0]: expected a positive integer, got -1");
    CHECK(shape("[4, 1.5]") == "wl.yaml:5:20: tensors.X.shape[1]: expected a positive integer, got '1.5'");
    CHECK(shape("[4, 16777217]") == "wl.yaml:5:20: tensors.X.shape[1]: 16777217 is above the limit 2^24");
    CHECK(shape("[4, 8, 2]") == "wl.yaml:5:16: tensors.X.shape: expected a list of 1 or 2 positive integers ([cols] or "
                                "[rows, cols]), got 3 entries");
    CHECK(shape("[16777216, 17]") == "wl.yaml:5:16: tensors.X.shape: [16777216, 17] has more than 2^28 elements");
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8], type: i8}", "X: {shape: [4, 8], type: i16}")) ==
          "wl.yaml:5:30: tensors.X.type: unknown type 'i16' (expected i8, u8, i32, f16 or f32)");
    CHECK(rejection(ops("op: convert, a: A, out: Y, to: f64")) ==
          "wl.yaml:9:48: layers[0] (l).to: unknown type 'f64' (expected i8, u8, i32, f16 or f32)");

    CHECK(rejection(replace(kBase, "name: w\n", "name: w x\n")) ==
          "wl.yaml:3:9: name: 'w x' is not a name of letters, digits, '_' and '-'");
    CHECK(rejection(replace(kBase, "    X: {", "    1X: {")) ==
          "wl.yaml:5:5: tensors.1X: '1X' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    CHECK(rejection(replace(kBase, "    W: {", "    X: {")) ==
          "wl.yaml:6:5: tensors.X: duplicate tensor (first declared at wl.yaml:5:5)");
    CHECK(rejection(replace(kBase, "name: bias", "name: fc")) ==
          "wl.yaml:10:14: layers[1] (fc).name: duplicate layer name (also layers[0] at wl.yaml:9:7)");
    CHECK(rejection(ops("op: relu, a: A, out: 'y z'")) ==
          "wl.yaml:9:38: layers[0] (l).out: 'y z' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    CHECK(rejection(ops("op: matmull, a: A, out: Y")) ==
          "wl.yaml:9:21: layers[0] (l).op: unknown op 'matmull' (did you mean 'matmul'?); ops: matmul, add, sub, mul, "
          "max, min, relu, gelu, tanh, exp, requant, convert, softmax, rms_norm, layer_norm, transpose");
}

TEST_CASE("workload: every tensor is defined before use and produced once", "[workload]")
{
    CHECK(
        rejection(replace(kBase, "out: Y}", "out: H}")) ==
        "wl.yaml:10:46: layers[1] (bias).out: tensor 'H' already exists (produced by layers[0] (fc) at wl.yaml:9:47); "
        "every layer needs a new output name");
    CHECK(rejection(replace(kBase, "out: Y}", "out: X}")) ==
          "wl.yaml:10:46: layers[1] (bias).out: tensor 'X' already exists (declared under tensors at wl.yaml:5:5); "
          "every layer needs a new output name");
    CHECK(rejection(replace(kBase, "b: B,", "b: Bx,")) == "wl.yaml:10:38: layers[1] (bias).b: tensor 'Bx' is not "
                                                          "defined (did you mean 'B'?); defined so far: X, W, B, H");
    CHECK(rejection(replace(kBase, "a: X,", "a: Y,")) == "wl.yaml:9:33: layers[0] (fc).a: tensor 'Y' is produced "
                                                         "later, by layers[1] (bias): layers run in the order listed");
    CHECK(rejection(replace(kBase, "[Y]", "[Q]")) ==
          "wl.yaml:11:13: outputs[0]: tensor 'Q' does not exist; tensors: X, W, B, H, Y");
    CHECK(rejection(replace(kBase, "[Y]", "[Y, Y]")) == "wl.yaml:11:16: outputs[1]: tensor 'Y' is listed twice");
}

TEST_CASE("workload: operand types and shapes fit the op", "[workload]")
{
    CHECK(rejection(replace(kBase, "X: {shape: [4, 8], type: i8}", "X: {shape: [4, 8], type: f32}")) ==
          "wl.yaml:9:33: layers[0] (fc).a: matmul needs i8, u8 or f16 operands, 'X' is [4, 8] f32");
    CHECK(rejection(replace(kBase, "W: {shape: [8, 3]", "W: {shape: [7, 3]")) ==
          "wl.yaml:9:39: layers[0] (fc).b: inner dimensions differ: a 'X' is [4, 8] i8, b 'W' is [7, 3] i8 "
          "(a's columns 8 must equal b's rows 7)");
    CHECK(
        rejection(replace(kBase, "type: i32}", "type: i8}")) ==
        "wl.yaml:10:38: layers[1] (bias).b: add needs both operands of one type: a 'H' is [4, 3] i32, b 'B' is [3] i8");
    CHECK(rejection(replace(kBase, "B: {shape: [3]", "B: {shape: [4]")) ==
          "wl.yaml:10:38: layers[1] (bias).b: add needs b of a's shape [4, 3] or one row [3], 'B' is [4] i32");
    CHECK(rejection(replace(kBase, "B: {shape: [3]", "B: {shape: [2, 3]")) ==
          "wl.yaml:10:38: layers[1] (bias).b: add needs b of a's shape [4, 3] or one row [3], 'B' is [2, 3] i32");
    CHECK(rejection(ops("op: add, a: U, b: U, out: Y")) == "wl.yaml:9:29: layers[0] (l).a: add needs a type the VXM "
                                                           "computes add in (i8, i32, f16, f32), 'U' is [2, 3] u8");
    CHECK(rejection(ops("op: relu, a: U, out: Y")) == "wl.yaml:9:30: layers[0] (l).a: relu needs a type the VXM "
                                                      "computes relu in (i8, i32, f16, f32), 'U' is [2, 3] u8");
    CHECK(rejection(ops("op: tanh, a: A, out: Y")) ==
          "wl.yaml:9:30: layers[0] (l).a: tanh needs f16 or f32, 'A' is [2, 3] i32");
    CHECK(rejection(ops("op: gelu, a: A, out: Y")) ==
          "wl.yaml:9:30: layers[0] (l).a: gelu needs f32, 'A' is [2, 3] i32");
    CHECK(rejection(ops("op: softmax, a: U, out: Y")) ==
          "wl.yaml:9:33: layers[0] (l).a: softmax needs f32, 'U' is [2, 3] u8");
    CHECK(rejection(ops("op: requant, a: F, out: Y, multiplier: 3, shift: 2")) ==
          "wl.yaml:9:33: layers[0] (l).a: requant needs i32, 'F' is [2, 3] f32");
    CHECK(rejection(ops("op: relu, a: A, out: A")) ==
          "wl.yaml:9:38: layers[0] (l).out: tensor 'A' already exists (declared under tensors at wl.yaml:5:5); "
          "every layer needs a new output name");
}

TEST_CASE("workload: requant and norm parameters are range-checked", "[workload]")
{
    CHECK(rejection(ops("op: requant, a: A, out: Y, multiplier: 3, shift: 64")) ==
          "wl.yaml:9:66: layers[0] (l).shift: 64 is out of range 0..63");
    CHECK(rejection(ops("op: requant, a: A, out: Y, multiplier: 2147483648, shift: 2")) ==
          "wl.yaml:9:56: layers[0] (l).multiplier: 2147483648 is out of range -2147483648..2147483647");
    CHECK(rejection(ops("op: requant, a: A, out: Y, multiplier: 3, shift: 2, rounding: half_evn")) ==
          "wl.yaml:9:79: layers[0] (l).rounding: unknown rounding 'half_evn' (did you mean 'half_even'?); "
          "expected half_even, half_away, half_up or floor");
    CHECK(rejection(ops("op: requant, a: A, out: Y, multiplier: 3, shift: 2, to: i32")) ==
          "wl.yaml:9:73: layers[0] (l).to: requant produces i8 or u8, not i32");
    CHECK(rejection(ops("op: softmax, a: F, out: Y, axis: 2")) ==
          "wl.yaml:9:50: layers[0] (l).axis: 2 is out of range 0..1");
    CHECK(rejection(ops("op: relu, a: A, out: Y, axis: 0")) ==
          "wl.yaml:9:41: layers[0] (l).axis: unknown key for relu (it belongs to softmax, rms_norm, layer_norm); "
          "allowed for relu: name, op, a, out");
    CHECK(rejection(ops("op: rms_norm, a: F, out: Y, eps: 0")) ==
          "wl.yaml:9:50: layers[0] (l).eps: must be > 0, got 0");
    CHECK(rejection(ops("op: rms_norm, a: F, out: Y, eps: -1e-5")) ==
          "wl.yaml:9:50: layers[0] (l).eps: must be > 0, got -1e-5");
    CHECK(rejection(ops("op: rms_norm, a: F, out: Y, eps: 1e-50")) ==
          "wl.yaml:9:50: layers[0] (l).eps: 1e-50 is 0 in f32 (the lowering adds float(eps)); the smallest is about "
          "1.4e-45");
    CHECK(rejection(ops("op: layer_norm, a: F, out: Y, eps: 1e39")) ==
          "wl.yaml:9:52: layers[0] (l).eps: 1e39 overflows f32 (the lowering adds float(eps))");
}

TEST_CASE("workload: files that are not workloads", "[workload]")
{
    CHECK(rejection("") == "wl.yaml: empty workload (expected 'version: 1' and a 'workload' map)");
    CHECK(rejection("- 1\n") == "wl.yaml:1:1: (top level): must be a map with 'version' and 'workload'");
    CHECK(rejection(replace(kBase, "[Y]", "[Y")) == "wl.yaml:12:1: YAML syntax error: end of sequence flow not found");
    CHECK(rejection("version: 1\n") == "wl.yaml:1:1: (top level): missing required key 'workload'");
    try {
        load_workload("/nonexistent/wl.yaml");
        FAIL("loaded a missing file");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/wl.yaml: cannot open workload file");
    }
}

TEST_CASE("workload: seeded data follows the documented mapping", "[workload]")
{
    const Workload w = load(R"(version: 1
workload:
  name: d
  seed: 11
  tensors:
    A: {shape: [64, 64], type: i8}
    B: {shape: [64, 64], type: u8}
    C: {shape: [64, 64], type: i32}
    D: {shape: [64, 64], type: f16}
    E: {shape: [64, 64], type: f32}
    G: {shape: [64, 64], type: i8, seed: 5}
  layers:
    - {name: t, op: transpose, a: A, out: T}
  outputs: [T]
)");
    CHECK(w.tensor("A")->seed == (fnv1a("A") ^ 11));
    CHECK(w.tensor("G")->seed == 5);
    CHECK(workload_tensor_seed(11, "A") == (fnv1a("A") ^ 11));

    // Element i is a function of the i-th draw of std::mt19937_64(seed) (docs/workload.md).
    auto expect = [](const WorkloadTensor& t, size_t i) -> double {
        std::mt19937_64 gen(t.seed);
        uint64_t d = 0;
        for (size_t k = 0; k <= i; ++k)
            d = gen();
        const double top = std::ldexp(static_cast<double>(d), -64);  // in [0, 1)
        switch (t.type) {
        case TensorType::I8: {
            const double u = std::floor(top * 256);
            return u >= 128 ? u - 256 : u;
        }
        case TensorType::U8: return std::floor(top * 256);
        case TensorType::I32: return std::floor(top * 2097152) - 1048576;
        case TensorType::F16: return (std::floor(top * 4096) - 2048) / 512;
        case TensorType::F32: return (std::floor(top * 16777216) - 8388608) / 2097152;
        }
        return 0;
    };
    auto value = [](const WorkloadTensor& t, const std::vector<uint8_t>& bytes, size_t i) -> double {
        switch (t.type) {
        case TensorType::I8: return static_cast<int8_t>(bytes[i]);
        case TensorType::U8: return bytes[i];
        default: break;
        }
        uint32_t v = 0;
        const unsigned n = tensor_type_bytes(t.type);
        for (unsigned k = 0; k < n; ++k)
            v |= static_cast<uint32_t>(bytes[i * n + k]) << (8 * k);
        if (t.type == TensorType::I32)
            return static_cast<int32_t>(v);
        if (t.type == TensorType::F16)
            return f32_from_bits(f16_to_f32(static_cast<uint16_t>(v)));
        return f32_from_bits(v);
    };
    const std::pair<double, double> range[] = {
        {-128, 127}, {0, 255}, {-1048576, 1048575}, {-4, 4 - 0x1p-9}, {-4, 4 - 0x1p-21}};
    for (const char* name : {"A", "B", "C", "D", "E"}) {
        const WorkloadTensor& t = *w.tensor(name);
        INFO(name);
        const std::vector<uint8_t> data = workload_tensor_data(t);
        REQUIRE(data.size() == 4096 * tensor_type_bytes(t.type));
        CHECK(workload_tensor_data(t) == data);  // deterministic
        for (size_t i : {size_t{0}, size_t{1}, size_t{2}, size_t{4095}})
            CHECK(value(t, data, i) == expect(t, i));
        double lo = 1e300, hi = -1e300;
        for (size_t i = 0; i < 4096; ++i) {
            lo = std::min(lo, value(t, data, i));
            hi = std::max(hi, value(t, data, i));
        }
        const auto [min, max] = range[static_cast<int>(t.type)];
        CHECK(lo >= min);
        CHECK(hi <= max);
        // 4096 draws come close to both ends (8-bit types: hit them).
        const double slack = t.type == TensorType::I8 || t.type == TensorType::U8 ? 0 : (max - min) / 256;
        CHECK(lo <= min + slack);
        CHECK(hi >= max - slack);
    }
    // Tensors draw from different generators.
    CHECK(workload_tensor_data(*w.tensor("A")) != workload_tensor_data(*w.tensor("G")));
    CHECK(workload_tensor_data(*w.tensor("A")) != workload_tensor_data(*w.tensor("B")));
    try {
        workload_tensor_data(*w.tensor("T"));
        FAIL("a produced tensor has data");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "wl.yaml:13:43: tensor 'T' is produced by a layer: it has no input data");
    }
}

TEST_CASE("workload: .npy inputs are checked against their declaration", "[workload]")
{
    TempDir dir("lpusim-workload");
    fs::create_directory(dir.path / "sub");
    put_file(dir / "wl.yaml", R"(version: 1
workload:
  name: files
  tensors:
    X: {shape: [2, 3], type: i8, file: x.npy}
    R: {shape: [3], type: i32, file: r.npy}
    S: {shape: [1, 3], type: i32, file: sub/s.npy}
    H: {shape: [2, 2], type: f16, file: h.npy}
  layers:
    - {name: t, op: transpose, a: X, out: T}
  outputs: [T]
)");
    const Workload w = load_workload(dir / "wl.yaml");
    const WorkloadTensor& x = *w.tensor("X");
    const WorkloadTensor& r = *w.tensor("R");
    const WorkloadTensor& s = *w.tensor("S");
    CHECK(x.file == dir / "x.npy");  // relative to the workload's folder
    CHECK(s.file == dir / "sub/s.npy");

    const std::vector<uint8_t> xb = {1, 2, 3, 0x80, 0xFF, 7};
    write_npy_raw(dir / "x.npy", "|i1", {2, 3}, xb);
    CHECK(workload_tensor_data(x) == xb);
    const std::vector<uint8_t> rb = {1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x80};
    write_npy_raw(dir / "r.npy", "<i4", {3}, rb);  // 1-D for [3]
    CHECK(workload_tensor_data(r) == rb);
    write_npy_raw(dir / "r.npy", "<i4", {1, 3}, rb);  // 2-D one row for [3]
    CHECK(workload_tensor_data(r) == rb);
    write_npy_raw(dir / "sub/s.npy", "<i4", {3}, rb);  // 1-D for [1, 3]
    CHECK(workload_tensor_data(s) == rb);
    const std::vector<uint8_t> hb = {0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7C, 0x01, 0x00};  // 1, -2, inf, 2^-24
    write_npy_raw(dir / "h.npy", "<f2", {2, 2}, hb);
    CHECK(workload_tensor_data(*w.tensor("H")) == hb);

    auto rejected = [](const WorkloadTensor& t) -> std::string {
        try {
            workload_tensor_data(t);
        } catch (const InputError& e) {
            return e.what();
        }
        FAIL("accepted " << t.file);
        return "";
    };
    const std::string yaml = dir / "wl.yaml";
    write_npy_raw(dir / "x.npy", "|i1", {3, 2}, xb);
    CHECK(rejected(x) ==
          yaml + ":5:5: tensors.X: " + (dir / "x.npy") +
              " holds (3, 2) int8, but the tensor is declared [2, 3] i8 (a numpy int8 array of shape (2, 3))");
    write_npy_raw(dir / "x.npy", "|u1", {2, 3}, xb);
    CHECK(rejected(x) ==
          yaml + ":5:5: tensors.X: " + (dir / "x.npy") +
              " holds (2, 3) uint8, but the tensor is declared [2, 3] i8 (a numpy int8 array of shape (2, 3))");
    write_npy_raw(dir / "x.npy", "|i1", {6}, xb);
    CHECK(rejected(x) ==
          yaml + ":5:5: tensors.X: " + (dir / "x.npy") +
              " holds (6,) int8, but the tensor is declared [2, 3] i8 (a numpy int8 array of shape (2, 3))");
    write_npy_raw(dir / "r.npy", "|i1", {3}, {1, 2, 3});
    CHECK(rejected(r) ==
          yaml + ":6:5: tensors.R: " + (dir / "r.npy") +
              " holds (3,) int8, but the tensor is declared [3] i32 (a numpy int32 array of shape (3,) or (1, 3))");
    write_npy_raw(dir / "r.npy", "<i4", {3, 1}, rb);
    CHECK(rejected(r) ==
          yaml + ":6:5: tensors.R: " + (dir / "r.npy") +
              " holds (3, 1) int32, but the tensor is declared [3] i32 (a numpy int32 array of shape (3,) or (1, 3))");
    fs::remove(dir.path / "x.npy");
    CHECK(rejected(x) == yaml + ":5:5: tensors.X: " + (dir / "x.npy") + ": cannot open (No such file or directory)");
}
