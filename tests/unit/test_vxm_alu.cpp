// The VXM arithmetic core (models/vxm, docs/vxm-numerics.md) against hand-checked values,
// independent reference implementations (double / long double arithmetic with explicit rounding,
// written differently from the bit-level model code) and numpy (tests/python/vxm_reference.py).
//
// The sweeps run a dense subset by default (seconds). LPUSIM_VXM_EXHAUSTIVE=1 runs them over
// every input (every binary32 pattern, every pair of binary16 values: minutes) and prints the
// measured accuracy that docs/vxm-numerics.md quotes.
#include "models/common/Error.h"
#include "models/common/Fp16.h"
#include "models/common/Rng.h"
#include "models/vxm/VxmAlu.h"
#include "models/vxm/VxmMath.h"
#include "models/vxm/VxmRequant.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace lpu;

namespace {

using B = VxmBinaryOp;
using U = VxmUnaryOp;
using T = VxmType;

bool exhaustive() { return std::getenv("LPUSIM_VXM_EXHAUSTIVE") != nullptr; }

uint32_t I(int32_t v) { return static_cast<uint32_t>(v); }
uint32_t F(float f) { return f32_bits(f); }
float fl(uint32_t b) { return f32_from_bits(b); }

uint32_t bin(B op, T t, uint32_t a, uint32_t b) { return vxm_binary(op, t, a, b); }
uint32_t un(U op, T t, uint32_t a) { return vxm_unary(op, t, a); }

constexpr uint32_t kInf = 0x7F800000u, kNegInf = 0xFF800000u, kNaN = kF32CanonicalNaN;
constexpr uint32_t kFltMax = 0x7F7FFFFFu, kMinSub = 0x00000001u, kMinNormal = 0x00800000u;
constexpr uint32_t kNegZero = 0x80000000u;
constexpr uint16_t kH1 = 0x3C00, kHInf = 0x7C00, kHMax = 0x7BFF, kHNaN = kF16CanonicalNaN;

std::string hex(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08" PRIX32, v);
    return buf;
}

// ---- independent references -----------------------------------------------------------------

// The value of a binary16 pattern, decoded with ldexp rather than by moving bits.
double f16_value(uint16_t h)
{
    const int e = (h >> 10) & 0x1F;
    const int m = h & 0x3FF;
    const double s = (h & 0x8000) ? -1.0 : 1.0;
    if (e == 31)
        return m ? std::nan("") : s * INFINITY;
    return s * (e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25));
}

// v (a double, taken as exact) rounded to a binary format with p significand bits, minimum normal
// exponent emin and largest finite value max_finite: round to nearest even in double arithmetic on
// the scaled value, then overflow to infinity. Signed zeros and infinities pass through.
double round_ref(double v, int p, int emin, double max_finite)
{
    if (v == 0 || std::isinf(v) || std::isnan(v))
        return v;
    int e = 0;
    std::frexp(std::fabs(v), &e);  // |v| in [2^(e-1), 2^e)
    const double quantum = std::ldexp(1.0, std::max(e - 1, emin) - (p - 1));
    const double n = std::fabs(v) / quantum;  // exact: division by a power of two
    double r = std::floor(n);
    const double frac = n - r;
    if (frac > 0.5 || (frac == 0.5 && std::fmod(r, 2.0) == 1.0))
        r += 1.0;
    double out = r * quantum;
    if (out > max_finite)
        out = INFINITY;
    return std::copysign(out, v);
}
double round_f16_ref(double v) { return round_ref(v, 11, -14, 65504.0); }
double round_f32_ref(double v) { return round_ref(v, 24, -126, static_cast<double>(FLT_MAX)); }

// A binary16 result equals a reference value: same value and, for zeros, the same sign.
bool f16_equals(uint16_t h, double ref)
{
    const double v = f16_value(h);
    return v == ref && std::signbit(v) == std::signbit(ref);
}

// Error of y against the exact value `exact` in units in the last place of the format (p bits,
// emin) at `exact`. A result that is infinite counts as exact only if the correctly rounded
// value is infinite too.
double ulp_error(double y, double exact, int p, int emin, double max_finite)
{
    const double cr = round_ref(exact, p, emin, max_finite);
    if (std::isinf(y) || std::isinf(cr))
        return (std::isinf(y) && y == cr) ? 0.0 : 1e9;
    int e = 0;
    std::frexp(std::fabs(exact), &e);
    const double ulp = std::ldexp(1.0, std::max(e - 1, emin) - (p - 1));
    return std::fabs(y - exact) / ulp;
}
double ulp_error_f32(float y, double exact) { return ulp_error(y, exact, 24, -126, FLT_MAX); }
double ulp_error_f16(uint16_t y, double exact) { return ulp_error(f16_value(y), exact, 11, -14, 65504.0); }

// round(x * m / 2^shift) + zp, saturated, in long double (64-bit significand: x * m needs at
// most 62 bits, so every step is exact) with the ties decided explicitly.
int32_t requant_ref(int32_t x, int32_t m, unsigned shift, int32_t zp, VxmRounding mode, bool out_unsigned)
{
    const long double v =
        std::ldexp(static_cast<long double>(x) * static_cast<long double>(m), -static_cast<int>(shift));
    const long double f = std::floor(v);
    const long double frac = v - f;
    long double r = f;
    if (mode != VxmRounding::Floor) {
        if (frac > 0.5L)
            r = f + 1;
        else if (frac == 0.5L) {
            switch (mode) {
            case VxmRounding::HalfEven: r = std::fmod(f, 2.0L) == 0 ? f : f + 1; break;
            case VxmRounding::HalfAway: r = v > 0 ? f + 1 : f; break;
            case VxmRounding::HalfUp: r = f + 1; break;
            case VxmRounding::Floor: break;
            }
        }
    }
    const long double q = r + zp;
    const long double lo = out_unsigned ? 0 : -128, hi = out_unsigned ? 255 : 127;
    return static_cast<int32_t>(std::min(std::max(q, lo), hi));
}

// binary32 value to integer, round half even, saturate, NaN -> 0: in double arithmetic.
int64_t float_to_int_ref(double v, int64_t lo, int64_t hi)
{
    if (std::isnan(v))
        return 0;
    if (std::isinf(v))
        return v > 0 ? hi : lo;
    double f = std::floor(v);
    const double frac = v - f;
    if (frac > 0.5 || (frac == 0.5 && std::fmod(f, 2.0) != 0))
        f += 1;
    return static_cast<int64_t>(std::min(std::max(f, static_cast<double>(lo)), static_cast<double>(hi)));
}

// Wraps an exact integer to `bits` two's complement bits, by modular arithmetic on int64.
int32_t wrap_ref(int64_t v, unsigned bits)
{
    const int64_t m = int64_t{1} << bits;
    int64_t r = ((v % m) + m) % m;
    if (r >= m / 2)
        r -= m;
    return static_cast<int32_t>(r);
}

}  // namespace

// ---- names and lane words --------------------------------------------------------------------

TEST_CASE("vxm: type and operation and rounding names round-trip, unknown names are rejected", "[vxm]")
{
    for (T t : kVxmAllTypes)
        CHECK(parse_vxm_type(vxm_type_name(t)) == t);
    CHECK(std::string(vxm_type_name(T::F16)) == "f16");
    CHECK_THROWS_WITH(parse_vxm_type("u8"), Catch::Contains("unknown VXM type 'u8'"));
    CHECK_THROWS_AS(parse_vxm_type("I8"), InputError);  // names are lower case
    for (VxmRounding r : {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor})
        CHECK(parse_vxm_rounding(vxm_rounding_name(r)) == r);
    CHECK_THROWS_WITH(parse_vxm_rounding("nearest"), Catch::Contains("unknown rounding 'nearest'"));
    CHECK(vxm_type_bits(T::I8) == 8);
    CHECK(vxm_type_bits(T::F16) == 16);
    CHECK(vxm_type_bits(T::F32) == 32);
}

TEST_CASE("vxm: operands are read from the type's low bits and results are canonical", "[vxm]")
{
    // Upper bits of a narrow lane are don't-care: 0x12345680 is the i8 -128.
    CHECK(vxm_lane_to_int(T::I8, 0x12345680u) == -128);
    CHECK(vxm_lane_to_int(T::I16, 0xABCD7FFFu) == 32767);
    CHECK(vxm_canonical(T::I8, 0x000000FFu) == 0xFFFFFFFFu);
    CHECK(vxm_canonical(T::F16, 0xFFFF3C00u) == 0x3C00u);
    CHECK(vxm_int_to_lane(T::I8, 255) == I(-1));
    CHECK(vxm_int_to_lane(T::I16, 65536 + 5) == 5u);
    CHECK(bin(B::Add, T::I8, 0xAAAAAA01u, 0x55555501u) == 2u);
    CHECK(bin(B::Max, T::I8, 0x00000080u, 0u) == 0u);  // 0x80 is -128, not 128
    CHECK(bin(B::Add, T::F16, 0xDEAD0000u | kH1, 0xBEEF0000u | kH1) == 0x4000u);
    CHECK(un(U::Neg, T::F16, 0x12340000u | kH1) == 0xBC00u);
    CHECK(un(U::Abs, T::I16, 0x0000FFFFu) == 1u);
}

// ---- integer operations ---------------------------------------------------------------------

