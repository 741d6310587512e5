// Reading NumPy .npy files (format versions 1.0 and 2.0): the tensors users bring to lpusim
// (weights, activations, MEM images). Supported: int8, uint8, int16, int32, int64 (what
// write_npy writes besides int32), float16 and float32, little-endian ('<', or '|' for one-byte
// types), C order, any shape including () and zero-sized ones. Everything else is rejected with
// an InputError "<file>: <reason>" that says what is wrong and, where there is one, the fix:
// bad magic, unsupported version, truncated preamble/header/data, malformed header dict (unknown,
// missing or duplicate keys, syntax), fortran_order True, big-endian or otherwise unsupported
// dtypes, a shape whose size overflows, and bytes after the data. The last one is an error on
// purpose: numpy ignores them, but a file longer than its header says is usually the wrong
// file or a wrong shape, and a co-verification tool should not guess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace lpu {

enum class NpyDtype { Int8, UInt8, Int16, Int32, Int64, Float16, Float32 };

const char* npy_dtype_name(NpyDtype dtype);  // "int8", ..., "float32"
size_t npy_dtype_size(NpyDtype dtype);       // bytes per element

template <typename T> struct NpyDtypeOf;  // the dtype a C++ element type reads (no float16: use the raw bytes)
template <> struct NpyDtypeOf<int8_t> {
    static constexpr NpyDtype value = NpyDtype::Int8;
};
template <> struct NpyDtypeOf<uint8_t> {
    static constexpr NpyDtype value = NpyDtype::UInt8;
};
template <> struct NpyDtypeOf<int16_t> {
    static constexpr NpyDtype value = NpyDtype::Int16;
};
template <> struct NpyDtypeOf<int32_t> {
    static constexpr NpyDtype value = NpyDtype::Int32;
};
template <> struct NpyDtypeOf<int64_t> {
    static constexpr NpyDtype value = NpyDtype::Int64;
};
template <> struct NpyDtypeOf<float> {
    static constexpr NpyDtype value = NpyDtype::Float32;
};

struct NpyArray {
    std::string source;    // file name, for messages
    unsigned version = 1;  // format major version (1 or 2)
    std::string descr;     // the dtype as written, e.g. "<i4", "|u1"
    NpyDtype dtype = NpyDtype::UInt8;
    std::vector<size_t> shape;  // empty for a 0-d array (one element)
    std::vector<uint8_t> data;  // C order, little-endian elements: count() * item_size() bytes

    size_t item_size() const { return npy_dtype_size(dtype); }
    size_t count() const;
    std::string shape_text() const;  // "(3, 4)", "(5,)", "()", as numpy prints it

    // The elements as T. Throws InputError if T is not this array's dtype (no conversions).
    template <typename T> std::vector<T> values() const
    {
        check_dtype(NpyDtypeOf<T>::value);
        std::vector<T> out(count());
        if (!data.empty())
            std::memcpy(out.data(), data.data(), data.size());  // the host is little-endian
        return out;
    }

private:
    void check_dtype(NpyDtype wanted) const;
};

// Reads `path`. Throws InputError "path: reason".
NpyArray read_npy(const std::string& path);
// Parses a whole .npy file held in memory; `name` stands for the file in messages.
NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& name);

}  // namespace lpu
