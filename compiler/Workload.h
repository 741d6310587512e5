// A workload as `lpusim compile` reads it (docs/workload.md): named tensors with shapes and
// element types, where inputs and weights come from (a .npy file or a seeded generator), and a
// list of layers, each producing one new tensor. Loading validates everything a compiler would
// otherwise trip over later — unknown keys, undefined or twice-produced tensors, shapes and
// element types that do not fit the layer — and names the file, line, column, layer and reason.
#pragma once

#include "models/isa/Program.h"  // TensorType
#include "models/vxm/VxmAlu.h"
#include "models/vxm/VxmRequant.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

enum class LayerOp : uint8_t {
    Matmul,  // out[M,N] (i32) = a[M,K] (i8|u8) . b[K,N] (i8|u8)
    Add,     // element-wise; b may also be one row [N] broadcast over a's rows
    Sub,
    Mul,
    Max,
    Min,
    Relu,       // unary, same type
    Gelu,       // f32 only: the tanh approximation, from VXM operations (docs/workload.md)
    Tanh,       // f16|f32
    Exp,        // f16|f32
    Requant,    // i32 -> i8|u8 with `requant` parameters
    Convert,    // any -> `to`
    Softmax,    // f32, along each row (`axis` 1, the default) or down each column (`axis` 0)
    RmsNorm,    // f32, like Softmax; `eps`
    LayerNorm,  // f32, like Softmax; `eps`
    Transpose,  // [R,C] -> [C,R], any type
};
const char* layer_op_name(LayerOp op);  // the YAML spelling: "matmul", "add", ..., "layer_norm"
// The VXM operation of an element-wise binary layer (add, sub, mul, max, min); throws
// std::out_of_range for any other op.
VxmBinaryOp layer_binary_op(LayerOp op);

struct WorkloadPos {
    std::string file;
    int line = 0, col = 0;  // 1-based
    std::string text() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

struct WorkloadTensor {
    std::string name;
    int64_t rows = 1, cols = 1;  // shape [rows, cols]; a 1-D shape [n] is rows = 1, cols = n
    int dims = 2;                // 1 for a shape written [n] (element-wise results keep a's dims)
    TensorType type = TensorType::I8;
    enum class Source : uint8_t { Random, File, Layer };
    Source source = Source::Layer;  // Random / File: an input or weight; Layer: produced
    std::string file;               // Source::File: the .npy path (resolved against the workload's folder)
    uint64_t seed = 0;              // Source::Random: its own seed, or workload_tensor_seed() if not given
    bool output = false;            // listed under outputs: dumped after the run
    WorkloadPos pos;                // its key under `tensors`, or the producing layer's `out` value

    int64_t elements() const { return rows * cols; }
    std::string shape_text() const;  // "[64, 100]", or "[40]" for a 1-D shape
};

struct WorkloadLayer {
    std::string name;
    LayerOp op = LayerOp::Matmul;
    std::vector<std::string> inputs;  // a (, b)
    std::string output;
    VxmRequant requant;              // Requant (requant.out_unsigned == (to == U8))
    TensorType to = TensorType::I8;  // Convert: the result type; Requant: I8 or U8
    double eps = 1e-5;               // RmsNorm, LayerNorm: > 0; the lowering uses float(eps)
    int axis = 1;                    // Softmax, RmsNorm, LayerNorm: 1 along each row, 0 down each column;
                                     // the loader sets it (YAML default 1)
    WorkloadPos pos;                 // the layer's entry under `layers`
};

struct Workload {
    std::string name;
    std::string source;  // the file it was loaded from
    uint64_t seed = 1;
    std::vector<WorkloadTensor> tensors;  // declaration order, then produced tensors in layer order
    std::vector<WorkloadLayer> layers;    // in execution order: every input exists before its layer
    std::vector<std::string> outputs;     // as listed (each also has WorkloadTensor::output set)

    const WorkloadTensor* tensor(const std::string& name) const;  // nullptr if there is none
};

// Loads and validates a workload YAML file. Throws InputError "file:line:col: where: reason".
Workload load_workload(const std::string& path);
// Same, from text; `name` stands for the file in messages, and relative .npy paths are resolved
// against its folder.
Workload load_workload_string(const std::string& yaml, const std::string& name);

// The seed of a Random tensor without its own `seed`: FNV-1a 64 of its name XOR the workload
// seed, so tensors differ from each other and adding one does not change the others.
uint64_t workload_tensor_seed(uint64_t workload_seed, const std::string& tensor_name);

// The values of an input or weight tensor: its .npy file (shape and dtype checked) or seeded
// random values (int types: the full range of the type, except i32 in [-2^20, 2^20); floats:
// uniform in [-4, 4); the exact mapping is in docs/workload.md), as rows x cols elements,
// little-endian, row-major. Throws InputError "file:line:col: tensors.NAME: reason".
std::vector<uint8_t> workload_tensor_data(const WorkloadTensor& t);

}  // namespace lpu