TEST_CASE("vxm: integer add sub mul wrap modulo 2^bits", "[vxm]")
{
    CHECK(bin(B::Add, T::I8, I(127), I(1)) == I(-128));
    CHECK(bin(B::Add, T::I8, I(-128), I(-1)) == I(127));
    CHECK(bin(B::Add, T::I8, I(100), I(100)) == I(-56));
    CHECK(bin(B::Add, T::I16, I(32767), I(1)) == I(-32768));
    CHECK(bin(B::Add, T::I32, I(INT32_MAX), I(1)) == I(INT32_MIN));
    CHECK(bin(B::Add, T::I32, I(INT32_MIN), I(INT32_MIN)) == 0u);
    CHECK(bin(B::Sub, T::I8, I(-128), I(1)) == I(127));
    CHECK(bin(B::Sub, T::I8, I(0), I(-128)) == I(-128));
    CHECK(bin(B::Sub, T::I16, I(-32768), I(1)) == I(32767));
    CHECK(bin(B::Sub, T::I32, I(INT32_MIN), I(1)) == I(INT32_MAX));
    CHECK(bin(B::Mul, T::I8, I(-128), I(-1)) == I(-128));
    CHECK(bin(B::Mul, T::I8, I(16), I(16)) == 0u);
    CHECK(bin(B::Mul, T::I8, I(15), I(17)) == I(-1));   // 255
    CHECK(bin(B::Mul, T::I8, I(127), I(127)) == I(1));  // 16129 = 63 * 256 + 1
    CHECK(bin(B::Mul, T::I16, I(181), I(181)) == I(32761));
    CHECK(bin(B::Mul, T::I16, I(182), I(182)) == I(-32412));  // 33124 - 65536
    CHECK(bin(B::Mul, T::I32, I(65536), I(65536)) == 0u);
    CHECK(bin(B::Mul, T::I32, I(INT32_MIN), I(-1)) == I(INT32_MIN));
    CHECK(bin(B::Mul, T::I32, I(46341), I(46341)) == I(-2147479015));  // 2147488281 - 2^32
}

TEST_CASE("vxm: integer saturating add and sub clamp to the type's range", "[vxm]")
{
    CHECK(bin(B::AddSat, T::I8, I(127), I(1)) == I(127));
    CHECK(bin(B::AddSat, T::I8, I(-128), I(-1)) == I(-128));
    CHECK(bin(B::AddSat, T::I8, I(100), I(100)) == I(127));
    CHECK(bin(B::AddSat, T::I8, I(-100), I(-100)) == I(-128));
    CHECK(bin(B::AddSat, T::I8, I(50), I(50)) == I(100));
    CHECK(bin(B::AddSat, T::I16, I(32767), I(32767)) == I(32767));
    CHECK(bin(B::AddSat, T::I16, I(-32768), I(32767)) == I(-1));
    CHECK(bin(B::AddSat, T::I32, I(INT32_MAX), I(1)) == I(INT32_MAX));
    CHECK(bin(B::AddSat, T::I32, I(INT32_MIN), I(-1)) == I(INT32_MIN));
    CHECK(bin(B::AddSat, T::I32, I(INT32_MIN), I(INT32_MAX)) == I(-1));
    CHECK(bin(B::SubSat, T::I8, I(-128), I(1)) == I(-128));
    CHECK(bin(B::SubSat, T::I8, I(0), I(-128)) == I(127));
    CHECK(bin(B::SubSat, T::I8, I(127), I(-128)) == I(127));
    CHECK(bin(B::SubSat, T::I16, I(-32768), I(32767)) == I(-32768));
    CHECK(bin(B::SubSat, T::I32, I(INT32_MIN), I(1)) == I(INT32_MIN));
    CHECK(bin(B::SubSat, T::I32, I(0), I(INT32_MIN)) == I(INT32_MAX));
    CHECK(bin(B::SubSat, T::I32, I(-1), I(INT32_MIN)) == I(INT32_MAX));  // exactly 2^31 - 1
}

TEST_CASE("vxm: integer max min and bitwise operations", "[vxm]")
{
    CHECK(bin(B::Max, T::I8, I(-128), I(127)) == I(127));
    CHECK(bin(B::Min, T::I8, I(-128), I(127)) == I(-128));
    CHECK(bin(B::Max, T::I32, I(INT32_MIN), I(-1)) == I(-1));
    CHECK(bin(B::Min, T::I32, I(INT32_MAX), I(INT32_MIN)) == I(INT32_MIN));
    CHECK(bin(B::Min, T::I16, I(-1), I(0)) == I(-1));
    CHECK(bin(B::And, T::I8, I(-1), I(0x7F)) == I(127));
    CHECK(bin(B::Xor, T::I8, I(0x55), I(-1)) == I(-86));  // 0xAA sign-extended
    CHECK(bin(B::Or, T::I8, I(-128), I(1)) == I(-127));
    CHECK(bin(B::Or, T::I16, I(0x4000), I(0x0001)) == I(0x4001));
    CHECK(bin(B::Xor, T::I32, I(INT32_MIN), I(-1)) == I(INT32_MAX));
    CHECK(bin(B::And, T::I32, 0xF0F0F0F0u, 0xFF00FF00u) == 0xF000F000u);
}

TEST_CASE("vxm: integer neg abs relu (neg and abs of the minimum wrap)", "[vxm]")
{
    CHECK(un(U::Neg, T::I8, I(-128)) == I(-128));
    CHECK(un(U::Neg, T::I8, I(127)) == I(-127));
    CHECK(un(U::Abs, T::I8, I(-128)) == I(-128));
    CHECK(un(U::Abs, T::I8, I(-127)) == I(127));
    CHECK(un(U::Abs, T::I16, I(-32768)) == I(-32768));
    CHECK(un(U::Abs, T::I16, I(-5)) == I(5));
    CHECK(un(U::Neg, T::I32, I(INT32_MIN)) == I(INT32_MIN));
    CHECK(un(U::Abs, T::I32, I(INT32_MIN + 1)) == I(INT32_MAX));
    CHECK(un(U::Relu, T::I8, I(-5)) == 0u);
    CHECK(un(U::Relu, T::I8, I(127)) == I(127));
    CHECK(un(U::Relu, T::I32, I(INT32_MIN)) == 0u);
    CHECK(un(U::Relu, T::I16, I(7)) == I(7));
}

TEST_CASE("vxm: integer operations agree with an int64 reference on random operands", "[vxm]")
{
    Rng rng(7);
    for (T t : {T::I8, T::I16, T::I32}) {
        const unsigned bits = vxm_type_bits(t);
        const int64_t lo = vxm_int_min(t), hi = vxm_int_max(t);
        for (int i = 0; i < 20000; ++i) {
            const uint32_t la = static_cast<uint32_t>(rng.next()), lb = static_cast<uint32_t>(rng.next());
            // Reference operands: the low `bits` bits as a signed number, by arithmetic.
            const int64_t a = wrap_ref(la & static_cast<uint32_t>((uint64_t{1} << bits) - 1), bits);
            const int64_t b = wrap_ref(lb & static_cast<uint32_t>((uint64_t{1} << bits) - 1), bits);
            INFO(vxm_type_name(t) << " a=" << a << " b=" << b);
            CHECK(bin(B::Add, t, la, lb) == I(wrap_ref(a + b, bits)));
            CHECK(bin(B::Sub, t, la, lb) == I(wrap_ref(a - b, bits)));
            CHECK(bin(B::Mul, t, la, lb) == I(wrap_ref(a * b, bits)));
            CHECK(bin(B::AddSat, t, la, lb) == I(static_cast<int32_t>(std::min(std::max(a + b, lo), hi))));
            CHECK(bin(B::SubSat, t, la, lb) == I(static_cast<int32_t>(std::min(std::max(a - b, lo), hi))));
            CHECK(bin(B::Max, t, la, lb) == I(static_cast<int32_t>(a > b ? a : b)));
            CHECK(bin(B::Min, t, la, lb) == I(static_cast<int32_t>(a < b ? a : b)));
            CHECK(un(U::Neg, t, la) == I(wrap_ref(-a, bits)));
            CHECK(un(U::Relu, t, la) == I(static_cast<int32_t>(a > 0 ? a : 0)));
        }
    }
}

TEST_CASE("vxm: operations a type lacks are rejected", "[vxm]")
{
    for (B op : {B::AddSat, B::SubSat, B::And, B::Or, B::Xor})
        for (T t : {T::F16, T::F32}) {
            CHECK_FALSE(vxm_supports(op, t));
            CHECK_THROWS_WITH(bin(op, t, 0, 0), Catch::Contains("is not defined for " + std::string(vxm_type_name(t))));
        }
    for (U op : {U::Tanh, U::Exp, U::Rsqrt})
        for (T t : {T::I8, T::I16, T::I32}) {
            CHECK_FALSE(vxm_supports(op, t));
            CHECK_THROWS_AS(un(op, t, 0), InputError);
        }
    for (T t : kVxmAllTypes) {
        for (B op : {B::Add, B::Sub, B::Mul, B::Max, B::Min})
            CHECK(vxm_supports(op, t));
        for (U op : {U::Neg, U::Abs, U::Relu})
            CHECK(vxm_supports(op, t));
    }
}

// ---- binary32 operations --------------------------------------------------------------------

TEST_CASE("vxm: f32 add sub mul: ties to even, overflow, signed zeros, gradual underflow", "[vxm]")
{
    const uint32_t one = F(1.0f);
    CHECK(bin(B::Add, T::F32, one, F(0x1p-24f)) == one);                                // tie -> even
    CHECK(bin(B::Add, T::F32, F(1.0f + 0x1p-23f), F(0x1p-24f)) == F(1.0f + 0x1p-22f));  // tie -> even, up
    CHECK(bin(B::Add, T::F32, one, F(0x1.000002p-24f)) == F(1.0f + 0x1p-23f));          // above the tie
    CHECK(bin(B::Add, T::F32, kFltMax, kFltMax) == kInf);
    CHECK(bin(B::Mul, T::F32, kFltMax, F(-2.0f)) == kNegInf);
    CHECK(bin(B::Sub, T::F32, F(-0.0f), F(0.0f)) == kNegZero);
    CHECK(bin(B::Add, T::F32, F(-0.0f), F(-0.0f)) == kNegZero);
    CHECK(bin(B::Add, T::F32, F(-0.0f), F(0.0f)) == 0u);
    CHECK(bin(B::Sub, T::F32, one, one) == 0u);  // exact cancellation gives +0
    CHECK(bin(B::Mul, T::F32, kNegZero, F(5.0f)) == kNegZero);
    CHECK(bin(B::Add, T::F32, kMinSub, kMinSub) == 2u);
    CHECK(bin(B::Sub, T::F32, kMinNormal, kMinSub) == 0x007FFFFFu);  // subnormal result, not flushed
    CHECK(bin(B::Mul, T::F32, kMinSub, F(0.5f)) == 0u);              // tie -> even (0)
    CHECK(bin(B::Mul, T::F32, kMinSub, F(1.5f)) == 2u);              // tie -> even (2)
    CHECK(bin(B::Mul, T::F32, 3u, F(0.5f)) == 2u);                   // 1.5 units -> 2
    CHECK(bin(B::Mul, T::F32, F(0x1p-100f), F(0x1p-100f)) == 0u);    // underflow to +0
    CHECK(bin(B::Mul, T::F32, F(-0x1p-100f), F(0x1p-100f)) == kNegZero);
}

