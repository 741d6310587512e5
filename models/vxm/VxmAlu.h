// The arithmetic of one VXM ALU (docs/vxm-numerics.md): element-wise unary and binary
// operations, type conversions and requantisation on 32-bit lane words. Pure functions without
// state or SystemC; the VXM slice calls them once per instruction, and a chain of ALUs is a
// composition of them (every result is a canonical lane word, valid as the next operand).
#pragma once

#include "vxm/VxmRequant.h"
#include "vxm/VxmType.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lpu {

enum class VxmBinaryOp : uint8_t { Add, Sub, Mul, Max, Min, AddSat, SubSat, And, Or, Xor };
constexpr unsigned kVxmBinaryOps = 10;
enum class VxmUnaryOp : uint8_t { Neg, Abs, Relu, Tanh, Exp, Rsqrt };
constexpr unsigned kVxmUnaryOps = 6;

// "add", "sub", "mul", "max", "min", "add_sat", "sub_sat", "and", "or", "xor".
const char* vxm_op_name(VxmBinaryOp op);
// "neg", "abs", "relu", "tanh", "exp", "rsqrt".
const char* vxm_op_name(VxmUnaryOp op);

// Which operations a type has: add_sat, sub_sat and the bitwise operations are integer-only;
// tanh, exp and rsqrt are float-only; everything else exists for all five types.
bool vxm_supports(VxmBinaryOp op, VxmType t);
bool vxm_supports(VxmUnaryOp op, VxmType t);

// One lane. Operands are read from the type's low bits, results are canonical (VxmType.h). An
// operation the type does not support throws InputError.
uint32_t vxm_binary(VxmBinaryOp op, VxmType t, uint32_t a, uint32_t b);
uint32_t vxm_unary(VxmUnaryOp op, VxmType t, uint32_t a);
// Every pair of types; see the document for saturation and rounding.
uint32_t vxm_convert(VxmType from, VxmType to, uint32_t a);
// The lane read as int32; the result is an i8 lane, or with out_unsigned 0..255 zero-extended
// (whose low byte is the uint8 the MXM reads as u8).
uint32_t vxm_requantize_lane(const VxmRequant& rq, uint32_t a);

// One ALU instruction, as the slice decodes it. Text form (disasm / parse):
//   binary:  "add f32", "add_sat i8", ...          (OP TYPE)
//   unary:   "tanh f16", "relu i32", ...           (OP TYPE)
//   convert: "convert f32 i8"                      (convert FROM TO)
//   requant: "requant i8 1518500250 37 -3 half_even" (requant i8|u8 M SHIFT ZERO_POINT ROUNDING)
struct VxmAluOp {
    enum class Kind : uint8_t { Binary, Unary, Convert, Requant };
    Kind kind = Kind::Unary;
    VxmBinaryOp binary = VxmBinaryOp::Add;
    VxmUnaryOp unary = VxmUnaryOp::Neg;
    VxmType type = VxmType::I32;  // operand type (Requant: always i32)
    VxmType to = VxmType::I32;    // Convert: result type
    VxmRequant requant;

    static VxmAluOp make_binary(VxmBinaryOp op, VxmType t);
    static VxmAluOp make_unary(VxmUnaryOp op, VxmType t);
    static VxmAluOp make_convert(VxmType from, VxmType to);
    static VxmAluOp make_requant(const VxmRequant& rq);

    unsigned operands() const { return kind == Kind::Binary ? 2 : 1; }
    VxmType result_type() const;  // Requant: i8 (also for u8 results: an 8-bit lane)
    // Throws InputError for an operation the type lacks or a requantisation out of range.
    void validate() const;
    std::string disasm() const;

    // z[i] = op(x[i]) or op(x[i], y[i]) for i < n (y unused for one operand). z may alias x or y.
    // Validates first.
    void apply(const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n) const;

private:
    // apply() for the hot int32 operations; false if `this` is not one of them.
    bool apply_i32_fast(const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n) const;

public:
};

// The inverse of disasm(); bad text throws InputError saying what is wrong.
VxmAluOp parse_vxm_alu_op(const std::string& text);

}  // namespace lpu
