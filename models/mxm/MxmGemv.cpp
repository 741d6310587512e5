#include "MxmGemv.h"

#include "models/common/Error.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace lpu {

namespace {

constexpr unsigned kColBlock = 16;  // columns per 512-bit register of int32 sums; npad's unit
constexpr unsigned kBlocksPerPass = 4;
// VNNI: 20 blocks (320 columns, tsp-v1's width) in one pass over K: a row quad's weights are
// read in one sequential sweep, and 20 sums and a broadcast fit AVX-512's 32 registers. (In a
// whole run it measured the same as passes of 8 blocks; the products are bound by the weights'
// trip from L2, not by the multiply-adds.)
constexpr unsigned kWidePass = 20;

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
#pragma GCC unroll 32  // the sums stay in registers only if every b is its own instruction
        for (unsigned b = 0; b < B; ++b)
            acc[b] = _mm512_dpbusd_epi32(acc[b], a, _mm512_loadu_si512(w + 64 * b));
    }
    for (unsigned b = 0; b < B; ++b)
        _mm512_storeu_si512(p + nb + kColBlock * b, acc[b]);
}

// A batch: V activation vectors (au[v]) against B column blocks from column nb. Each row quad's
// B weight registers are loaded once and multiplied into every vector's sums, so the weights
// cross from L2 once per V vectors (V x B sums and B weights fit AVX-512's 32 registers).
constexpr unsigned kBatchPass = 4;    // vectors per sweep of the weights
constexpr unsigned kBatchBlocks = 5;  // column blocks per sweep: 4 x 5 sums, 5 weights, 1 broadcast
template <unsigned V, unsigned B>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void pass_vnni_batch(const int8_t* quads, unsigned k4,
                                                                            unsigned npad, const uint8_t* const* au,
                                                                            unsigned nb, int32_t* const* p)
{
    __m512i acc[V][B];
#pragma GCC unroll 32
    for (unsigned v = 0; v < V; ++v)
#pragma GCC unroll 32
        for (unsigned b = 0; b < B; ++b)
            acc[v][b] = _mm512_setzero_si512();
    for (unsigned g = 0; g < k4; ++g) {
        const int8_t* w = quads + (size_t{g} * npad + nb) * 4;
        __m512i wv[B];
#pragma GCC unroll 32
        for (unsigned b = 0; b < B; ++b)
            wv[b] = _mm512_loadu_si512(w + 64 * b);
#pragma GCC unroll 32
        for (unsigned v = 0; v < V; ++v) {
            int32_t four;
            std::memcpy(&four, au[v] + 4 * g, 4);
            const __m512i a = _mm512_set1_epi32(four);
#pragma GCC unroll 32
            for (unsigned b = 0; b < B; ++b)
                acc[v][b] = _mm512_dpbusd_epi32(acc[v][b], a, wv[b]);
        }
    }
#pragma GCC unroll 32
    for (unsigned v = 0; v < V; ++v)
#pragma GCC unroll 32
        for (unsigned b = 0; b < B; ++b)
            _mm512_storeu_si512(p[v] + nb + kColBlock * b, acc[v][b]);
}

// Every column of V vectors: sweeps of kBatchBlocks blocks, then single blocks.
template <unsigned V>
void sweep_vnni_batch(const int8_t* quads, unsigned k4, unsigned npad, const uint8_t* const* au, int32_t* const* p)
{
    unsigned nb = 0;
    for (; nb + kBatchBlocks * kColBlock <= npad; nb += kBatchBlocks * kColBlock)
        pass_vnni_batch<V, kBatchBlocks>(quads, k4, npad, au, nb, p);
    for (; nb < npad; nb += kColBlock)
        pass_vnni_batch<V, 1>(quads, k4, npad, au, nb, p);
}

// au[r] = a[r] ^ flip for r < k, 0 up to `padded`; returns the sum of au over the rows whose
// mask byte is 0xff (the unsigned weight rows).
__attribute__((target("avx512f,avx512bw"))) uint32_t flip_activations(const uint8_t* a, unsigned k, unsigned padded,
                                                                      uint8_t flip, const uint8_t* mask, uint8_t* au)
{
    const __m512i f = _mm512_set1_epi8(static_cast<char>(flip));
    __m512i sums = _mm512_setzero_si512();
    for (unsigned r = 0; r < padded; r += 64) {
        const __mmask64 in = r + 64 <= k ? ~__mmask64{0} : r < k ? (__mmask64{1} << (k - r)) - 1 : 0;
        const __mmask64 out = r + 64 <= padded ? ~__mmask64{0} : (__mmask64{1} << (padded - r)) - 1;
        const __m512i v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(in, a + r), f);
        const __m512i kept = _mm512_maskz_mov_epi8(in, v);  // the padding stays 0
        _mm512_mask_storeu_epi8(au + r, out, kept);
        const __m512i m = _mm512_maskz_loadu_epi8(in, mask + r);
        sums = _mm512_add_epi64(sums, _mm512_sad_epu8(_mm512_and_si512(kept, m), _mm512_setzero_si512()));
    }
    alignas(64) uint64_t lane[8];
    _mm512_store_si512(lane, sums);
    uint64_t total = 0;
    for (uint64_t v : lane)
        total += v;
    return static_cast<uint32_t>(total);
}