TEST_CASE("vxm: f32 NaN results are the canonical quiet NaN 0x7FC00000", "[vxm]")
{
    CHECK(bin(B::Sub, T::F32, kInf, kInf) == kNaN);
    CHECK(bin(B::Add, T::F32, kNegInf, kInf) == kNaN);  // x86 itself would give 0xFFC00000
    CHECK(bin(B::Mul, T::F32, 0u, kInf) == kNaN);
    CHECK(bin(B::Add, T::F32, 0x7F800001u, F(1.0f)) == kNaN);  // signalling NaN in
    CHECK(bin(B::Mul, T::F32, F(2.0f), 0xFFC12345u) == kNaN);  // payload and sign dropped
    CHECK(bin(B::Max, T::F32, kNaN, F(1.0f)) == kNaN);
    CHECK(bin(B::Min, T::F32, F(1.0f), 0xFF812345u) == kNaN);
    CHECK(bin(B::Max, T::F32, kInf, 0x7FFFFFFFu) == kNaN);
}

TEST_CASE("vxm: float max and min: NaN propagates, -0 < +0, infinities order", "[vxm]")
{
    for (T t : {T::F32, T::F16}) {
        INFO(vxm_type_name(t));
        const bool h = t == T::F16;
        const uint32_t pz = 0, nz = h ? 0x8000u : kNegZero, inf = h ? kHInf : kInf;
        const uint32_t ninf = h ? 0xFC00u : kNegInf, one = h ? kH1 : F(1.0f), m2 = h ? 0xC000u : F(-2.0f);
        const uint32_t nan = h ? kHNaN : kNaN;
        CHECK(bin(B::Max, t, nz, pz) == pz);
        CHECK(bin(B::Max, t, pz, nz) == pz);
        CHECK(bin(B::Min, t, nz, pz) == nz);
        CHECK(bin(B::Min, t, pz, nz) == nz);
        CHECK(bin(B::Max, t, nz, nz) == nz);
        CHECK(bin(B::Max, t, ninf, one) == one);
        CHECK(bin(B::Min, t, ninf, one) == ninf);
        CHECK(bin(B::Max, t, m2, one) == one);
        CHECK(bin(B::Min, t, inf, m2) == m2);
        CHECK(bin(B::Max, t, inf, nan) == nan);
        CHECK(bin(B::Min, t, nan, ninf) == nan);
    }
}

TEST_CASE("vxm: float neg and abs change only the sign bit, relu is max(x, +0)", "[vxm]")
{
    CHECK(un(U::Neg, T::F32, 0x7FC12345u) == 0xFFC12345u);  // a NaN keeps its payload
    CHECK(un(U::Abs, T::F32, 0xFF812345u) == 0x7F812345u);
    CHECK(un(U::Neg, T::F32, 0u) == kNegZero);
    CHECK(un(U::Abs, T::F32, kNegInf) == kInf);
    CHECK(un(U::Neg, T::F16, kHInf) == 0xFC00u);
    CHECK(un(U::Abs, T::F16, 0x8001u) == 0x0001u);
    CHECK(un(U::Neg, T::F16, 0x7D00u) == 0xFD00u);
    CHECK(un(U::Relu, T::F32, kNegZero) == 0u);
    CHECK(un(U::Relu, T::F32, 0xFFC00001u) == kNaN);
    CHECK(un(U::Relu, T::F32, kNegInf) == 0u);
    CHECK(un(U::Relu, T::F32, kInf) == kInf);
    CHECK(un(U::Relu, T::F32, 0x80000001u) == 0u);
    CHECK(un(U::Relu, T::F32, kMinSub) == kMinSub);
    CHECK(un(U::Relu, T::F32, F(-3.5f)) == 0u);
    CHECK(un(U::Relu, T::F32, F(3.5f)) == F(3.5f));
    CHECK(un(U::Relu, T::F16, 0x8000u) == 0u);
    CHECK(un(U::Relu, T::F16, 0xFC00u) == 0u);
    CHECK(un(U::Relu, T::F16, kHInf) == kHInf);
    CHECK(un(U::Relu, T::F16, 0x7C01u) == kHNaN);
    CHECK(un(U::Relu, T::F16, 0x0001u) == 0x0001u);
}

// ---- binary16 arithmetic --------------------------------------------------------------------

TEST_CASE("vxm: f16 add sub mul: ties, overflow, subnormals, NaN", "[vxm]")
{
    CHECK(bin(B::Add, T::F16, kH1, 0x1000u) == kH1);          // 1 + 2^-11: tie -> even
    CHECK(bin(B::Add, T::F16, 0x3C01u, 0x1000u) == 0x3C02u);  // (1 + 2^-10) + 2^-11: tie -> even, up
    CHECK(bin(B::Add, T::F16, kHMax, 0x4C00u) == kHInf);      // 65504 + 16 = 65520: tie -> inf
    CHECK(bin(B::Add, T::F16, kHMax, 0x4B80u) == kHMax);      // 65504 + 15 = 65519
    CHECK(bin(B::Mul, T::F16, kHMax, 0x4000u) == kHInf);
    CHECK(bin(B::Mul, T::F16, kHMax, 0xC000u) == 0xFC00u);
    CHECK(bin(B::Mul, T::F16, 0x0001u, 0x3800u) == 0x0000u);  // 2^-24 * 0.5: tie -> 0
    CHECK(bin(B::Mul, T::F16, 0x0001u, 0x3E00u) == 0x0002u);  // * 1.5: tie -> 2 units
    CHECK(bin(B::Mul, T::F16, 0x0003u, 0x3800u) == 0x0002u);  // 1.5 units -> 2
    CHECK(bin(B::Mul, T::F16, 0x8001u, 0x3800u) == 0x8000u);  // -0 keeps its sign
    CHECK(bin(B::Add, T::F16, 0x0001u, 0x03FFu) == 0x0400u);  // subnormals sum to the smallest normal
    CHECK(bin(B::Sub, T::F16, 0x0400u, 0x0001u) == 0x03FFu);
    CHECK(bin(B::Mul, T::F16, 0x3C01u, 0x3C01u) == 0x3C02u);  // 1 + 2^-9 + 2^-20
    CHECK(bin(B::Sub, T::F16, kHInf, kHInf) == kHNaN);
    CHECK(bin(B::Add, T::F16, 0x7C01u, kH1) == kHNaN);
    CHECK(bin(B::Mul, T::F16, 0xFE00u, kH1) == kHNaN);
    CHECK(bin(B::Sub, T::F16, 0x8000u, 0x0000u) == 0x8000u);
}

// binary16 add/sub/mul compute in binary32 and round again (docs/vxm-numerics.md 3.3): the
// claim is that this equals the correctly rounded binary16 result. The reference adds or
// multiplies the exact values in double (exact: at most 40 significant bits) and rounds once.
TEST_CASE("vxm: f16 add sub mul are correctly rounded (double rounding is innocuous)", "[vxm]")
{
    auto check_pair = [](uint16_t a, uint16_t b, uint64_t& failures) {
        if (f16_is_nan(a) || f16_is_nan(b))
            return;
        const double x = f16_value(a), y = f16_value(b);
        const struct {
            B op;
            double exact;
        } cases[] = {{B::Add, x + y}, {B::Sub, x - y}, {B::Mul, x * y}};
        for (const auto& c : cases) {
            const auto got = static_cast<uint16_t>(bin(c.op, T::F16, a, b));
            const bool ok = std::isnan(c.exact) ? got == kHNaN : f16_equals(got, round_f16_ref(c.exact));
            if (!ok && ++failures <= 5)
                FAIL_CHECK(vxm_op_name(c.op) << " " << hex(a) << " " << hex(b) << " -> " << hex(got));
        }
    };
    uint64_t failures = 0;
    if (exhaustive()) {
        for (uint32_t a = 0; a < 0x10000; ++a)
            for (uint32_t b = 0; b < 0x10000; ++b)
                check_pair(static_cast<uint16_t>(a), static_cast<uint16_t>(b), failures);
        std::printf("f16 add/sub/mul: all 2^32 pairs checked, %" PRIu64 " not correctly rounded\n", failures);
    } else {
        // Every a against 48 partners: random ones, and a's neighbours shifted by a few binades
        // (sums whose exact value needs many bits, ties, near-cancellation).
        Rng rng(16);
        for (uint32_t a = 0; a < 0x10000; ++a)
            for (int j = 0; j < 48; ++j) {
                const uint32_t b =
                    j < 32
                        ? static_cast<uint32_t>(rng.below(0x10000))
                        : (a ^ 0x8000u) + static_cast<uint32_t>((j - 40) * 0x400 + static_cast<int>(rng.below(3)) - 1);
                check_pair(static_cast<uint16_t>(a), static_cast<uint16_t>(b & 0xFFFF), failures);
            }
    }
    CHECK(failures == 0);
}

// ---- conversions ----------------------------------------------------------------------------

