// The arithmetic of one VXM ALU (docs/vxm-numerics.md): element-wise unary and binary
// operations, type conversions and requantisation on 32-bit lane words. Pure functions without
// state or SystemC; the VXM slice calls them once per instruction, and a chain of ALUs is a
// composition of them (every result is a canonical lane word, valid as the next operand).
#pragma once

#include "models/isa/VxmAluOp.h"
#include "models/vxm/VxmLane.h"
#include "models/vxm/VxmRequant.h"

#include <cstddef>
#include <cstdint>

namespace lpu {

// One lane. Operands are read from the type's low bits, results are canonical (VxmType.h). An
// operation the type does not support throws InputError.
uint32_t vxm_binary(VxmBinaryOp op, VxmType t, uint32_t a, uint32_t b);
uint32_t vxm_unary(VxmUnaryOp op, VxmType t, uint32_t a);
// Every pair of types; see the document for saturation and rounding.
uint32_t vxm_convert(VxmType from, VxmType to, uint32_t a);
// The lane read as int32; the result is an i8 lane, or with out_unsigned 0..255 zero-extended
// (whose low byte is the uint8 the MXM reads as u8).
uint32_t vxm_requantize_lane(const VxmRequant& rq, uint32_t a);

// z[i] = op(x[i]) or op(x[i], y[i]) for i < n (y unused for one operand). z may alias x or y.
// Validates `op` first.
void vxm_apply(const VxmAluOp& op, const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n);

}  // namespace lpu
