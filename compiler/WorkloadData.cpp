// The values of a workload's inputs and weights: a .npy file checked against the declaration, or
// the seeded generator of docs/workload.md ("Seeded data"). The generator draws one 64-bit
// Mersenne Twister output per element and keeps its top bits, so the values are the same on
// every host and standard library (unlike std::uniform_*_distribution).
#include "compiler/Workload.h"

#include "models/common/Error.h"
#include "models/common/Fp16.h"
#include "models/common/NpyReader.h"
#include "models/common/Rng.h"

namespace lpu {

namespace {

void put_le(std::vector<uint8_t>& out, size_t at, uint32_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; ++k)
        out[at * bytes + k] = static_cast<uint8_t>(v >> (8 * k));
}

std::vector<uint8_t> seeded(const WorkloadTensor& t)
{
    const unsigned bytes = tensor_type_bytes(t.type);
    const size_t n = static_cast<size_t>(t.elements());
    std::vector<uint8_t> out(n * bytes);
    Rng rng(t.seed);
    for (size_t i = 0; i < n; ++i) {
        const uint64_t w = rng.next();
        uint32_t v = 0;
        switch (t.type) {
        case TensorType::I8:  // top byte as two's complement: -128..127
        case TensorType::U8:  // top byte: 0..255
            v = static_cast<uint32_t>(w >> 56);
            break;
        case TensorType::I32:  // top 21 bits - 2^20: [-2^20, 2^20), so sums of a few stay far from overflow
            v = static_cast<uint32_t>(static_cast<int32_t>(w >> 43) - (int32_t{1} << 20));
            break;
        case TensorType::F16: {  // (top 12 bits - 2^11) * 2^-9: [-4, 4) in steps of 2^-9, exact in f16
            const float x = static_cast<float>(static_cast<int32_t>(w >> 52) - 2048) * 0x1p-9f;
            v = f32_to_f16(f32_bits(x));
            break;
        }
        case TensorType::F32: {  // (top 24 bits - 2^23) * 2^-21: [-4, 4) in steps of 2^-21, exact in f32
            const float x = static_cast<float>(static_cast<int32_t>(w >> 40) - (int32_t{1} << 23)) * 0x1p-21f;
            v = f32_bits(x);
            break;
        }
        }
        put_le(out, i, v, bytes);
    }
    return out;
}

std::vector<uint8_t> from_file(const WorkloadTensor& t)
{
    const std::string where = t.pos.text() + ": tensors." + t.name + ": ";
    NpyArray a;
    try {
        a = read_npy(t.file);
    } catch (const InputError& e) {
        throw InputError(where + e.what());
    }
    const NpyDtype want = tensor_npy_dtype(t.type);
    const size_t rows = static_cast<size_t>(t.rows), cols = static_cast<size_t>(t.cols);
    // A one-row tensor may come as a 1-D array: numpy users write biases as shape (n,).
    const bool shape_ok = (a.shape.size() == 2 && a.shape[0] == rows && a.shape[1] == cols) ||
                          (a.shape.size() == 1 && rows == 1 && a.shape[0] == cols);
    if (a.dtype != want || !shape_ok) {
        std::string expected = "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
        if (rows == 1)
            expected = "(" + std::to_string(cols) + ",) or " + expected;
        throw InputError(where + t.file + " holds " + a.shape_text() + " " + npy_dtype_name(a.dtype) +
                         ", but the tensor is declared " + t.shape_text() + " " + tensor_type_name(t.type) +
                         " (a numpy " + npy_dtype_name(want) + " array of shape " + expected + ")");
    }
    return std::move(a.data);
}

}  // namespace

std::vector<uint8_t> workload_tensor_data(const WorkloadTensor& t)
{
    switch (t.source) {
    case WorkloadTensor::Source::Random: return seeded(t);
    case WorkloadTensor::Source::File: return from_file(t);
    case WorkloadTensor::Source::Layer: break;
    }
    throw InputError(t.pos.text() + ": tensor " + quote_token(t.name) +
                     " is produced by a layer: it has no input data");
}

}  // namespace lpu