TEST_CASE("vxm: integer to integer conversion saturates when narrowing", "[vxm]")
{
    CHECK(vxm_convert(T::I32, T::I8, I(128)) == I(127));
    CHECK(vxm_convert(T::I32, T::I8, I(-129)) == I(-128));
    CHECK(vxm_convert(T::I32, T::I8, I(300)) == I(127));
    CHECK(vxm_convert(T::I32, T::I8, I(-1)) == I(-1));
    CHECK(vxm_convert(T::I32, T::I16, I(40000)) == I(32767));
    CHECK(vxm_convert(T::I32, T::I16, I(INT32_MIN)) == I(-32768));
    CHECK(vxm_convert(T::I16, T::I8, I(-32768)) == I(-128));
    CHECK(vxm_convert(T::I16, T::I8, I(127)) == I(127));
    CHECK(vxm_convert(T::I8, T::I32, 0x00000080u) == I(-128));  // widening sign-extends the low byte
    CHECK(vxm_convert(T::I8, T::I16, 0x000000FFu) == I(-1));
    CHECK(vxm_convert(T::I16, T::I32, 0xFFFF8000u) == I(-32768));
    CHECK(vxm_convert(T::I8, T::I8, 0x12345680u) == I(-128));  // same type: canonicalised
}

TEST_CASE("vxm: integer to float conversion rounds to nearest even", "[vxm]")
{
    CHECK(vxm_convert(T::I32, T::F32, I(16777217)) == F(16777216.0f));  // tie -> even
    CHECK(vxm_convert(T::I32, T::F32, I(16777219)) == F(16777220.0f));  // tie -> even, up
    CHECK(vxm_convert(T::I32, T::F32, I(16777218)) == F(16777218.0f));
    CHECK(vxm_convert(T::I32, T::F32, I(INT32_MAX)) == 0x4F000000u);  // 2^31
    CHECK(vxm_convert(T::I32, T::F32, I(INT32_MIN)) == 0xCF000000u);
    CHECK(vxm_convert(T::I8, T::F32, I(-128)) == F(-128.0f));
    CHECK(vxm_convert(T::I32, T::F16, I(2049)) == 0x6800u);  // 2048: tie -> even
    CHECK(vxm_convert(T::I32, T::F16, I(2051)) == 0x6802u);  // 2052: tie -> even, up
    CHECK(vxm_convert(T::I32, T::F16, I(4097)) == 0x6C00u);  // 4096: below the tie
    CHECK(vxm_convert(T::I32, T::F16, I(4098)) == 0x6C00u);  // tie 4096 / 4100 -> 4096
    CHECK(vxm_convert(T::I32, T::F16, I(4102)) == 0x6C02u);  // tie 4100 / 4104 -> 4104
    CHECK(vxm_convert(T::I32, T::F16, I(65504)) == kHMax);
    CHECK(vxm_convert(T::I32, T::F16, I(65519)) == kHMax);
    CHECK(vxm_convert(T::I32, T::F16, I(65520)) == kHInf);
    CHECK(vxm_convert(T::I32, T::F16, I(-65520)) == 0xFC00u);
    CHECK(vxm_convert(T::I32, T::F16, I(INT32_MAX)) == kHInf);
    CHECK(vxm_convert(T::I16, T::F16, I(32767)) == 0x7800u);  // 32768
    CHECK(vxm_convert(T::I8, T::F16, I(-128)) == 0xD800u);
    CHECK(vxm_convert(T::I32, T::F16, 0u) == 0u);  // +0, never -0
    // Every i16 value and a sweep of i32 against rounding in double.
    Rng rng(3);
    for (int64_t v = -40000; v <= 40000; ++v) {
        const auto x =
            static_cast<int32_t>(v < -32768 || v > 32767 ? v * 977 + static_cast<int64_t>(rng.below(977)) : v);
        const T from = (v < -32768 || v > 32767) ? T::I32 : T::I16;
        CHECK(f16_equals(static_cast<uint16_t>(vxm_convert(from, T::F16, I(x))), round_f16_ref(x)));
        if (from == T::I32)
            CHECK(static_cast<double>(fl(vxm_convert(T::I32, T::F32, I(x)))) == round_f32_ref(x));
    }
}

TEST_CASE("vxm: float to integer conversion rounds half to even and saturates, NaN -> 0", "[vxm]")
{
    CHECK(vxm_convert(T::F32, T::I32, F(0.5f)) == 0u);
    CHECK(vxm_convert(T::F32, T::I32, F(1.5f)) == 2u);
    CHECK(vxm_convert(T::F32, T::I32, F(2.5f)) == 2u);
    CHECK(vxm_convert(T::F32, T::I32, F(-0.5f)) == 0u);
    CHECK(vxm_convert(T::F32, T::I32, F(-1.5f)) == I(-2));
    CHECK(vxm_convert(T::F32, T::I32, F(-2.5f)) == I(-2));
    CHECK(vxm_convert(T::F32, T::I32, F(0.49999997f)) == 0u);
    CHECK(vxm_convert(T::F32, T::I32, F(0.50000006f)) == 1u);
    CHECK(vxm_convert(T::F32, T::I32, F(8388607.5f)) == I(8388608));
    CHECK(vxm_convert(T::F32, T::I32, F(8388609.0f)) == I(8388609));
    CHECK(vxm_convert(T::F32, T::I32, 0x4EFFFFFFu) == I(2147483520));  // largest float below 2^31
    CHECK(vxm_convert(T::F32, T::I32, 0x4F000000u) == I(INT32_MAX));   // 2^31 saturates
    CHECK(vxm_convert(T::F32, T::I32, 0xCF000000u) == I(INT32_MIN));   // -2^31 is exact
    CHECK(vxm_convert(T::F32, T::I32, 0xCF000001u) == I(INT32_MIN));
    CHECK(vxm_convert(T::F32, T::I32, kInf) == I(INT32_MAX));
    CHECK(vxm_convert(T::F32, T::I32, kNegInf) == I(INT32_MIN));
    CHECK(vxm_convert(T::F32, T::I32, kNaN) == 0u);
    CHECK(vxm_convert(T::F32, T::I32, 0xFFC00001u) == 0u);
    CHECK(vxm_convert(T::F32, T::I32, 0x80000001u) == 0u);
    CHECK(vxm_convert(T::F32, T::I8, F(127.5f)) == I(127));
    CHECK(vxm_convert(T::F32, T::I8, F(126.5f)) == I(126));
    CHECK(vxm_convert(T::F32, T::I8, F(-128.5f)) == I(-128));  // tie -> -128, in range
    CHECK(vxm_convert(T::F32, T::I8, F(-129.5f)) == I(-128));  // -130 saturates
    CHECK(vxm_convert(T::F32, T::I8, F(200.0f)) == I(127));
    CHECK(vxm_convert(T::F32, T::I16, F(-40000.0f)) == I(-32768));
    CHECK(vxm_convert(T::F16, T::I8, 0x5BF8u) == I(127));   // 255
    CHECK(vxm_convert(T::F16, T::I16, kHMax) == I(32767));  // 65504
    CHECK(vxm_convert(T::F16, T::I32, kHMax) == I(65504));
    CHECK(vxm_convert(T::F16, T::I32, 0xFC00u) == I(INT32_MIN));
    CHECK(vxm_convert(T::F16, T::I32, 0xB800u) == 0u);  // -0.5
    CHECK(vxm_convert(T::F16, T::I32, 0x3E00u) == 2u);  // 1.5
    CHECK(vxm_convert(T::F16, T::I8, 0x7E00u) == 0u);
    // Every binary16 value and a sweep of binary32 patterns against rounding in double.
    for (uint32_t h = 0; h < 0x10000; ++h)
        for (T to : {T::I8, T::I16, T::I32}) {
            const double v = f16_value(static_cast<uint16_t>(h));
            CHECK(vxm_convert(T::F16, to, h) ==
                  I(static_cast<int32_t>(float_to_int_ref(v, vxm_int_min(to), vxm_int_max(to)))));
        }
    for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 4093) {
        const auto f = static_cast<uint32_t>(b);
        for (T to : {T::I8, T::I16, T::I32})
            CHECK(vxm_convert(T::F32, to, f) ==
                  I(static_cast<int32_t>(float_to_int_ref(fl(f), vxm_int_min(to), vxm_int_max(to)))));
    }
}

TEST_CASE("vxm: f32 <-> f16 conversion edge values", "[vxm]")
{
    auto h = [](uint32_t f) { return vxm_convert(T::F32, T::F16, f); };
    CHECK(h(0x477FEFFFu) == kHMax);  // 65519.996
    CHECK(h(0x477FF000u) == kHInf);  // 65520: tie -> inf (65504 is odd)
    CHECK(h(0xC77FF000u) == 0xFC00u);
    CHECK(h(0x33800000u) == 0x0001u);  // 2^-24
    CHECK(h(0x33000000u) == 0x0000u);  // 2^-25: tie -> 0
    CHECK(h(0xB3000000u) == 0x8000u);  // -2^-25: tie -> -0
    CHECK(h(0x33000001u) == 0x0001u);  // just above the tie
    CHECK(h(0x33C00000u) == 0x0002u);  // 1.5 * 2^-24: tie -> 2 units
    CHECK(h(0x38800000u) == 0x0400u);  // 2^-14
    CHECK(h(0x387FE000u) == 0x0400u);  // 2^-14 - 2^-25: tie between 0x03FF and 0x0400 -> even
    CHECK(h(0x387FDFFFu) == 0x03FFu);  // just below that tie
    CHECK(h(0x387FC000u) == 0x03FFu);  // largest subnormal, 2^-14 - 2^-24
    CHECK(h(0x3F801000u) == kH1);      // 1 + 2^-11: tie -> even
    CHECK(h(0x3F801001u) == 0x3C01u);
    CHECK(h(0x3F803000u) == 0x3C02u);  // 1 + 3 * 2^-11: tie -> even, up
    CHECK(h(kMinSub) == 0x0000u);      // binary32 subnormals are far below 2^-25
    CHECK(h(0x807FFFFFu) == 0x8000u);
    CHECK(h(kNegZero) == 0x8000u);
    CHECK(h(kInf) == kHInf);
    CHECK(h(0x7F800001u) == 0x7E00u);  // signalling NaN with a low payload: quiet, payload lost
    CHECK(h(0xFFC00000u) == 0xFE00u);  // sign kept
    CHECK(h(0x7FFFFFFFu) == 0x7FFFu);  // top payload bits kept
    CHECK(h(0x7FA00000u) == 0x7F00u);  // signalling NaN made quiet, payload bit kept
    auto s = [](uint32_t x) { return vxm_convert(T::F16, T::F32, x); };
    CHECK(s(0x0001u) == 0x33800000u);
    CHECK(s(0x03FFu) == 0x387FC000u);
    CHECK(s(0x8200u) == 0xB8000000u);  // -2^-15
    CHECK(s(kHMax) == 0x477FE000u);
    CHECK(s(0xFC00u) == kNegInf);
    CHECK(s(0x7C01u) == 0x7FC02000u);  // quiet, payload kept
    CHECK(s(0xFD00u) == 0xFFE00000u);
    CHECK(s(0x8000u) == kNegZero);
}

