#include "MxmMacRow.h"

namespace lpu {

__attribute__((target_clones("avx2", "default"))) void mxm_mac_row(int32_t* __restrict dst,
                                                                      const int16_t* __restrict w, int32_t a,
                                                                      unsigned n)
{
    for (unsigned i = 0; i < n; ++i)
        dst[i] += a * w[i];
}

}  // namespace lpu
