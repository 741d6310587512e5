// The model's innermost loops on their own, without SystemC, so benchmarks can use the very same
// kernels (bench/bench_gemm.cpp) and compare only what simulating the chip costs.
#pragma once

#include <cstdint>

namespace lpu {

// dst[i] += a * w[i] for i < n. Built for AVX2 and for baseline x86-64, chosen at load time on
// the running CPU (GCC function multi-versioning), so the binary stays portable.
void mxm_mac_row(int32_t* dst, const int16_t* w, int32_t a, unsigned n);

// fp16 row of the MXM (docs/isa.md 1.5): dst[i] = dst[i] + a * w[i] for i < n, in binary32 with
// round to nearest even: the product rounded, then the sum rounded, never fused into an FMA.
// (With a and w[i] binary16 values widened to binary32 the product is exact, so an FMA would
// give the same result; the kernel does not rely on that.) Vectorised across i only, so every
// dst[i] sees its additions in the caller's order. Same multi-versioning as mxm_mac_row.
void mxm_mac_row_f32(float* dst, const float* w, float a, unsigned n);

}  // namespace lpu