TEST_CASE("vxm: every f16 pattern decodes exactly and round-trips through f32", "[vxm]")
{
    for (uint32_t x = 0; x < 0x10000; ++x) {
        const auto hb = static_cast<uint16_t>(x);
        const uint32_t f = f16_to_f32(hb);
        INFO(hex(x));
        if (f16_is_nan(hb)) {
            CHECK(f32_is_nan(f));
            CHECK((f & 0x00400000u) != 0);           // quiet
            CHECK((f >> 31) == (x >> 15));           // sign
            CHECK(f32_to_f16(f) == (hb | 0x0200u));  // payload kept, now quiet
        } else {
            const double v = f16_value(hb);
            CHECK(static_cast<double>(fl(f)) == v);
            CHECK(std::signbit(fl(f)) == std::signbit(v));
            CHECK(f32_to_f16(f) == hb);
        }
    }
}

TEST_CASE("vxm: f32 -> f16 rounding agrees with a double reference", "[vxm]")
{
    uint64_t failures = 0, checked = 0;
    auto check = [&](uint32_t f) {
        ++checked;
        const uint16_t got = f32_to_f16(f);
        const bool ok = f32_is_nan(f) ? (f16_is_nan(got) && (got & 0x0200u) && (got >> 15) == (f >> 31))
                                      : f16_equals(got, round_f16_ref(fl(f)));
        if (!ok && ++failures <= 5)
            FAIL_CHECK(hex(f) << " -> " << hex(got));
    };
    if (exhaustive()) {
        for (uint64_t b = 0; b < (uint64_t{1} << 32); ++b)
            check(static_cast<uint32_t>(b));
    } else {
        // Every binary16 value v in both signs, and binary32 values around it: the 2^13 binary32
        // patterns between v and the next binary16 value are sampled at the tie and its
        // neighbours, the ends and randomly. Plus a stride through all patterns.
        Rng rng(11);
        for (uint32_t exp = 0x66; exp <= 0x90; ++exp)  // binary32 exponents 2^-25 .. 2^17
            for (uint32_t top = 0; top < 0x400; ++top)
                for (uint32_t sign : {0u, 0x80000000u}) {
                    const uint32_t base = sign | exp << 23 | top << 13;
                    for (uint32_t low : {0u, 1u, 0xFFFu, 0x1000u, 0x1001u, 0x1FFFu})
                        check(base | low);
                    check(base | static_cast<uint32_t>(rng.below(0x2000)));
                }
        for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 65521)
            check(static_cast<uint32_t>(b));
    }
    if (exhaustive())
        std::printf("f32 -> f16: %" PRIu64 " patterns checked, %" PRIu64 " failures\n", checked, failures);
    CHECK(failures == 0);
}

TEST_CASE("vxm: a value representable in every type converts exactly between every pair", "[vxm]")
{
    // A value representable everywhere converts exactly along any path.
    for (T from : kVxmAllTypes)
        for (T to : kVxmAllTypes) {
            INFO(vxm_type_name(from) << " -> " << vxm_type_name(to));
            const uint32_t x = from == T::F16 ? 0xD3C0u : from == T::F32 ? F(-62.0f) : I(-62);
            const uint32_t want = to == T::F16 ? 0xD3C0u : to == T::F32 ? F(-62.0f) : I(-62);
            CHECK(vxm_convert(from, to, x) == want);
        }
}

// ---- requantisation -------------------------------------------------------------------------

TEST_CASE("vxm: requantisation rounding modes on ties and saturation", "[vxm]")
{
    auto rq = [](int32_t x, int32_t m, unsigned shift, int32_t zp, VxmRounding r, bool u = false) {
        VxmRequant p;
        p.multiplier = m;
        p.shift = shift;
        p.zero_point = zp;
        p.rounding = r;
        p.out_unsigned = u;
        p.validate();
        return vxm_requantize(p, x);
    };
    using R = VxmRounding;
    struct Row {
        int32_t x;
        unsigned shift;
        int32_t even, away, up, floor;
    };
    const Row rows[] = {
        {5, 1, 2, 3, 3, 2},       // 2.5
        {-5, 1, -2, -3, -2, -3},  // -2.5
        {7, 1, 4, 4, 4, 3},       // 3.5
        {-7, 1, -4, -4, -3, -4},  // -3.5
        {5, 2, 1, 1, 1, 1},       // 1.25
        {-5, 2, -1, -1, -1, -2},  // -1.25
        {-3, 2, -1, -1, -1, -1},  // -0.75
        {-1, 1, 0, -1, 0, -1},    // -0.5
        {1, 1, 0, 1, 1, 0},       // 0.5
        {9, 0, 9, 9, 9, 9},       // shift 0: no rounding
    };
    for (const Row& r : rows) {
        INFO("x=" << r.x << " shift=" << r.shift);
        CHECK(rq(r.x, 1, r.shift, 0, R::HalfEven) == r.even);
        CHECK(rq(r.x, 1, r.shift, 0, R::HalfAway) == r.away);
        CHECK(rq(r.x, 1, r.shift, 0, R::HalfUp) == r.up);
        CHECK(rq(r.x, 1, r.shift, 0, R::Floor) == r.floor);
    }
    CHECK(rq(1000, 1, 0, 0, R::HalfEven) == 127);
    CHECK(rq(-1000, 1, 0, 0, R::HalfEven) == -128);
    CHECK(rq(1000, 1, 0, 0, R::HalfEven, true) == 255);
    CHECK(rq(-1000, 1, 0, 0, R::HalfEven, true) == 0);
    CHECK(rq(0, 1, 0, -3, R::HalfEven) == -3);
    CHECK(rq(0, 1, 0, -3, R::HalfEven, true) == 0);
    CHECK(rq(10, 1, 0, 200, R::HalfEven, true) == 210);
    CHECK(rq(5, 1, 1, 128, R::HalfEven, true) == 130);                // rounding happens before the zero point
    CHECK(rq(INT32_MAX, INT32_MAX, 0, INT32_MAX, R::HalfUp) == 127);  // no intermediate overflow
    CHECK(rq(INT32_MIN, INT32_MAX, 0, INT32_MIN, R::HalfUp, true) == 0);
    // The extremes of 64-bit arithmetic: x * M = 2^62 and shift 63 is exactly one half.
    CHECK(rq(INT32_MIN, INT32_MIN, 63, 0, R::HalfEven) == 0);
    CHECK(rq(INT32_MIN, INT32_MIN, 63, 0, R::HalfAway) == 1);
    CHECK(rq(INT32_MIN, INT32_MIN, 63, 0, R::HalfUp) == 1);
    CHECK(rq(INT32_MIN, INT32_MIN, 63, 0, R::Floor) == 0);
    CHECK(rq(INT32_MIN, INT32_MIN, 62, 0, R::Floor) == 1);
    CHECK(rq(INT32_MIN, INT32_MAX, 63, 0, R::HalfAway) == 0);  // -0.49999999977
    CHECK(rq(INT32_MIN, INT32_MAX, 63, 0, R::Floor) == -1);
    CHECK(rq(INT32_MIN, 1, 31, 0, R::HalfEven) == -1);
    // Q31 use: M = round(2^31 / sqrt(2)), total shift 31 + 4: 1000 * 0.70710678 / 16 = 44.19.
    CHECK(rq(1000, 1518500250, 35, 0, R::HalfEven) == 44);
    CHECK(rq(-1000, 1518500250, 35, -5, R::HalfEven) == -49);
    // Negative multipliers are allowed.
    CHECK(rq(100, -3, 2, 0, R::HalfEven) == -75);
    CHECK(rq(6, -1, 2, 0, R::HalfAway) == -2);  // -1.5
    VxmRequant bad;
    bad.shift = 64;
    CHECK_THROWS_WITH(bad.validate(), Catch::Contains("shift 64 is out of range 0..63"));
}

