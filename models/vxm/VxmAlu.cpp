#include "VxmAlu.h"

#include "models/common/Error.h"
#include "models/common/Fp16.h"
#include "models/vxm/VxmMath.h"

#include <algorithm>
#include <cassert>

namespace lpu {

namespace {

// ---- floating point -------------------------------------------------------------------------
// Both float types compute in binary32: an f16 operand is widened exactly, the binary32 result
// is rounded once to f16. Arithmetic results that are NaN become the canonical NaN.

uint32_t canonical_nan_f32(uint32_t bits) { return f32_is_nan(bits) ? kF32CanonicalNaN : bits; }

float lane_to_float(VxmType t, uint32_t lane)
{
    return f32_from_bits(t == VxmType::F16 ? f16_to_f32(static_cast<uint16_t>(lane)) : lane);
}

uint32_t float_to_lane(VxmType t, float f)
{
    const uint32_t bits = canonical_nan_f32(f32_bits(f));
    return t == VxmType::F16 ? f32_to_f16(bits) : bits;
}

// IEEE 754-2019 maximum/minimum: a NaN operand gives NaN, and -0 < +0.
float float_max_min(bool is_max, float a, float b)
{
    if (f32_is_nan(f32_bits(a)) || f32_is_nan(f32_bits(b)))
        return f32_from_bits(kF32CanonicalNaN);
    if (a == b) {  // equal values differ at most in the sign of zero
        const bool a_neg = f32_bits(a) >> 31;
        return (a_neg == is_max) ? b : a;
    }
    return (a > b) == is_max ? a : b;
}

uint32_t float_binary(VxmBinaryOp op, VxmType t, uint32_t la, uint32_t lb)
{
    const float a = lane_to_float(t, la);
    const float b = lane_to_float(t, lb);
    switch (op) {
    case VxmBinaryOp::Add: return float_to_lane(t, a + b);
    case VxmBinaryOp::Sub: return float_to_lane(t, a - b);
    case VxmBinaryOp::Mul: return float_to_lane(t, a * b);
    case VxmBinaryOp::Max: return float_to_lane(t, float_max_min(true, a, b));
    case VxmBinaryOp::Min: return float_to_lane(t, float_max_min(false, a, b));
    default: break;
    }
    return 0;  // unreachable: vxm_supports() rejected it
}

uint32_t float_unary(VxmUnaryOp op, VxmType t, uint32_t lane)
{
    // neg and abs only touch the sign bit (IEEE: they are not arithmetic, a NaN keeps its payload).
    const uint32_t sign = t == VxmType::F16 ? 0x8000u : 0x80000000u;
    const uint32_t bits = vxm_canonical(t, lane);
    switch (op) {
    case VxmUnaryOp::Neg: return bits ^ sign;
    case VxmUnaryOp::Abs: return bits & ~sign;
    default: break;
    }
    const float x = lane_to_float(t, bits);
    switch (op) {
    case VxmUnaryOp::Relu:  // max(x, +0): NaN -> NaN, -0 -> +0
        return float_to_lane(t, float_max_min(true, x, 0.0f));
    case VxmUnaryOp::Tanh: return float_to_lane(t, vxm_tanh_f32(x));
    case VxmUnaryOp::Exp: return float_to_lane(t, vxm_exp_f32(x));
    case VxmUnaryOp::Rsqrt: return float_to_lane(t, vxm_rsqrt_f32(x));
    default: break;
    }
    return 0;  // unreachable
}

// binary32 -> integer: round to nearest, ties to even, saturate to [lo, hi]; NaN -> 0. Exact
// integer arithmetic on the bit pattern, independent of the host's conversion instructions.
int32_t float_to_int(uint32_t f, int32_t lo, int32_t hi)
{
    if (f32_is_nan(f))
        return 0;
    const bool neg = f >> 31;
    const uint32_t exp = (f >> 23) & 0xFFu;
    const int e = static_cast<int>(exp) - 127;  // |x| = mant24 * 2^(e-23) for normal x
    uint64_t mag;
    if (e >= 31) {  // |x| >= 2^31 (or infinite): beyond every integer type
        mag = uint64_t{1} << 31;
    } else if (e < -1 || exp == 0) {  // |x| < 1/2 (zero and subnormals included)
        mag = 0;
    } else {
        const uint64_t mant24 = (f & 0x7FFFFFu) | 0x800000u;
        if (e >= 23) {
            mag = mant24 << (e - 23);
        } else {
            const unsigned s = static_cast<unsigned>(23 - e);  // 1..24
            const uint64_t q = mant24 >> s;
            const uint64_t rem = mant24 & ((uint64_t{1} << s) - 1);
            const uint64_t half = uint64_t{1} << (s - 1);
            mag = (rem > half || (rem == half && (q & 1))) ? q + 1 : q;
        }
    }
    const int64_t v = neg ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
    return static_cast<int32_t>(std::clamp<int64_t>(v, lo, hi));
}

// ---- integers -------------------------------------------------------------------------------

uint32_t int_binary(VxmBinaryOp op, VxmType t, uint32_t la, uint32_t lb)
{
    const int64_t a = vxm_lane_to_int(t, la);
    const int64_t b = vxm_lane_to_int(t, lb);
    const int64_t lo = vxm_int_min(t);
    const int64_t hi = vxm_int_max(t);
    switch (op) {  // int64 holds every exact sum and product of two int32; then wrap or saturate
    case VxmBinaryOp::Add: return vxm_int_to_lane(t, a + b);
    case VxmBinaryOp::Sub: return vxm_int_to_lane(t, a - b);
    case VxmBinaryOp::Mul: return vxm_int_to_lane(t, a * b);
    case VxmBinaryOp::Max: return vxm_int_to_lane(t, std::max(a, b));
    case VxmBinaryOp::Min: return vxm_int_to_lane(t, std::min(a, b));
    case VxmBinaryOp::AddSat: return vxm_int_to_lane(t, std::clamp(a + b, lo, hi));
    case VxmBinaryOp::SubSat: return vxm_int_to_lane(t, std::clamp(a - b, lo, hi));
    // Bitwise on the sign-extended values: the result is sign-extended again.
    case VxmBinaryOp::And: return vxm_int_to_lane(t, a & b);
    case VxmBinaryOp::Or: return vxm_int_to_lane(t, a | b);
    case VxmBinaryOp::Xor: return vxm_int_to_lane(t, a ^ b);
    }
    return 0;
}

uint32_t int_unary(VxmUnaryOp op, VxmType t, uint32_t lane)
{
    const int64_t a = vxm_lane_to_int(t, lane);
    switch (op) {
    case VxmUnaryOp::Neg: return vxm_int_to_lane(t, -a);              // wraps: neg(min) = min
    case VxmUnaryOp::Abs: return vxm_int_to_lane(t, a < 0 ? -a : a);  // abs(min) = min
    case VxmUnaryOp::Relu: return vxm_int_to_lane(t, std::max<int64_t>(a, 0));
    default: break;
    }
    return 0;  // unreachable
}

// vxm_apply for the hot int32 operations; false if `op` is not one of them.
bool apply_i32_fast(const VxmAluOp& op, const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n)
{
    if (op.kind == VxmAluOp::Kind::Unary) {  // relu
        for (size_t i = 0; i < n; ++i)
            z[i] = static_cast<int32_t>(x[i]) < 0 ? 0u : x[i];
        return true;
    }
    switch (op.binary) {
    case VxmBinaryOp::Add:
        for (size_t i = 0; i < n; ++i)
            z[i] = x[i] + y[i];  // unsigned: wraps modulo 2^32 like the two's complement adder
        return true;
    case VxmBinaryOp::Sub:
        for (size_t i = 0; i < n; ++i)
            z[i] = x[i] - y[i];
        return true;
    case VxmBinaryOp::Max:
        for (size_t i = 0; i < n; ++i)
            z[i] = static_cast<int32_t>(x[i]) < static_cast<int32_t>(y[i]) ? y[i] : x[i];
        return true;
    case VxmBinaryOp::Min:
        for (size_t i = 0; i < n; ++i)
            z[i] = static_cast<int32_t>(y[i]) < static_cast<int32_t>(x[i]) ? y[i] : x[i];
        return true;
    default: return false;
    }
}

// One binary32 operation on whole vectors: the host's IEEE arithmetic (round to nearest even,
// no flush to zero) gives what float_binary gives lane by lane, a NaN made canonical without a
// branch so that the loop vectorises.
template <typename F>
void f32_lanes(const uint32_t* __restrict x, const uint32_t* __restrict y, uint32_t* __restrict z, size_t n, F f)
{
    for (size_t i = 0; i < n; ++i) {
        const uint32_t b = f32_bits(f(f32_from_bits(x[i]), f32_from_bits(y[i])));
        z[i] = f32_is_nan(b) ? kF32CanonicalNaN : b;
    }
}

// vxm_apply for the hot binary32 operations; false if `op` is not one of them.
bool apply_f32_fast(const VxmAluOp& op, const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n)
{
    switch (op.binary) {
    case VxmBinaryOp::Add: f32_lanes(x, y, z, n, [](float a, float b) { return a + b; }); return true;
    case VxmBinaryOp::Sub: f32_lanes(x, y, z, n, [](float a, float b) { return a - b; }); return true;
    case VxmBinaryOp::Mul: f32_lanes(x, y, z, n, [](float a, float b) { return a * b; }); return true;
    default: return false;
    }
}

}  // namespace

uint32_t vxm_binary(VxmBinaryOp op, VxmType t, uint32_t a, uint32_t b)
{
    if (!vxm_supports(op, t))  // the message only on failure: this runs once per lane
        throw InputError(vxm_unsupported(vxm_op_name(op), t));
    return vxm_is_float(t) ? float_binary(op, t, a, b) : int_binary(op, t, a, b);
}

uint32_t vxm_unary(VxmUnaryOp op, VxmType t, uint32_t a)
{
    if (!vxm_supports(op, t))  // the message only on failure: this runs once per lane
        throw InputError(vxm_unsupported(vxm_op_name(op), t));
    return vxm_is_float(t) ? float_unary(op, t, a) : int_unary(op, t, a);
}

uint32_t vxm_convert(VxmType from, VxmType to, uint32_t a)
{
    if (from == to)
        return vxm_canonical(to, a);
    if (vxm_is_int(from)) {
        const int32_t v = vxm_lane_to_int(from, a);
        if (vxm_is_int(to))  // widening is exact, narrowing saturates
            return vxm_int_to_lane(to, std::clamp(v, vxm_int_min(to), vxm_int_max(to)));
        // int32 -> binary32 is IEEE convertFromInt, rounding to nearest even. For f16 that result
        // is rounded again, but harmlessly: below 2^24 the binary32 value is exact, and from 2^24
        // on both roundings give a value far beyond 65520, i.e. infinity.
        const float f = static_cast<float>(v);
        return to == VxmType::F16 ? f32_to_f16(f32_bits(f)) : f32_bits(f);
    }
    const uint32_t f = from == VxmType::F16 ? f16_to_f32(static_cast<uint16_t>(a)) : a;
    if (vxm_is_int(to))
        return vxm_int_to_lane(to, float_to_int(f, vxm_int_min(to), vxm_int_max(to)));
    return to == VxmType::F16 ? f32_to_f16(f) : f;  // f16 -> f32 done above; f32 -> f16 rounds
}

uint32_t vxm_requantize_lane(const VxmRequant& rq, uint32_t a)
{
    const int32_t q = vxm_requantize(rq, static_cast<int32_t>(a));
    return rq.out_unsigned ? static_cast<uint32_t>(q) : vxm_int_to_lane(VxmType::I8, q);
}

namespace {

// vxm_requantize_lane on a whole vector, the rounding mode chosen once (vxm_requantize_as is the
// one definition of the arithmetic). q is in [-128, 255]: its lane is its int32 pattern, an i8
// lane sign-extended as vxm_int_to_lane makes it.
template <VxmRounding R> void requant_loop(const VxmRequant& rq, const uint32_t* x, uint32_t* z, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        z[i] = static_cast<uint32_t>(vxm_requantize_as<R>(rq, static_cast<int32_t>(x[i])));
}

void apply_requant_fast(const VxmRequant& rq, const uint32_t* x, uint32_t* z, size_t n)
{
    vxm_with_rounding(rq.rounding, [&](auto r) { requant_loop<decltype(r)::value>(rq, x, z, n); });
}

}  // namespace

void vxm_apply(const VxmAluOp& op, const uint32_t* x, const uint32_t* y, uint32_t* z, size_t n)
{
    op.validate();  // once per vector; the per-lane calls below then cannot throw
    assert(op.kind != VxmAluOp::Kind::Binary || y != nullptr);
    // Whole-vector loops for the int32 operations a quantised layer spends its time in; each
    // computes exactly what vxm_binary / vxm_unary do per lane (the tests compare both).
    if (op.type == VxmType::I32 &&
        (op.kind == VxmAluOp::Kind::Binary || (op.kind == VxmAluOp::Kind::Unary && op.unary == VxmUnaryOp::Relu))) {
        if (apply_i32_fast(op, x, y, z, n))
            return;
    }
    if (op.type == VxmType::F32 && op.kind == VxmAluOp::Kind::Binary && apply_f32_fast(op, x, y, z, n))
        return;
    if (op.kind == VxmAluOp::Kind::Requant) {
        apply_requant_fast(op.requant, x, z, n);
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        switch (op.kind) {
        case VxmAluOp::Kind::Binary: z[i] = vxm_binary(op.binary, op.type, x[i], y[i]); break;
        case VxmAluOp::Kind::Unary: z[i] = vxm_unary(op.unary, op.type, x[i]); break;
        case VxmAluOp::Kind::Convert: z[i] = vxm_convert(op.type, op.to, x[i]); break;
        case VxmAluOp::Kind::Requant: z[i] = vxm_requantize_lane(op.requant, x[i]); break;
        }
    }
}

}  // namespace lpu
