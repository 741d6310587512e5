#include "VxmMath.h"

#include "models/common/Fp16.h"

// This file is compiled with -ffp-contract=off, and on x86-64 binary32 arithmetic is SSE
// arithmetic (FLT_EVAL_METHOD 0: no excess precision), so every float expression below is a
// chain of separately rounded binary32 operations in the order written.

namespace lpu {

namespace {

float k(uint32_t bits) { return f32_from_bits(bits); }

// 2^e for -126 <= e <= 127, built from its bit pattern.
float pow2(int e) { return f32_from_bits(static_cast<uint32_t>(e + 127) << 23); }

float with_sign_of(float magnitude, float sign_source)
{
    return f32_from_bits((f32_bits(magnitude) & 0x7FFFFFFFu) | (f32_bits(sign_source) & 0x80000000u));
}

}  // namespace

float vxm_exp_f32(float x)
{
    using namespace vxm_math;
    if (f32_is_nan(f32_bits(x)))
        return f32_from_bits(kF32CanonicalNaN);
    // Clamping keeps the scale exponent n in [-150, 129]; beyond it the answer is already +0 or
    // +inf and still comes out of the final multiplication by itself.
    if (x < k(kExpMin))
        x = k(kExpMin);
    if (x > k(kExpMax))
        x = k(kExpMax);
    // x = n*ln2 + r. Adding and subtracting 1.5*2^23 rounds t to the nearest integer (ties to
    // even) for |t| < 2^22, using only binary32 additions.
    const float t = x * k(kLog2e);
    const float nf = (t + k(kRoundMagic)) - k(kRoundMagic);
    // Cody-Waite: nf*kLn2Hi is exact (8 + 15 significant bits) and so is x - nf*kLn2Hi (Sterbenz);
    // the rounding error of the reduction sits in the small kLn2Lo term.
    const float r = (x - nf * k(kLn2Hi)) - nf * k(kLn2Lo);  // |r| <= 0.3466
    // e^r = 1 + (r + r^2 * q(r)): Taylor to degree 7 (truncation error < 0.12 ulp). Adding the
    // small correction r^2*q to r before adding 1 keeps the rounding error near half an ulp.
    float q = k(kExpPoly[5]);
    for (int i = 4; i >= 0; --i)
        q = q * r + k(kExpPoly[i]);
    const float p = 1.0f + (r + (r * r) * q);  // in [0.7, 1.42]
    // Scale by 2^n in two exact-range steps: p*2^n1 is exact (normal), the second product is the
    // one rounding, which also produces overflow to +inf and gradual underflow correctly.
    const int n = static_cast<int>(nf);  // exact: nf is an integer in [-150, 129]
    const int n1 = n / 2;
    const int n2 = n - n1;
    return (p * pow2(n1)) * pow2(n2);
}

float vxm_tanh_f32(float x)
{
    using namespace vxm_math;
    if (f32_is_nan(f32_bits(x)))
        return f32_from_bits(kF32CanonicalNaN);
    const float a = f32_from_bits(f32_bits(x) & 0x7FFFFFFFu);  // tanh is odd: work on |x|
    float y;
    if (a < k(kTanhSmall)) {
        // Small |x|: the exp formula below would cancel. a + a*(t*P(t)) is a with a correction
        // of at most 14%; for tiny a the correction underflows or rounds away, giving tanh(a) = a.
        const float t = a * a;
        float p = k(kTanhPoly[5]);
        for (int i = 4; i >= 0; --i)
            p = p * t + k(kTanhPoly[i]);
        y = a + a * (t * p);
    } else {
        // tanh(a) = 1 - 2/(e^(2a) + 1). For large a, e^(2a) is +inf and the result exactly 1.
        const float e = vxm_exp_f32(a + a);
        y = 1.0f - 2.0f / (e + 1.0f);
    }
    return with_sign_of(y, x);
}

float vxm_rsqrt_f32(float x)
{
    using namespace vxm_math;
    uint32_t b = f32_bits(x);
    if (f32_is_nan(b))
        return f32_from_bits(kF32CanonicalNaN);
    if ((b & 0x7FFFFFFFu) == 0)  // 1/sqrt(+-0) = 1/(+-0) = +-inf
        return f32_from_bits((b & 0x80000000u) | 0x7F800000u);
    if (b & 0x80000000u)
        return f32_from_bits(kF32CanonicalNaN);
    if (b == 0x7F800000u)
        return 0.0f;
    // x = m * 4^j with m in [1, 4); then rsqrt(x) = rsqrt(m) * 2^-j exactly. Subnormals are first
    // scaled by 2^24 (exact).
    int bias = 0;
    if ((b >> 23) == 0) {
        b = f32_bits(x * pow2(24));
        bias = -24;
    }
    const int e = static_cast<int>(b >> 23) - 127 + bias;  // x = 1.f * 2^e, e in [-149, 127]
    const int odd = e & 1;                                 // two's complement: parity of e
    const int j = (e - odd) / 2;                           // floor(e / 2), in [-75, 63]
    const float m = f32_from_bits((b & 0x7FFFFFu) | static_cast<uint32_t>(127 + odd) << 23);
    // Initial estimate (relative error < 3.5%), two Newton steps y*(3/2 - (m/2)*y^2), then a last
    // step in the form y + y*(1/2 - (m/2)*y^2), whose small correction term rounds better.
    const float h = 0.5f * m;
    float y = f32_from_bits(kRsqrtMagic - (f32_bits(m) >> 1));
    for (int i = 0; i < 2; ++i)
        y = y * (1.5f - h * (y * y));
    y = y + y * (0.5f - h * (y * y));
    // y in [0.5, 1] and 2^-j in [2^-63, 2^75]: the product is a normal number, hence exact.
    return y * pow2(-j);
}

}  // namespace lpu
