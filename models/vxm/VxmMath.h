// The VXM's transcendental functions on binary32 (docs/vxm-numerics.md section 6). Each is a
// fixed sequence of IEEE binary32 additions, subtractions, multiplications and divisions (each
// rounded to nearest even, no FMA) and integer operations on bit patterns: no libm, whose
// results differ between library versions. tests/python/vxm_reference.py repeats every step
// with numpy float32 and must agree bit for bit.
#pragma once

#include <cstdint>

namespace lpu {

// e^x. Max error 1.0226 ulp over all binary32 inputs, monotonic; overflow gives +inf, underflow
// subnormals or +0.
float vxm_exp_f32(float x);
// tanh(x). Max error 1.0654 ulp over all inputs, monotonic, odd, |result| <= 1.
float vxm_tanh_f32(float x);
// 1/sqrt(x). Max error 1.0207 ulp over all inputs; rsqrt(+-0) = +-inf, rsqrt(+inf) = +0, x < 0 gives
// NaN.
float vxm_rsqrt_f32(float x);

// The constants of the algorithms, as binary32 bit patterns (the document lists them too).
namespace vxm_math {
constexpr uint32_t kExpMin = 0xC2D00000u;      // -104: e^-104 < 2^-150, so the result is +0
constexpr uint32_t kExpMax = 0x42B20000u;      // 89: e^89 > FLT_MAX, so the result is +inf
constexpr uint32_t kLog2e = 0x3FB8AA3Bu;       // log2(e) = 1.44269502
constexpr uint32_t kRoundMagic = 0x4B400000u;  // 1.5 * 2^23: (t + M) - M rounds t to an integer
constexpr uint32_t kLn2Hi = 0x3F317200u;       // 0.693145752: ln 2, 15 significant bits
constexpr uint32_t kLn2Lo = 0x35BFBE8Eu;       // 1.42860677e-6: ln 2 - kLn2Hi
// 1/n! for n = 2..7, each rounded to binary32.
constexpr uint32_t kExpPoly[6] = {0x3F000000u, 0x3E2AAAABu, 0x3D2AAAABu, 0x3C088889u, 0x3AB60B61u, 0x39500D01u};
constexpr uint32_t kTanhSmall = 0x3F333333u;  // 0.7f: below it tanh uses the odd polynomial
// tanh(a) ~ a + a*t*P(t), t = a^2, P(t) = sum kTanhPoly[i] t^i: a minimax fit of relative
// error on [0, 0.7] (6.8e-10 before rounding the coefficients to binary32).
constexpr uint32_t kTanhPoly[6] = {0xBEAAAAA8u, 0x3E08879Eu, 0xBD5CDC38u, 0x3CB0B5CBu, 0xBC0128FFu, 0x3AF877FFu};
constexpr uint32_t kRsqrtMagic = 0x5F3759DFu;  // initial estimate: bits = magic - (bits(m) >> 1)
}  // namespace vxm_math

}  // namespace lpu