TEST_CASE("vxm: requantisation agrees with a long double reference", "[vxm]")
{
    REQUIRE(std::numeric_limits<long double>::digits >= 63);  // x87 extended: x*M is exact
    Rng rng(2024);
    const int32_t edges[] = {0, 1, -1, 2, -2, 127, -128, 255, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1};
    auto pick = [&]() -> int32_t {
        switch (rng.below(4)) {
        case 0: return edges[rng.below(std::size(edges))];
        case 1: return static_cast<int32_t>(static_cast<int64_t>(rng.below(2001)) - 1000);
        case 2: return static_cast<int32_t>(static_cast<int64_t>(rng.below(1 << 20)) - (1 << 19));
        default: return static_cast<int32_t>(static_cast<uint32_t>(rng.next()));
        }
    };
    for (int i = 0; i < 200000; ++i) {
        VxmRequant p;
        p.multiplier = pick();
        p.shift = static_cast<unsigned>(rng.below(64));
        p.zero_point = rng.chance(1, 2) ? static_cast<int32_t>(static_cast<int64_t>(rng.below(512)) - 256) : pick();
        p.rounding = static_cast<VxmRounding>(rng.below(kVxmRoundings));
        p.out_unsigned = rng.chance(1, 2);
        // Keep the result often inside the output range: pick x near (q - zp) * 2^shift / M.
        int32_t x = pick();
        if (rng.chance(1, 2) && p.multiplier != 0) {
            const long double target =
                std::ldexp(static_cast<long double>(static_cast<int64_t>(rng.below(300)) - 150 - p.zero_point),
                           static_cast<int>(p.shift)) /
                p.multiplier;
            if (std::fabs(target) < 2e9L)
                x = static_cast<int32_t>(std::llround(target));
        }
        const int32_t want = requant_ref(x, p.multiplier, p.shift, p.zero_point, p.rounding, p.out_unsigned);
        INFO("x=" << x << " " << VxmAluOp::make_requant(p).disasm());
        REQUIRE(vxm_requantize(p, x) == want);
    }
    // Every tie class: x * M / 2^shift = n + 1/2 exactly, for many n, both signs, all modes.
    for (unsigned shift = 1; shift < 40; ++shift)
        for (int64_t n = -300; n <= 300; ++n)
            for (VxmRounding r :
                 {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor}) {
                const int64_t p2 = (2 * n + 1) * (int64_t{1} << (shift - 1));  // x * M with M = 1 when it fits
                if (p2 < INT32_MIN || p2 > INT32_MAX)
                    continue;
                VxmRequant p;
                p.shift = shift;
                p.rounding = r;
                p.zero_point = static_cast<int32_t>(-n);  // keep it in range: result is 0 or +-1
                const auto x = static_cast<int32_t>(p2);
                REQUIRE(vxm_requantize(p, x) == requant_ref(x, 1, shift, p.zero_point, r, false));
            }
}

// ---- transcendental functions ---------------------------------------------------------------

TEST_CASE("vxm: host binary32 arithmetic keeps subnormals (no flush-to-zero mode)", "[vxm]")
{
    // The model computes with the host's SSE arithmetic. Linking code built with -ffast-math can
    // switch the whole process to flush-to-zero/denormals-are-zero, which would silently change
    // VXM results; this catches it.
    CHECK(bin(B::Add, T::F32, kMinSub, kMinSub) == 2u);
    CHECK(bin(B::Mul, T::F32, 0x00400000u, F(1.0f)) == 0x00400000u);
    CHECK(un(U::Exp, T::F32, F(-103.9f)) == kMinSub);
}

TEST_CASE("vxm: exp special and hand-checked values", "[vxm]")
{
    CHECK(vxm_exp_f32(0.0f) == 1.0f);
    CHECK(vxm_exp_f32(-0.0f) == 1.0f);
    CHECK(F(vxm_exp_f32(1.0f)) == 0x402DF854u);  // e rounded to binary32: 2.71828174
    CHECK(F(vxm_exp_f32(fl(kInf))) == kInf);
    CHECK(F(vxm_exp_f32(fl(kNegInf))) == 0u);
    CHECK(F(vxm_exp_f32(fl(0xFFC12345u))) == kNaN);
    CHECK(F(vxm_exp_f32(fl(0x7F800001u))) == kNaN);
    CHECK(F(vxm_exp_f32(1000.0f)) == kInf);
    CHECK(F(vxm_exp_f32(-1000.0f)) == 0u);
    CHECK(F(vxm_exp_f32(fl(0x42B17217u))) == 0x7F7FFF84u);  // 88.7228317: largest finite result
    CHECK(F(vxm_exp_f32(fl(0x42B17218u))) == kInf);         // 88.7228394: e^x > FLT_MAX + ulp/2
    CHECK(F(vxm_exp_f32(-103.9f)) == kMinSub);              // 2^-149.9: rounds up to 2^-149
    CHECK(F(vxm_exp_f32(-104.0f)) == 0u);                   // below 2^-150
    CHECK(vxm_exp_f32(fl(kMinSub)) == 1.0f);
    CHECK(vxm_exp_f32(0x1p-25f) == 1.0f);  // 1 + 2^-25 rounds to 1
    CHECK(vxm_exp_f32(-0x1p-25f) == 1.0f - 0x1p-25f);
    CHECK(vxm_exp_f32(0x1p-23f) == 1.0f + 0x1p-23f);
    CHECK(vxm_exp_f32(fl(kF32CanonicalNaN)) != vxm_exp_f32(fl(kF32CanonicalNaN)));
}

TEST_CASE("vxm: tanh special and hand-checked values", "[vxm]")
{
    CHECK(F(vxm_tanh_f32(0.0f)) == 0u);
    CHECK(F(vxm_tanh_f32(-0.0f)) == kNegZero);
    CHECK(vxm_tanh_f32(fl(kInf)) == 1.0f);
    CHECK(vxm_tanh_f32(fl(kNegInf)) == -1.0f);
    CHECK(F(vxm_tanh_f32(fl(0xFF800001u))) == kNaN);
    CHECK(F(vxm_tanh_f32(fl(kMinSub))) == kMinSub);
    CHECK(F(vxm_tanh_f32(fl(0x80000001u))) == 0x80000001u);
    CHECK(vxm_tanh_f32(1e-5f) == 1e-5f);  // tanh x = x - x^3/3: the correction is 3e-11 relative
    CHECK(vxm_tanh_f32(-1e-5f) == -1e-5f);
    CHECK(vxm_tanh_f32(10.0f) == 1.0f);
    CHECK(vxm_tanh_f32(fl(kFltMax)) == 1.0f);
    CHECK(F(vxm_tanh_f32(9.0f)) == 0x3F7FFFFFu);  // 1 - 3.05e-8 rounds to 1 - 2^-24
    CHECK(vxm_tanh_f32(-9.0f) == -vxm_tanh_f32(9.0f));
    // Both branches at the switch point 0.7 stay within the accuracy bound.
    for (uint32_t b = vxm_math::kTanhSmall - 4; b <= vxm_math::kTanhSmall + 4; ++b)
        CHECK(ulp_error_f32(vxm_tanh_f32(fl(b)), std::tanh(static_cast<double>(fl(b)))) < 1.0655);
}

TEST_CASE("vxm: rsqrt special and hand-checked values", "[vxm]")
{
    CHECK(F(vxm_rsqrt_f32(0.0f)) == kInf);
    CHECK(F(vxm_rsqrt_f32(-0.0f)) == kNegInf);
    CHECK(F(vxm_rsqrt_f32(fl(kInf))) == 0u);
    CHECK(F(vxm_rsqrt_f32(-1.0f)) == kNaN);
    CHECK(F(vxm_rsqrt_f32(fl(kNegInf))) == kNaN);
    CHECK(F(vxm_rsqrt_f32(fl(0x80000001u))) == kNaN);
    CHECK(F(vxm_rsqrt_f32(fl(0x7FC00001u))) == kNaN);
    // rsqrt(4^k) = 2^-k exactly, from the smallest subnormal power of four to the largest.
    for (int k = -74; k <= 63; ++k)
        CHECK(vxm_rsqrt_f32(std::ldexp(1.0f, 2 * k)) == std::ldexp(1.0f, -k));
    CHECK(vxm_rsqrt_f32(0.25f) == 2.0f);
    CHECK(ulp_error_f32(vxm_rsqrt_f32(fl(kMinSub)), 1.0 / std::sqrt(0x1p-149)) < 1.0208);  // 2^74.5
    CHECK(ulp_error_f32(vxm_rsqrt_f32(fl(kFltMax)), 1.0 / std::sqrt(static_cast<double>(FLT_MAX))) < 1.0208);
}

namespace {

struct Accuracy {
    double max_ulp = 0;
    uint32_t worst = 0;
    uint64_t count = 0, not_cr = 0, non_monotone = 0;
    uint64_t bad_nan = 0;                 // exact result NaN, model result not the canonical NaN
    std::vector<uint32_t> not_cr_inputs;  // the first few
};

// Every stride-th binary32 pattern (all of them for stride 1), NaNs excluded; f against the
// exact function `ref` in double. `direction` +1/-1: the function must be non-decreasing /
// non-increasing on successive inputs in increasing order of value (0: no check).
template <class Fn, class Ref> Accuracy sweep_f32(Fn f, Ref ref, uint64_t stride, int direction)
{
    Accuracy acc;
    // Negative values from -inf towards -0, then positive from +0 to +inf: increasing order.
    auto run = [&](uint64_t from, uint64_t to, bool negative) {
        float prev = 0;
        bool have_prev = false;
        for (uint64_t i = from; i <= to; i += stride) {
            const uint32_t b = negative ? static_cast<uint32_t>(0xFF800000u - i) : static_cast<uint32_t>(i);
            const float x = fl(b);
            const float y = f(x);
            const double exact = ref(static_cast<double>(x));
            if (std::isnan(exact)) {
                acc.bad_nan += F(y) != kNaN;
                continue;
            }
            const double e = ulp_error_f32(y, exact);
            ++acc.count;
            if (e > acc.max_ulp) {
                acc.max_ulp = e;
                acc.worst = b;
            }
            if (static_cast<double>(y) != round_f32_ref(exact))
                ++acc.not_cr;
            if (have_prev && direction != 0 && (direction > 0 ? y < prev : y > prev))
                ++acc.non_monotone;
            prev = y;
            have_prev = true;
        }
    };
    run(0, 0x7F800000u, true);   // -inf .. -0
    run(0, 0x7F800000u, false);  // +0 .. +inf
    return acc;
}

// Every binary16 input: the f16 result against the correctly rounded binary16 of the exact value.
template <class Ref> Accuracy sweep_f16(U op, Ref ref)
{
    Accuracy acc;
    for (uint32_t h = 0; h < 0x10000; ++h) {
        if (f16_is_nan(static_cast<uint16_t>(h)))
            continue;
        const auto y = static_cast<uint16_t>(un(op, T::F16, h));
        const double exact = ref(f16_value(static_cast<uint16_t>(h)));
        if (std::isnan(exact)) {
            acc.bad_nan += y != kHNaN;
            continue;
        }
        ++acc.count;
        const double e = ulp_error_f16(y, exact);
        if (e > acc.max_ulp) {
            acc.max_ulp = e;
            acc.worst = h;
        }
        if (!f16_equals(y, round_f16_ref(exact)) && ++acc.not_cr <= 8)
            acc.not_cr_inputs.push_back(h);
    }
    return acc;
}

void report(const char* what, const Accuracy& a)
{
    if (exhaustive())
        std::printf("%-12s %12" PRIu64 " inputs: max %.4f ulp at %s, %" PRIu64 " not correctly rounded, %" PRIu64
                    " monotonicity breaks\n",
                    what, a.count, a.max_ulp, hex(a.worst).c_str(), a.not_cr, a.non_monotone);
    if (exhaustive())
        for (uint32_t x : a.not_cr_inputs)
            std::printf("    not correctly rounded: input %s\n", hex(x).c_str());
}

double rsqrt_ref(double x) { return 1.0 / std::sqrt(x); }  // IEEE sqrt: correctly rounded, no libm variance

}  // namespace

