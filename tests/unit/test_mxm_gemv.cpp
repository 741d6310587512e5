// The MXM's integer product kernels (models/mxm/MxmGemv.h) against a plain 64-bit reference, on
// every kernel this CPU runs: int8 and uint8 activations, int8 and uint8 weight rows mixed in one
// weight set, the extremes, sizes that are not multiples of the kernels' blocks, and sums that
// wrap modulo 2^32. Every kernel must give the same bits.
#include "models/mxm/MxmGemv.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using namespace lpu;

namespace {

const MxmKernel kAll[] = {MxmKernel::Baseline, MxmKernel::Avx2, MxmKernel::Avx512, MxmKernel::Avx512Vnni};

std::vector<int32_t> reference(const std::vector<int16_t>& w, unsigned k, unsigned n, const std::vector<uint8_t>& a,
                               bool a_signed)
{
    std::vector<int32_t> p(n);
    for (unsigned c = 0; c < n; ++c) {
        int64_t sum = 0;
        for (unsigned r = 0; r < k; ++r)
            sum += (a_signed ? int64_t(int8_t(a[r])) : int64_t(a[r])) * w[size_t{r} * n + c];
        p[c] = int32_t(uint32_t(uint64_t(sum)));  // modulo 2^32, as the hardware's adders
    }
    return p;
}

// A K x N weight set whose rows are int8 or uint8 at random, with `extreme` values only.
std::vector<int16_t> weights(std::mt19937& rng, unsigned k, unsigned n, bool extreme)
{
    std::vector<int16_t> w(size_t{k} * n);
    for (unsigned r = 0; r < k; ++r) {
        const bool u8 = rng() % 2;
        for (unsigned c = 0; c < n; ++c) {
            const int lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
            w[size_t{r} * n + c] = int16_t(extreme ? (rng() % 2 ? lo : hi) : lo + int(rng() % unsigned(hi - lo + 1)));
        }
    }
    return w;
}

void check_all_kernels(const std::vector<int16_t>& w, unsigned k, unsigned n, const std::vector<uint8_t>& a,
                       bool a_signed)
{
    const std::vector<int32_t> want = reference(w, k, n, a, a_signed);
    for (MxmKernel kernel : kAll) {
        if (!mxm_kernel_supported(kernel)) {
            WARN("this CPU cannot run the " << mxm_kernel_name(kernel) << " kernel: not tested here");
            continue;
        }
        MxmPackedWeights packed;
        packed.pack(w.data(), k, n, kernel);
        std::vector<int32_t> got(n, 0x5a5a5a5a);
        packed.product(a.data(), a_signed, got.data());
        INFO("kernel " << mxm_kernel_name(kernel) << ", K " << k << ", N " << n << ", " << (a_signed ? "int8" : "uint8")
                       << " activations");
        REQUIRE(got == want);
    }
}

}  // namespace

TEST_CASE("MXM product kernels equal the 64-bit reference on random shapes and types", "[mxm][gemv]")
{
    std::mt19937 rng(20261207);
    // k: the VNNI activation pass's 64-byte chunks whole, partial and past a whole one; n: the
    // passes of 1, 4 and 20 column blocks alone and together (336 = 20 + 1, 400 = 20 + 4 + 1).
    for (unsigned k : {1u, 2u, 3u, 4u, 5u, 16u, 17u, 64u, 100u, 130u, 320u})
        for (unsigned n : {1u, 7u, 16u, 33u, 64u, 80u, 320u, 336u, 400u})
            for (bool a_signed : {true, false})
                for (bool extreme : {false, true}) {
                    const std::vector<int16_t> w = weights(rng, k, n, extreme);
                    std::vector<uint8_t> a(k);
                    for (auto& v : a)
                        v = extreme ? (rng() % 2 ? 0x80 : 0x7f) ^ (a_signed ? 0 : 0x80) : uint8_t(rng());
                    check_all_kernels(w, k, n, a, a_signed);
                }
}

