// What a VXM ALU instruction says (docs/vxm-numerics.md): the operation, its operand type and,
// for a requantisation, its parameters; their text form and the rules of which operation exists
// for which type. The arithmetic that carries them out is the VXM's (models/vxm/VxmAlu.h).
#pragma once

#include "models/isa/VxmType.h"

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
// "VXM operation 'OP' is not defined for TYPE".
std::string vxm_unsupported(const char* op, VxmType t);

// How x * M / 2^shift is rounded to an integer.
enum class VxmRounding : uint8_t {
    HalfEven,  // "half_even": nearest, ties to even (IEEE default)
    HalfAway,  // "half_away": nearest, ties away from zero (C round())
    HalfUp,    // "half_up": nearest, ties toward +infinity ((p + 2^(shift-1)) >> shift, as TFLite)
    Floor,     // "floor": toward -infinity (a plain arithmetic shift right)
};
constexpr unsigned kVxmRoundings = 4;

const char* vxm_rounding_name(VxmRounding r);
VxmRounding parse_vxm_rounding(const std::string& name);  // throws InputError

struct VxmRequant {
    int32_t multiplier = 1;  // M: any int32; a Q31 multiplier m/2^31 is M = m, shift = 31 + s
    unsigned shift = 0;      // 0..63
    int32_t zero_point = 0;  // added after rounding, before saturation
    VxmRounding rounding = VxmRounding::HalfEven;
    bool out_unsigned = false;  // saturate to uint8 0..255 (else int8 -128..127)

    // Throws InputError if a field is out of range (shift > 63).
    void validate() const;
};

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
};

// The inverse of disasm(); bad text throws InputError saying what is wrong.
VxmAluOp parse_vxm_alu_op(const std::string& text);

}  // namespace lpu
