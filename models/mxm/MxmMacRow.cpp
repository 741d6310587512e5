#include "MxmMacRow.h"

// No contraction of a * w + d into an FMA, whatever -march or -ffp-contract the build uses
// (GCC's default for C++ is -ffp-contract=fast): docs/isa.md 1.5 defines the fp16 row as two
// binary32 roundings. This file is the only place these pragmas
// apply, and models/CMakeLists.txt is not needed to express it.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace lpu {

__attribute__((target_clones("avx2", "default"))) void mxm_mac_row_f32(float* __restrict dst, const float* __restrict w,
                                                                       float a, unsigned n)
{
    for (unsigned i = 0; i < n; ++i) {
        const float product = a * w[i];  // exact for binary16 inputs, rounded in general
        dst[i] = dst[i] + product;
    }
}

}  // namespace lpu