TEST_CASE("MXM product kernels at the extremes of every type pairing", "[mxm][gemv]")
{
    const unsigned k = 321, n = 19;  // neither a multiple of 2, 4 nor 16
    for (int wv : {-128, 127, 0, 255})
        for (bool a_signed : {true, false})
            for (uint8_t av : {uint8_t(0x80), uint8_t(0x7f), uint8_t(0xff), uint8_t(0)}) {
                const std::vector<int16_t> w(size_t{k} * n, int16_t(wv));
                const std::vector<uint8_t> a(k, av);
                check_all_kernels(w, k, n, a, a_signed);
            }
}

TEST_CASE("MXM product kernels wrap modulo 2^32 alike", "[mxm][gemv]")
{
    // 255 x 255 x 40,000 > 2^31: the sum wraps, and must wrap the same way on every kernel.
    const unsigned k = 40000, n = 17;
    const std::vector<int16_t> w(size_t{k} * n, 255);
    const std::vector<uint8_t> a(k, 255);
    REQUIRE(reference(w, k, n, a, false)[0] < 0);
    check_all_kernels(w, k, n, a, false);
}

TEST_CASE("MXM batched products equal the 64-bit reference for every batch size", "[mxm][gemv]")
{
    // A batch (MxmPackedWeights::products) gives each vector the bits product() gives it: batch
    // sizes around the VNNI sweep of four vectors, column counts around its five blocks.
    std::mt19937 rng(20261208);
    for (unsigned k : {3u, 64u, 130u, 320u})
        for (unsigned n : {7u, 80u, 96u, 320u, 336u})
            for (unsigned count = 1; count <= MxmPackedWeights::kMaxBatch; ++count)
                for (bool a_signed : {true, false}) {
                    const std::vector<int16_t> w = weights(rng, k, n, count % 3 == 0);
                    std::vector<std::vector<uint8_t>> a(count, std::vector<uint8_t>(k));
                    for (auto& v : a)
                        for (auto& x : v)
                            x = uint8_t(rng());
                    for (MxmKernel kernel : kAll) {
                        if (!mxm_kernel_supported(kernel))
                            continue;
                        MxmPackedWeights packed;
                        packed.pack(w.data(), k, n, kernel);
                        std::vector<std::vector<int32_t>> got(count, std::vector<int32_t>(n, 0x5a5a5a5a));
                        std::vector<const uint8_t*> ap;
                        std::vector<int32_t*> pp;
                        for (unsigned i = 0; i < count; ++i) {
                            ap.push_back(a[i].data());
                            pp.push_back(got[i].data());
                        }
                        packed.products(ap.data(), count, a_signed, pp.data());
                        for (unsigned i = 0; i < count; ++i) {
                            INFO("kernel " << mxm_kernel_name(kernel) << ", K " << k << ", N " << n << ", vector " << i
                                           << " of " << count << ", " << (a_signed ? "int8" : "uint8"));
                            REQUIRE(got[i] == reference(w, k, n, a[i], a_signed));
                        }
                    }
                }
}

TEST_CASE("MXM batched products wrap modulo 2^32 like single ones", "[mxm][gemv]")
{
    const unsigned k = 40000, n = 83;
    const std::vector<int16_t> w(size_t{k} * n, 255);
    std::vector<std::vector<uint8_t>> a(5, std::vector<uint8_t>(k, 255));
    a[1].assign(k, 0);
    a[3].assign(k, 200);
    for (MxmKernel kernel : kAll) {
        if (!mxm_kernel_supported(kernel))
            continue;
        MxmPackedWeights packed;
        packed.pack(w.data(), k, n, kernel);
        std::vector<std::vector<int32_t>> got(5, std::vector<int32_t>(n));
        const uint8_t* ap[5];
        int32_t* pp[5];
        for (unsigned i = 0; i < 5; ++i) {
            ap[i] = a[i].data();
            pp[i] = got[i].data();
        }
        packed.products(ap, 5, false, pp);
        for (unsigned i = 0; i < 5; ++i) {
            INFO("kernel " << mxm_kernel_name(kernel) << ", vector " << i);
            REQUIRE(got[i] == reference(w, k, n, a[i], false));
        }
    }
    REQUIRE(reference(w, k, n, a[0], false)[0] < 0);
}

TEST_CASE("the default MXM kernel is one this CPU runs", "[mxm][gemv]")
{
    CHECK(mxm_kernel_supported(mxm_kernel_default()));
}
