#include "MxmGemv.h"

#include "models/common/Error.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace lpu {

namespace {

constexpr unsigned kColBlock = 16;  // columns per 512-bit register of int32 sums; npad's unit
constexpr unsigned kBlocksPerPass = 4;

// a as the int16 pair (a[2i], a[2i + 1]) in one int32, for a broadcast into madd's lanes.
inline int32_t act_pair(const uint8_t* a, bool a_signed, unsigned k, unsigned i)
{
    auto lane = [&](unsigned r) -> uint32_t {
        if (r >= k)
            return 0;
        const int32_t v = a_signed ? int32_t(int8_t(a[r])) : int32_t(a[r]);
        return uint32_t(v) & 0xffffu;
    };
    return int32_t(lane(2 * i) | (lane(2 * i + 1) << 16));
}

void product_sse2(const int16_t* pairs, unsigned k2, unsigned npad, const int32_t* ap, int32_t* p)
{
    for (unsigned nb = 0; nb < npad; nb += 4) {
        __m128i acc = _mm_setzero_si128();
        for (unsigned i = 0; i < k2; ++i) {
            const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pairs + (size_t{i} * npad + nb) * 2));
            acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_set1_epi32(ap[i]), w));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p + nb), acc);
    }
}

__attribute__((target("avx2"))) void product_avx2(const int16_t* pairs, unsigned k2, unsigned npad, const int32_t* ap,
                                                  int32_t* p)
{
    for (unsigned nb = 0; nb < npad; nb += 16) {  // two registers of 8 columns
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        for (unsigned i = 0; i < k2; ++i) {
            const __m256i a = _mm256_set1_epi32(ap[i]);
            const int16_t* w = pairs + (size_t{i} * npad + nb) * 2;
            acc0 =
                _mm256_add_epi32(acc0, _mm256_madd_epi16(a, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))));
            acc1 = _mm256_add_epi32(acc1,
                                    _mm256_madd_epi16(a, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 16))));
        }
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + nb), acc0);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + nb + 8), acc1);
    }
}

template <unsigned B>
__attribute__((target("avx512f,avx512bw"))) void pass_avx512(const int16_t* pairs, unsigned k2, unsigned npad,
                                                             const int32_t* ap, unsigned nb, int32_t* p)
{
    __m512i acc[B];
    for (unsigned b = 0; b < B; ++b)
        acc[b] = _mm512_setzero_si512();
    for (unsigned i = 0; i < k2; ++i) {
        const __m512i a = _mm512_set1_epi32(ap[i]);
        const int16_t* w = pairs + (size_t{i} * npad + nb) * 2;
        for (unsigned b = 0; b < B; ++b)
            acc[b] = _mm512_add_epi32(acc[b], _mm512_madd_epi16(a, _mm512_loadu_si512(w + 32 * b)));
    }
    for (unsigned b = 0; b < B; ++b)
        _mm512_storeu_si512(p + nb + kColBlock * b, acc[b]);
}

__attribute__((target("avx512f,avx512bw"))) void product_avx512(const int16_t* pairs, unsigned k2, unsigned npad,
                                                                const int32_t* ap, int32_t* p)
{
    unsigned nb = 0;
    for (; nb + kBlocksPerPass * kColBlock <= npad; nb += kBlocksPerPass * kColBlock)
        pass_avx512<kBlocksPerPass>(pairs, k2, npad, ap, nb, p);
    for (; nb < npad; nb += kColBlock)
        pass_avx512<1>(pairs, k2, npad, ap, nb, p);
}

template <unsigned B>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void pass_vnni(const int8_t* quads, unsigned k4, unsigned npad,
                                                                      const uint8_t* au, unsigned nb, int32_t* p)
{
    __m512i acc[B];
    for (unsigned b = 0; b < B; ++b)
        acc[b] = _mm512_setzero_si512();
    for (unsigned g = 0; g < k4; ++g) {
        int32_t four;
        std::memcpy(&four, au + 4 * g, 4);
        const __m512i a = _mm512_set1_epi32(four);
        const int8_t* w = quads + (size_t{g} * npad + nb) * 4;
        for (unsigned b = 0; b < B; ++b)
            acc[b] = _mm512_dpbusd_epi32(acc[b], a, _mm512_loadu_si512(w + 64 * b));
    }
    for (unsigned b = 0; b < B; ++b)
        _mm512_storeu_si512(p + nb + kColBlock * b, acc[b]);
}

MxmKernel kernel_named(const char* name)
{
    for (MxmKernel k : {MxmKernel::Baseline, MxmKernel::Avx2, MxmKernel::Avx512, MxmKernel::Avx512Vnni})
        if (std::strcmp(name, mxm_kernel_name(k)) == 0) {
            if (!mxm_kernel_supported(k))
                throw InputError(std::string("LPUSIM_MXM_KERNEL=") + name + ": this CPU cannot run it");
            return k;
        }
    throw InputError("LPUSIM_MXM_KERNEL=" + quote_token(name) + ": not a kernel (baseline, avx2, avx512, avx512vnni)");
}

}  // namespace

const char* mxm_kernel_name(MxmKernel k)
{
    switch (k) {
    case MxmKernel::Baseline: return "baseline";
    case MxmKernel::Avx2: return "avx2";
    case MxmKernel::Avx512: return "avx512";
    case MxmKernel::Avx512Vnni: return "avx512vnni";
    }
    return "?";
}