// p[c] = wide[c] + s - aoff colsum[c] (aoff = 128 for int8 activations), modulo 2^32.
__attribute__((target("avx512f"))) void correct_sums(const int32_t* wide, const int32_t* col_sum, unsigned n,
                                                     uint32_t s, bool a_signed, int32_t* p)
{
    const __m512i sv = _mm512_set1_epi32(static_cast<int32_t>(s));
    const __m512i aoff = _mm512_set1_epi32(a_signed ? 128 : 0);
    for (unsigned c = 0; c < n; c += kColBlock) {
        const __mmask16 m = c + kColBlock <= n ? __mmask16(0xffff) : __mmask16((1u << (n - c)) - 1);
        const __m512i w = _mm512_maskz_loadu_epi32(m, wide + c);
        const __m512i cs = _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(m, col_sum + c), aoff);
        _mm512_mask_storeu_epi32(p + c, m, _mm512_sub_epi32(_mm512_add_epi32(w, sv), cs));
    }
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
    row_unsigned_.assign(size_t{k4} * 4, 0);
    col_sum_.assign(npad_, 0);
    offset_sum_ = 0;
    for (unsigned r = 0; r < k; ++r) {
        const int16_t* row = w + size_t{r} * n;
        bool unsigned_row = false;
        for (unsigned c = 0; c < n; ++c)
            unsigned_row |= row[c] > 127;
        const int16_t offset = unsigned_row ? 128 : 0;
        row_unsigned_[r] = unsigned_row ? 0xff : 0x00;
        offset_sum_ += offset;
        for (unsigned c = 0; c < n; ++c) {
            const auto v = static_cast<int8_t>(row[c] - offset);
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
// int8 activations, else 0) and w = ws + off[k] (off[k] = 128 on an unsigned row, else 0):
// sum a w = sum au ws + 128 sum(au on unsigned rows) - aoff colsum(ws) - aoff sum off, each
// term exact (or wrapping alike) in 32 bits.
uint32_t MxmPackedWeights::flip(const uint8_t* a, bool a_signed, uint8_t* au) const
{
    const unsigned k4 = (k_ + 3) / 4;
    const uint32_t aoff = a_signed ? 128u : 0u;
    return 128u * flip_activations(a, k_, k4 * 4, a_signed ? 0x80 : 0x00, row_unsigned_.data(), au) -
           aoff * uint32_t(offset_sum_);
}

void MxmPackedWeights::product_quads(const uint8_t* a, bool a_signed, int32_t* wide, int32_t* p) const
{
    thread_local std::vector<uint8_t> au;
    const unsigned k4 = (k_ + 3) / 4;
    au.resize(size_t{k4} * 4);
    const uint32_t s = flip(a, a_signed, au.data());
    unsigned nb = 0;
    for (; nb + kWidePass * kColBlock <= npad_; nb += kWidePass * kColBlock)
        pass_vnni<kWidePass>(quads_.data(), k4, npad_, au.data(), nb, wide);
    for (; nb + kBlocksPerPass * kColBlock <= npad_; nb += kBlocksPerPass * kColBlock)
        pass_vnni<kBlocksPerPass>(quads_.data(), k4, npad_, au.data(), nb, wide);
    for (; nb < npad_; nb += kColBlock)
        pass_vnni<1>(quads_.data(), k4, npad_, au.data(), nb, wide);
    correct_sums(wide, col_sum_.data(), n_, s, a_signed, p);
}

void MxmPackedWeights::products(const uint8_t* const* a, unsigned count, bool a_signed, int32_t* const* p) const
{
    if (count > kMaxBatch)
        throw std::logic_error("MxmPackedWeights::products: more than kMaxBatch vectors");
    if (kernel_ != MxmKernel::Avx512Vnni) {
        for (unsigned i = 0; i < count; ++i)
            product(a[i], a_signed, p[i]);
        return;
    }
    thread_local std::vector<uint8_t> au;    // kMaxBatch x the padded rows
    thread_local std::vector<int32_t> wide;  // kMaxBatch x npad
    const size_t k_padded = size_t{(k_ + 3) / 4} * 4;
    au.resize(kMaxBatch * k_padded);
    wide.resize(size_t{kMaxBatch} * npad_);
    const uint8_t* aus[kMaxBatch];
    int32_t* wides[kMaxBatch];
    uint32_t sums[kMaxBatch];
    for (unsigned i = 0; i < count; ++i) {
        sums[i] = flip(a[i], a_signed, &au[i * k_padded]);
        aus[i] = &au[i * k_padded];
        wides[i] = &wide[i * size_t{npad_}];
    }
    const unsigned k4 = (k_ + 3) / 4;
    unsigned i = 0;
    for (; i + kBatchPass <= count; i += kBatchPass)
        sweep_vnni_batch<kBatchPass>(quads_.data(), k4, npad_, aus + i, wides + i);
    static_assert(kBatchPass == 4, "the remainder below is of up to 3 vectors");
    switch (count - i) {
    case 3: sweep_vnni_batch<3>(quads_.data(), k4, npad_, aus + i, wides + i); break;
    case 2: sweep_vnni_batch<2>(quads_.data(), k4, npad_, aus + i, wides + i); break;
    case 1: sweep_vnni_batch<1>(quads_.data(), k4, npad_, aus + i, wides + i); break;
    default: break;
    }
    for (unsigned j = 0; j < count; ++j)
        correct_sums(wides[j], col_sum_.data(), n_, sums[j], a_signed, p[j]);
}

}  // namespace lpu
