#include "TensorType.h"

namespace lpu {

const char* tensor_npy_descr(TensorType t)
{
    switch (t) {
    case TensorType::I8: return "|i1";
    case TensorType::U8: return "|u1";
    case TensorType::I32: return "<i4";
    case TensorType::F16: return "<f2";
    case TensorType::F32: return "<f4";
    }
    return "|i1";
}

NpyDtype tensor_npy_dtype(TensorType t)
{
    switch (t) {
    case TensorType::I8: return NpyDtype::Int8;
    case TensorType::U8: return NpyDtype::UInt8;
    case TensorType::I32: return NpyDtype::Int32;
    case TensorType::F16: return NpyDtype::Float16;
    case TensorType::F32: return NpyDtype::Float32;
    }
    return NpyDtype::Int8;
}

const char* tensor_type_name(TensorType t)
{
    switch (t) {
    case TensorType::I8: return "i8";
    case TensorType::U8: return "u8";
    case TensorType::I32: return "i32";
    case TensorType::F16: return "f16";
    case TensorType::F32: return "f32";
    }
    return "?";
}

unsigned tensor_type_bytes(TensorType t)
{
    switch (t) {
    case TensorType::I8:
    case TensorType::U8: return 1;
    case TensorType::F16: return 2;
    case TensorType::I32:
    case TensorType::F32: return 4;
    }
    return 1;
}

}  // namespace lpu
