// The MXM's fp16 row on its own, without SystemC, in a file of its own: the only place its
// floating-point contraction rule applies (the integer products are in MxmGemv.h).
#pragma once

#include <cstdint>

namespace lpu {

// fp16 row of the MXM (docs/isa.md 1.5): dst[i] = dst[i] + a * w[i] for i < n, in binary32 with
// round to nearest even: the product rounded, then the sum rounded, never fused into an FMA.
// (With a and w[i] binary16 values widened to binary32 the product is exact, so an FMA would
// give the same result; the kernel does not rely on that.) Vectorised across i only, so every
// dst[i] sees its additions in the caller's order. Built for AVX2 and for baseline x86-64, chosen at load time (GCC function multi-versioning).
void mxm_mac_row_f32(float* dst, const float* w, float a, unsigned n);

}  // namespace lpu
