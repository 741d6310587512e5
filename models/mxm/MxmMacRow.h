// The model's innermost loop on its own, without SystemC, so benchmarks can use the very same
// kernel (bench/bench_gemm.cpp) and compare only what simulating the chip costs.
#pragma once

#include <cstdint>

namespace lpu {

// dst[i] += a * w[i] for i < n. Built for AVX2 and for baseline x86-64, chosen at load time on
// the running CPU (GCC function multi-versioning), so the binary stays portable.
void mxm_mac_row(int32_t* dst, const int16_t* w, int32_t a, unsigned n);

}  // namespace lpu
