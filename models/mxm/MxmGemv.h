// The MXM's integer product as one matrix-vector multiply over an installed weight set: p[n] =
// sum over k of a[k] x w[k][n], int8 or uint8 activations against int8 or uint8 weight rows
// (each row of its own type), int32 results, on the fastest kernel the running CPU has
// (AVX-512 VNNI, AVX-512BW, AVX2, or baseline x86-64 SSE2), chosen at run time so one binary
// serves every x86-64. Every path gives the same bits: the sums are exact (|p| <= K x 255 x 255)
// and any wrap-around is modulo 2^32 on every path.
#pragma once

#include <cstdint>
#include <vector>

namespace lpu {

enum class MxmKernel { Baseline, Avx2, Avx512, Avx512Vnni };

const char* mxm_kernel_name(MxmKernel k);
// The fastest kernel this CPU runs (cpuid), or the one LPUSIM_MXM_KERNEL names (baseline, avx2,
// avx512, avx512vnni: for tests and measurements; a kernel the CPU lacks is refused).
MxmKernel mxm_kernel_default();
bool mxm_kernel_supported(MxmKernel k);

// A K x N weight set packed for one kernel: int16 row pairs (Baseline, Avx2, Avx512) or int8
// row quads with per-row offsets and column sums (Avx512Vnni). Packed when installed, read by
// every product until the next install.
class MxmPackedWeights {
public:
    // `w` is K x N row-major, each value an int8 or a uint8 (int16 in [-128, 255]).
    void pack(const int16_t* w, unsigned k, unsigned n, MxmKernel kernel);
    // p[0..N-1] = a . W; `a` holds K int8 (a_signed) or uint8 activations.
    void product(const uint8_t* a, bool a_signed, int32_t* p) const;
    // p[i][0..N-1] = a[i] . W for i < count (at most kMaxBatch), each the same bits as product():
    // the VNNI kernel reads the weights once per four vectors instead of once per vector
    // (a matrix product, several times the rate of a vector's); the others multiply one by one.
    static constexpr unsigned kMaxBatch = 8;
    void products(const uint8_t* const* a, unsigned count, bool a_signed, int32_t* const* p) const;

    unsigned rows() const { return k_; }
    unsigned cols() const { return n_; }
    MxmKernel kernel() const { return kernel_; }

private:
    void product_pairs(const uint8_t* a, bool a_signed, int32_t* wide, int32_t* p) const;
    void product_quads(const uint8_t* a, bool a_signed, int32_t* wide, int32_t* p) const;
    // au = a ^ the type's flip, padded (quads' rows); returns the sum product_quads adds.
    uint32_t flip(const uint8_t* a, bool a_signed, uint8_t* au) const;

    unsigned k_ = 0, n_ = 0, npad_ = 0;
    MxmKernel kernel_ = MxmKernel::Baseline;
    std::vector<int16_t> pairs_;         // [ceil(K/2)][npad][2]: rows 2i and 2i + 1 of each column
    std::vector<int8_t> quads_;          // [ceil(K/4)][npad][4]: rows 4i .. 4i + 3, each less its offset
    std::vector<uint8_t> row_unsigned_;  // K: 0xff for a uint8 row (stored less 128), else 0 (VNNI)
    std::vector<int32_t> col_sum_;       // npad: sum over k of quads (VNNI)
    int32_t offset_sum_ = 0;             // sum of row offsets (VNNI)
};

}  // namespace lpu