// Accuracy against libm's double functions (their error, < 1 ulp of double, is 2^-29 of a
// binary32 ulp). The bounds are the exhaustive maxima quoted in docs/vxm-numerics.md.
TEST_CASE("vxm: exp tanh rsqrt accuracy in f32 over a dense sweep", "[vxm]")
{
    const uint64_t stride = exhaustive() ? 1 : 1021;
    const Accuracy e = sweep_f32(
        vxm_exp_f32, [](double x) { return std::exp(x); }, stride, +1);
    report("exp f32", e);
    CHECK(e.max_ulp < 1.0227);
    CHECK(e.non_monotone == 0);
    const Accuracy t = sweep_f32(
        vxm_tanh_f32, [](double x) { return std::tanh(x); }, stride, +1);
    report("tanh f32", t);
    CHECK(t.max_ulp < 1.0655);
    CHECK(t.non_monotone == 0);
    const Accuracy r = sweep_f32(vxm_rsqrt_f32, rsqrt_ref, stride, -1);
    report("rsqrt f32", r);
    CHECK(r.max_ulp < 1.0208);
    // rsqrt is not monotonic: over all inputs, 8664392 neighbouring pairs step the wrong way by
    // one ulp (docs/vxm-numerics.md section 7). Counted for the report, not required.
    CHECK(r.bad_nan == 0);     // negative inputs
    CHECK(e.count > 4000000);  // the sweep really ran
}

TEST_CASE("vxm: rsqrt over every significand in 1..4 (hence every positive input)", "[vxm]")
{
    // rsqrt(m * 4^j) = rsqrt(m) * 2^-j with an exact scaling step, so these 2^24 inputs decide
    // the error for all positive binary32 inputs.
    double max_ulp = 0;
    for (uint32_t b = 0x3F800000u; b < 0x40800000u; ++b) {
        const float x = fl(b);
        const float y = vxm_rsqrt_f32(x);
        max_ulp = std::max(max_ulp, ulp_error_f32(y, rsqrt_ref(x)));
        if (b % 4099 == 0)  // the scaling claim itself, on a sample
            for (int j : {-63, -20, 1, 62})
                CHECK(F(vxm_rsqrt_f32(std::ldexp(x, 2 * j))) == F(std::ldexp(y, -j)));
    }
    CHECK(max_ulp < 1.0208);
}

TEST_CASE("vxm: exp tanh rsqrt in f16 over every input", "[vxm]")
{
    // Computed in binary32 and rounded to binary16. The binary32 error (about one binary32 ulp,
    // 2^-13 of a binary16 ulp) matters only where the exact value lies that close to a binary16
    // rounding boundary: for exp that happens twice, the exact values 1.0073242076 and
    // 1.0229491913 being 1.1e-8 and 2.7e-8 below a midpoint. Everything else is correctly rounded.
    const Accuracy e = sweep_f16(U::Exp, [](double x) { return std::exp(x); });
    const Accuracy t = sweep_f16(U::Tanh, [](double x) { return std::tanh(x); });
    const Accuracy r = sweep_f16(U::Rsqrt, rsqrt_ref);
    report("exp f16", e);
    report("tanh f16", t);
    report("rsqrt f16", r);
    CHECK(e.count == 65536 - 2046);  // every non-NaN input
    CHECK(t.count == 65536 - 2046);
    CHECK(r.count == 31746);  // negative inputs other than -0 give NaN, checked in the sweep
    for (const Accuracy* a : {&e, &t, &r}) {
        CHECK(a->max_ulp < 0.50003);
        CHECK(a->bad_nan == 0);
    }
    CHECK(e.not_cr_inputs == std::vector<uint32_t>{0x1F79u, 0x25CFu});
    CHECK(t.not_cr == 0);
    CHECK(r.not_cr == 0);
}

// ---- the instruction form -------------------------------------------------------------------

TEST_CASE("vxm: ALU operations print and parse back", "[vxm]")
{
    std::vector<VxmAluOp> ops;
    for (T t : kVxmAllTypes) {
        for (unsigned i = 0; i < kVxmBinaryOps; ++i)
            if (vxm_supports(static_cast<B>(i), t))
                ops.push_back(VxmAluOp::make_binary(static_cast<B>(i), t));
        for (unsigned i = 0; i < kVxmUnaryOps; ++i)
            if (vxm_supports(static_cast<U>(i), t))
                ops.push_back(VxmAluOp::make_unary(static_cast<U>(i), t));
        for (T to : kVxmAllTypes)
            ops.push_back(VxmAluOp::make_convert(t, to));
    }
    VxmRequant rq;
    rq.multiplier = INT32_MIN;
    rq.shift = 63;
    rq.zero_point = -7;
    rq.rounding = VxmRounding::HalfAway;
    rq.out_unsigned = true;
    ops.push_back(VxmAluOp::make_requant(rq));
    CHECK(ops.size() == 5 * 5 + 3 * (10 + 3) + 2 * (5 + 6) + 1);
    for (const VxmAluOp& op : ops) {
        const std::string text = op.disasm();
        const VxmAluOp back = parse_vxm_alu_op("  " + text + " ");
        CHECK(back.disasm() == text);
        CHECK(back.result_type() == op.result_type());
        CHECK(back.operands() == op.operands());
    }
    CHECK(VxmAluOp::make_requant(rq).disasm() == "requant u8 -2147483648 63 -7 half_away");
    CHECK(VxmAluOp::make_convert(T::F32, T::I8).disasm() == "convert f32 i8");
    CHECK(parse_vxm_alu_op("add_sat i16").binary == B::AddSat);
    CHECK(parse_vxm_alu_op("convert f16 i32").result_type() == T::I32);
    CHECK(parse_vxm_alu_op("requant i8 1 0 0 floor").result_type() == T::I8);
}