bool mxm_kernel_supported(MxmKernel k)
{
    __builtin_cpu_init();
    switch (k) {
    case MxmKernel::Baseline: return true;
    case MxmKernel::Avx2: return __builtin_cpu_supports("avx2");
    case MxmKernel::Avx512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    case MxmKernel::Avx512Vnni:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vnni");
    }
    return false;
}

MxmKernel mxm_kernel_default()
{
    static const MxmKernel chosen = [] {
        if (const char* forced = std::getenv("LPUSIM_MXM_KERNEL"))
            return kernel_named(forced);
        for (MxmKernel k : {MxmKernel::Avx512Vnni, MxmKernel::Avx512, MxmKernel::Avx2})
            if (mxm_kernel_supported(k))
                return k;
        return MxmKernel::Baseline;
    }();
    return chosen;
}

void MxmPackedWeights::pack(const int16_t* w, unsigned k, unsigned n, MxmKernel kernel)
{
    k_ = k;
    n_ = n;
    npad_ = (n + kColBlock - 1) / kColBlock * kColBlock;
    kernel_ = kernel;
    if (kernel != MxmKernel::Avx512Vnni) {
        const unsigned k2 = (k + 1) / 2;
        pairs_.assign(size_t{k2} * npad_ * 2, 0);
        for (unsigned r = 0; r < k; ++r)
            for (unsigned c = 0; c < n; ++c)
                pairs_[(size_t{r / 2} * npad_ + c) * 2 + r % 2] = w[size_t{r} * n + c];
        return;
    }
    // VNNI multiplies unsigned by signed bytes: each row is stored less its offset (128 for a
    // uint8 row, whose values exceed 127; 0 otherwise), so every stored value is an int8.
    const unsigned k4 = (k + 3) / 4;
    quads_.assign(size_t{k4} * npad_ * 4, 0);
    row_offset_.assign(size_t{k4} * 4, 0);
    col_sum_.assign(npad_, 0);
    offset_sum_ = 0;
    for (unsigned r = 0; r < k; ++r) {
        const int16_t* row = w + size_t{r} * n;
        bool unsigned_row = false;
        for (unsigned c = 0; c < n; ++c)
            unsigned_row |= row[c] > 127;
        row_offset_[r] = unsigned_row ? 128 : 0;
        offset_sum_ += row_offset_[r];
        for (unsigned c = 0; c < n; ++c) {
            const auto v = static_cast<int8_t>(row[c] - row_offset_[r]);
            quads_[(size_t{r / 4} * npad_ + c) * 4 + r % 4] = v;
            col_sum_[c] += v;
        }
    }
}

void MxmPackedWeights::product(const uint8_t* a, bool a_signed, int32_t* p) const
{
    thread_local std::vector<int32_t> wide;  // npad sums; the padding columns are dropped
    wide.resize(npad_);
    if (kernel_ == MxmKernel::Avx512Vnni)
        product_quads(a, a_signed, wide.data(), p);
    else
        product_pairs(a, a_signed, wide.data(), p);
}

void MxmPackedWeights::product_pairs(const uint8_t* a, bool a_signed, int32_t* wide, int32_t* p) const
{
    thread_local std::vector<int32_t> ap;
    const unsigned k2 = (k_ + 1) / 2;
    ap.resize(k2);
    for (unsigned i = 0; i < k2; ++i)
        ap[i] = act_pair(a, a_signed, k_, i);
    if (kernel_ == MxmKernel::Avx512)
        product_avx512(pairs_.data(), k2, npad_, ap.data(), wide);
    else if (kernel_ == MxmKernel::Avx2)
        product_avx2(pairs_.data(), k2, npad_, ap.data(), wide);
    else
        product_sse2(pairs_.data(), k2, npad_, ap.data(), wide);
    std::memcpy(p, wide, sizeof(int32_t) * n_);
}

// VNNI multiplies unsigned by signed bytes. With a = au - aoff (au unsigned: aoff = 128 for
// int8 activations, else 0) and w = ws + off[k]: sum a w = sum au ws + sum au off - aoff
// colsum(ws) - aoff sum off, each term exact (or wrapping alike) in 32 bits.
void MxmPackedWeights::product_quads(const uint8_t* a, bool a_signed, int32_t* wide, int32_t* p) const
{
    thread_local std::vector<uint8_t> au;
    const unsigned k4 = (k_ + 3) / 4;
    const uint8_t flip = a_signed ? 0x80 : 0x00;
    au.assign(size_t{k4} * 4, 0);
    uint32_t s = 0;
    for (unsigned r = 0; r < k_; ++r) {
        au[r] = static_cast<uint8_t>(a[r] ^ flip);
        s += uint32_t{au[r]} * row_offset_[r];
    }
    const uint32_t aoff = a_signed ? 128u : 0u;
    s -= aoff * uint32_t(offset_sum_);
    unsigned nb = 0;
    for (; nb + kBlocksPerPass * kColBlock <= npad_; nb += kBlocksPerPass * kColBlock)
        pass_vnni<kBlocksPerPass>(quads_.data(), k4, npad_, au.data(), nb, wide);
    for (; nb < npad_; nb += kColBlock)
        pass_vnni<1>(quads_.data(), k4, npad_, au.data(), nb, wide);
    for (unsigned c = 0; c < n_; ++c)
        p[c] = int32_t(uint32_t(wide[c]) + s - aoff * uint32_t(col_sum_[c]));
}

}  // namespace lpu
