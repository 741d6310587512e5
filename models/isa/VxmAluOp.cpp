#include "VxmAluOp.h"

#include "models/common/AsciiText.h"
#include "models/common/Error.h"

#include <sstream>
#include <vector>

namespace lpu {

namespace {

constexpr VxmBinaryOp kBinaryOps[kVxmBinaryOps] = {
    VxmBinaryOp::Add,    VxmBinaryOp::Sub,    VxmBinaryOp::Mul, VxmBinaryOp::Max, VxmBinaryOp::Min,
    VxmBinaryOp::AddSat, VxmBinaryOp::SubSat, VxmBinaryOp::And, VxmBinaryOp::Or,  VxmBinaryOp::Xor};
constexpr VxmUnaryOp kUnaryOps[kVxmUnaryOps] = {VxmUnaryOp::Neg,  VxmUnaryOp::Abs, VxmUnaryOp::Relu,
                                                VxmUnaryOp::Tanh, VxmUnaryOp::Exp, VxmUnaryOp::Rsqrt};

}  // namespace

std::string vxm_unsupported(const char* op, VxmType t)
{
    return std::string("VXM operation '") + op + "' is not defined for " + vxm_type_name(t);
}

const char* vxm_rounding_name(VxmRounding r)
{
    switch (r) {
    case VxmRounding::HalfEven: return "half_even";
    case VxmRounding::HalfAway: return "half_away";
    case VxmRounding::HalfUp: return "half_up";
    case VxmRounding::Floor: return "floor";
    }
    return "?";
}

VxmRounding parse_vxm_rounding(const std::string& name)
{
    for (VxmRounding r : {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor})
        if (name == vxm_rounding_name(r))
            return r;
    throw InputError("unknown rounding '" + name + "' (expected half_even, half_away, half_up or floor)");
}

void VxmRequant::validate() const
{
    if (shift > 63)
        throw InputError("requantisation shift " + std::to_string(shift) + " is out of range 0..63");
}

const char* vxm_op_name(VxmBinaryOp op)
{
    switch (op) {
    case VxmBinaryOp::Add: return "add";
    case VxmBinaryOp::Sub: return "sub";
    case VxmBinaryOp::Mul: return "mul";
    case VxmBinaryOp::Max: return "max";
    case VxmBinaryOp::Min: return "min";
    case VxmBinaryOp::AddSat: return "add_sat";
    case VxmBinaryOp::SubSat: return "sub_sat";
    case VxmBinaryOp::And: return "and";
    case VxmBinaryOp::Or: return "or";
    case VxmBinaryOp::Xor: return "xor";
    }
    return "?";
}

const char* vxm_op_name(VxmUnaryOp op)
{
    switch (op) {
    case VxmUnaryOp::Neg: return "neg";
    case VxmUnaryOp::Abs: return "abs";
    case VxmUnaryOp::Relu: return "relu";
    case VxmUnaryOp::Tanh: return "tanh";
    case VxmUnaryOp::Exp: return "exp";
    case VxmUnaryOp::Rsqrt: return "rsqrt";
    }
    return "?";
}

bool vxm_supports(VxmBinaryOp op, VxmType t)
{
    switch (op) {
    case VxmBinaryOp::AddSat:
    case VxmBinaryOp::SubSat:
    case VxmBinaryOp::And:
    case VxmBinaryOp::Or:
    case VxmBinaryOp::Xor: return vxm_is_int(t);
    default: return true;
    }
}

bool vxm_supports(VxmUnaryOp op, VxmType t)
{
    switch (op) {
    case VxmUnaryOp::Tanh:
    case VxmUnaryOp::Exp:
    case VxmUnaryOp::Rsqrt: return vxm_is_float(t);
    default: return true;
    }
}

VxmAluOp VxmAluOp::make_binary(VxmBinaryOp op, VxmType t)
{
    VxmAluOp o;
    o.kind = Kind::Binary;
    o.binary = op;
    o.type = o.to = t;
    return o;
}

VxmAluOp VxmAluOp::make_unary(VxmUnaryOp op, VxmType t)
{
    VxmAluOp o;
    o.kind = Kind::Unary;
    o.unary = op;
    o.type = o.to = t;
    return o;
}

VxmAluOp VxmAluOp::make_convert(VxmType from, VxmType to)
{
    VxmAluOp o;
    o.kind = Kind::Convert;
    o.type = from;
    o.to = to;
    return o;
}

VxmAluOp VxmAluOp::make_requant(const VxmRequant& rq)
{
    VxmAluOp o;
    o.kind = Kind::Requant;
    o.type = VxmType::I32;
    o.to = VxmType::I8;
    o.requant = rq;
    return o;
}

VxmType VxmAluOp::result_type() const
{
    switch (kind) {
    case Kind::Binary:
    case Kind::Unary: return type;
    case Kind::Convert: return to;
    case Kind::Requant: return VxmType::I8;
    }
    return type;
}

void VxmAluOp::validate() const
{
    // The message is made only on failure: this runs once per VXM instruction executed.
    switch (kind) {
    case Kind::Binary:
        if (!vxm_supports(binary, type))
            throw InputError(vxm_unsupported(vxm_op_name(binary), type));
        break;
    case Kind::Unary:
        if (!vxm_supports(unary, type))
            throw InputError(vxm_unsupported(vxm_op_name(unary), type));
        break;
    case Kind::Convert: break;
    case Kind::Requant: requant.validate(); break;
    }
}

std::string VxmAluOp::disasm() const
{
    std::ostringstream s;
    switch (kind) {
    case Kind::Binary: s << vxm_op_name(binary) << ' ' << vxm_type_name(type); break;
    case Kind::Unary: s << vxm_op_name(unary) << ' ' << vxm_type_name(type); break;
    case Kind::Convert: s << "convert " << vxm_type_name(type) << ' ' << vxm_type_name(to); break;
    case Kind::Requant:
        s << "requant " << (requant.out_unsigned ? "u8" : "i8") << ' ' << requant.multiplier << ' ' << requant.shift
          << ' ' << requant.zero_point << ' ' << vxm_rounding_name(requant.rounding);
        break;
    }
    return s.str();
}

namespace {

int64_t parse_int(const std::string& word, int64_t lo, int64_t hi, const std::string& what, const std::string& text)
{
    size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(word, &used, 10);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != word.size() || word.empty() || v < lo || v > hi)
        throw InputError(quote_token(text) + ": " + what + " " + quote_token(word) + " is not an integer in " +
                         std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

}  // namespace

VxmAluOp parse_vxm_alu_op(const std::string& text)
{
    std::vector<std::string> w;  // the blank-separated words, as a stream's >> reads them
    for (size_t i = 0; i < text.size();) {
        if (is_blank(text[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < text.size() && !is_blank(text[j]))
            ++j;
        w.push_back(text.substr(i, j - i));
        i = j;
    }
    auto expect_words = [&](size_t n, const char* syntax) {
        if (w.size() != n)
            throw InputError(quote_token(text) + ": expected '" + syntax + "'");
    };
    if (w.empty())
        throw InputError("empty VXM operation");
    VxmAluOp op;
    if (w[0] == "convert") {
        expect_words(3, "convert FROM TO");
        op = VxmAluOp::make_convert(parse_vxm_type(w[1]), parse_vxm_type(w[2]));
    } else if (w[0] == "requant") {
        expect_words(6, "requant i8|u8 MULTIPLIER SHIFT ZERO_POINT ROUNDING");
        if (w[1] != "i8" && w[1] != "u8")
            throw InputError(quote_token(text) + ": requantisation result " + quote_token(w[1]) + " is not i8 or u8");
        VxmRequant rq;
        rq.out_unsigned = w[1] == "u8";
        rq.multiplier = static_cast<int32_t>(parse_int(w[2], INT32_MIN, INT32_MAX, "multiplier", text));
        rq.shift = static_cast<unsigned>(parse_int(w[3], 0, 63, "shift", text));
        rq.zero_point = static_cast<int32_t>(parse_int(w[4], INT32_MIN, INT32_MAX, "zero point", text));
        rq.rounding = parse_vxm_rounding(w[5]);
        op = VxmAluOp::make_requant(rq);
    } else {
        expect_words(2, "OP TYPE");
        const VxmType t = parse_vxm_type(w[1]);
        bool found = false;
        for (VxmBinaryOp b : kBinaryOps)
            if (w[0] == vxm_op_name(b)) {
                op = VxmAluOp::make_binary(b, t);
                found = true;
            }
        for (VxmUnaryOp u : kUnaryOps)
            if (w[0] == vxm_op_name(u)) {
                op = VxmAluOp::make_unary(u, t);
                found = true;
            }
        if (!found)
            throw InputError(quote_token(text) + ": unknown VXM operation " + quote_token(w[0]));
    }
    op.validate();
    return op;
}

}  // namespace lpu