TEST_CASE("vxm: malformed ALU operations are rejected with a reason", "[vxm]")
{
    CHECK_THROWS_WITH(parse_vxm_alu_op("add_sat f32"), Catch::Contains("'add_sat' is not defined for f32"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("tanh i8"), Catch::Contains("'tanh' is not defined for i8"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("frob i8"), Catch::Contains("unknown VXM operation 'frob'"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("add i64"), Catch::Contains("unknown VXM type 'i64'"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("add"), Catch::Contains("expected 'OP TYPE'"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("convert i8"), Catch::Contains("expected 'convert FROM TO'"));
    CHECK_THROWS_WITH(parse_vxm_alu_op(""), Catch::Contains("empty VXM operation"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("requant i16 1 0 0 floor"), Catch::Contains("'i16' is not i8 or u8"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("requant i8 1 64 0 floor"),
                      Catch::Contains("shift '64' is not an integer in 0..63"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("requant i8 3000000000 1 0 floor"), Catch::Contains("multiplier"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("requant i8 1x 1 0 floor"), Catch::Contains("multiplier '1x'"));
    CHECK_THROWS_WITH(parse_vxm_alu_op("requant i8 1 1 0 nearest"), Catch::Contains("unknown rounding 'nearest'"));
    VxmAluOp bad = VxmAluOp::make_requant(VxmRequant{});
    bad.requant.shift = 70;
    uint32_t lane = 0;
    CHECK_THROWS_AS(vxm_apply(bad, &lane, nullptr, &lane, 1), InputError);
}

TEST_CASE("vxm: apply runs an operation over vectors, results chain as operands", "[vxm]")
{
    std::vector<uint32_t> x = {I(100), I(-100), I(5), I(127)};
    std::vector<uint32_t> y = {I(100), I(-100), I(-7), I(1)};
    std::vector<uint32_t> z(4);
    vxm_apply(VxmAluOp::make_binary(B::AddSat, T::I8), x.data(), y.data(), z.data(), 4);
    CHECK(z == std::vector<uint32_t>{I(127), I(-128), I(-2), I(127)});
    // In place (z aliases x), then a chain: i8 -> f32 -> exp -> f16 -> relu.
    vxm_apply(VxmAluOp::make_binary(B::Add, T::I8), x.data(), y.data(), x.data(), 4);
    CHECK(x == std::vector<uint32_t>{I(-56), I(56), I(-2), I(-128)});
    std::vector<uint32_t> v = {I(0), I(1), I(-1), I(20)};
    for (const char* step : {"convert i8 f32", "exp f32", "convert f32 f16", "neg f16", "relu f16"})
        vxm_apply(parse_vxm_alu_op(step), v.data(), nullptr, v.data(), v.size());
    CHECK(v == std::vector<uint32_t>{0u, 0u, 0u, 0u});  // relu of negated positives
    std::vector<uint32_t> w = {I(1000), I(-1000), I(3), I(-3)};
    vxm_apply(parse_vxm_alu_op("requant u8 1 1 128 half_even"), w.data(), nullptr, w.data(), 4);
    CHECK(w == std::vector<uint32_t>{255u, 0u, 130u, 126u});  // u8 lanes are zero-extended
}

// ---- numpy ----------------------------------------------------------------------------------

namespace {

struct PyCase {
    VxmAluOp op;
    std::vector<uint32_t> x, y;
};

// Operand values for a type: edge values, random bit patterns (upper lane bits included, which
// must be ignored), and values of moderate magnitude so float arithmetic is not all inf/NaN.
class Operands {
public:
    explicit Operands(uint64_t seed) : rng_(seed) {}

    uint32_t value(T t)
    {
        const uint64_t kind = rng_.below(8);
        if (vxm_is_int(t)) {
            static const int32_t edges[] = {0,   1,    -1,  2,     -2,     127,       -128,
                                            128, -129, 255, 32767, -32768, INT32_MAX, INT32_MIN};
            if (kind == 0)
                return I(edges[rng_.below(std::size(edges))]);
            if (kind < 4)
                return static_cast<uint32_t>(rng_.next());
            return vxm_int_to_lane(t, static_cast<int64_t>(rng_.below(512)) - 256);
        }
        const uint32_t f = float_value(kind);
        return t == T::F32 ? f : (kind == 1 ? static_cast<uint32_t>(rng_.next()) : f32_to_f16(f));
    }

    uint32_t float_value(uint64_t kind)
    {
        static const uint32_t specials[] = {0u,          kNegZero,    kInf,       kNegInf,     kNaN,       0xFFC00000u,
                                            0x7F800001u, 0x7FA12345u, kMinSub,    0x807FFFFFu, kMinNormal, kFltMax,
                                            F(1.0f),     F(-1.0f),    F(0.5f),    F(1.5f),     F(2.5f),    F(-2.5f),
                                            F(65504.0f), F(65520.0f), F(0x1p-24f)};
        if (kind == 0)
            return specials[rng_.below(std::size(specials))];
        if (kind == 1)
            return static_cast<uint32_t>(rng_.next());
        // sign * 1.m * 2^e with e in [-30, 30]; sometimes a tie (k + 1/2) for conversions.
        const uint32_t sign = rng_.chance(1, 2) ? 0x80000000u : 0u;
        if (kind == 2)
            return sign | F(static_cast<float>(rng_.below(1u << 20)) + 0.5f);
        return sign | static_cast<uint32_t>(97 + rng_.below(61)) << 23 | static_cast<uint32_t>(rng_.below(1u << 23));
    }

    // Range-focused binary32 inputs for the transcendental functions.
    uint32_t transcendental(U op)
    {
        if (rng_.chance(1, 4))
            return float_value(rng_.below(2));
        const double u = static_cast<double>(rng_.below(uint64_t{1} << 40)) / static_cast<double>(uint64_t{1} << 40);
        switch (op) {
        case U::Exp: return F(static_cast<float>(-110.0 + 205.0 * u));
        case U::Tanh: return F(static_cast<float>(-12.0 + 24.0 * u));
        default: return static_cast<uint32_t>(rng_.below(0x7F800000u));  // every positive pattern
        }
    }

    Rng& rng() { return rng_; }

private:
    Rng rng_;
};

std::vector<PyCase> numpy_cases()
{
    std::vector<PyCase> cases;
    Operands gen(99);
    const size_t n = 4096;
    auto fill = [&](PyCase& c, T t, bool two) {
        for (size_t i = 0; i < n; ++i) {
            c.x.push_back(gen.value(t));
            if (!two)
                continue;
            // A quarter of the second operands sit close to the first (cancellation, equal values).
            uint32_t b = gen.value(t);
            if (gen.rng().chance(1, 4))
                b = vxm_canonical(t, c.x.back() + static_cast<uint32_t>(gen.rng().below(5)) - 2u);
            c.y.push_back(b);
        }
    };
    for (T t : kVxmAllTypes) {
        for (unsigned i = 0; i < kVxmBinaryOps; ++i)
            if (vxm_supports(static_cast<B>(i), t)) {
                PyCase c{VxmAluOp::make_binary(static_cast<B>(i), t), {}, {}};
                fill(c, t, true);
                cases.push_back(std::move(c));
            }
        for (unsigned i = 0; i < kVxmUnaryOps; ++i) {
            const U op = static_cast<U>(i);
            if (!vxm_supports(op, t))
                continue;
            PyCase c{VxmAluOp::make_unary(op, t), {}, {}};
            if (t == T::F16)
                for (uint32_t h = 0; h < 0x10000; ++h)  // every binary16 input
                    c.x.push_back(h);
            else if (t == T::F32 && (op == U::Exp || op == U::Tanh || op == U::Rsqrt))
                for (size_t j = 0; j < 4 * n; ++j)
                    c.x.push_back(gen.transcendental(op));
            else
                fill(c, t, false);
            cases.push_back(std::move(c));
        }
        for (T to : kVxmAllTypes) {
            PyCase c{VxmAluOp::make_convert(t, to), {}, {}};
            if (t == T::F16)
                for (uint32_t h = 0; h < 0x10000; ++h)
                    c.x.push_back(h);
            else
                fill(c, t, false);
            cases.push_back(std::move(c));
        }
    }
    // Requantisation: Q31-style multipliers and random ones, every rounding, both output types.
    for (int k = 0; k < 24; ++k) {
        VxmRequant rq;
        Rng& r = gen.rng();
        rq.multiplier = k % 3 == 0 ? static_cast<int32_t>((1u << 30) + r.below(1u << 30))
                                   : static_cast<int32_t>(static_cast<uint32_t>(r.next()));
        rq.shift = k % 3 == 0 ? static_cast<unsigned>(31 + r.below(12)) : static_cast<unsigned>(r.below(64));
        rq.zero_point = static_cast<int32_t>(static_cast<int64_t>(r.below(256)) - 128);
        rq.rounding = static_cast<VxmRounding>(k % 4);
        rq.out_unsigned = (k / 4) % 2 == 1;
        PyCase c{VxmAluOp::make_requant(rq), {}, {}};
        fill(c, T::I32, false);
        for (size_t i = 0; i < n / 4; ++i)  // ties: x = 2^(shift-1) with M = 1 is covered below
            c.x[i] = I(static_cast<int32_t>(static_cast<int64_t>(r.below(1u << 16)) - (1 << 15)));
        cases.push_back(std::move(c));
    }
    VxmRequant ties;
    ties.shift = 3;
    for (VxmRounding r : {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor}) {
        ties.rounding = r;
        PyCase c{VxmAluOp::make_requant(ties), {}, {}};
        for (int32_t x = -1200; x <= 1200; ++x)
            c.x.push_back(I(x));
        cases.push_back(std::move(c));
    }
    return cases;
}

template <class V> void write_words(std::ofstream& out, const V& v)
{
    out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(uint32_t)));
}

}  // namespace

// tests/python/vxm_reference.py recomputes every case from docs/vxm-numerics.md with numpy
// (np.float32 arithmetic step by step, np.float16 conversions, Python integers for
// requantisation) and must agree with the model bit for bit.
TEST_CASE("vxm: every operation agrees bit for bit with the numpy reference", "[vxm]")
{
    namespace fs = std::filesystem;
    const char* env = std::getenv("LPUSIM_PYTHON");
    const std::string python = env && *env ? env : "/usr/bin/python3";
    if (!fs::exists(python)) {
        WARN("skipped: " << python << " not found");
        return;
    }
    const fs::path script = fs::path(__FILE__).parent_path().parent_path() / "python" / "vxm_reference.py";
    REQUIRE(fs::exists(script));

    const std::vector<PyCase> cases = numpy_cases();
    const fs::path dir = fs::temp_directory_path() / ("lpusim-vxm-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path list = dir / "cases.txt", in = dir / "inputs.bin", out = dir / "outputs.bin";
    size_t lanes = 0;
    {
        std::ofstream l(list), i(in, std::ios::binary);
        for (const PyCase& c : cases) {
            l << c.x.size() << ' ' << c.op.disasm() << '\n';
            write_words(i, c.x);
            if (c.op.operands() == 2)
                write_words(i, c.y);
            lanes += c.x.size();
        }
        REQUIRE(l.good());
        REQUIRE(i.good());
    }
    const std::string cmd = "'" + python + "' '" + script.string() + "' '" + list.string() + "' '" + in.string() +
                            "' '" + out.string() + "'";
    const int status = std::system(cmd.c_str());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77) {
        fs::remove_all(dir);
        WARN("skipped: numpy is not installed for " << python);
        return;
    }
    REQUIRE(code == 0);

    std::ifstream r(out, std::ios::binary);
    std::vector<uint32_t> want(lanes);
    r.read(reinterpret_cast<char*>(want.data()), static_cast<std::streamsize>(lanes * sizeof(uint32_t)));
    REQUIRE(r.gcount() == static_cast<std::streamsize>(lanes * sizeof(uint32_t)));
    REQUIRE(r.peek() == std::char_traits<char>::eof());
    fs::remove_all(dir);

    size_t at = 0, mismatches = 0;
    for (const PyCase& c : cases) {
        std::vector<uint32_t> got(c.x.size());
        vxm_apply(c.op, c.x.data(), c.y.empty() ? nullptr : c.y.data(), got.data(), got.size());
        for (size_t i = 0; i < got.size(); ++i, ++at)
            if (got[i] != want[at] && ++mismatches <= 10)
                FAIL_CHECK(c.op.disasm() << " lane " << i << ": x=" << hex(c.x[i])
                                         << (c.y.empty() ? std::string() : " y=" + hex(c.y[i])) << " model "
                                         << hex(got[i]) << " numpy " << hex(want[at]));
    }
    CHECK(at == lanes);
    CHECK(mismatches == 0);
    CHECK(cases.size() > 100);
}
