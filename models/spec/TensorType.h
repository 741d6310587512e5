// Element types of tensors in MEM and their .npy spelling.
#pragma once

#include "models/common/NpyReader.h"

#include <cstdint>

namespace lpu {

// The numeric values are the object file encoding: append new types, never renumber.
enum class TensorType : uint8_t { I8, U8, I32, F16, F32 };

unsigned tensor_type_bytes(TensorType t);  // 1, 2 or 4

const char* tensor_type_name(TensorType t);
// The .npy dtype descr of a tensor type: "|i1", "|u1", "<i4", "<f2", "<f4", and the reader's
// dtype.
const char* tensor_npy_descr(TensorType t);
NpyDtype tensor_npy_dtype(TensorType t);

}  // namespace lpu
