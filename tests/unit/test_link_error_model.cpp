// Seeded line bit errors: the rate and the gaps between errors against their distributions,
// bursts as defined, the same errors for the same seeds in any windowing, and a cost that grows
// with the errors, not the bits.
#include "FecTestSupport.h"

#include "models/common/Error.h"
#include "models/linkphy/LinkErrorModel.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>
#include <vector>

using namespace lpu;
using namespace lpu::fectest;

namespace {

std::vector<uint64_t> flips_in(LinkErrorModel& m, uint64_t bits)
{
    std::vector<uint64_t> out;
    m.next(bits, out);
    return out;
}

}  // namespace

TEST_CASE("link errors: portable_log agrees with the C library's", "[link][errors]")
{
    Rng rng(1);
    for (int i = 0; i < 100000; ++i) {
        // Uniform in (0, 1] as the gap draws use it, and values across the exponent range.
        const double u = double((rng.next() >> 11) + 1) * 0x1p-53;
        const double x = std::ldexp(1.0 + double(rng.next() >> 11) * 0x1p-53, int(rng.below(2000)) - 1000);
        REQUIRE(LinkErrorModel::portable_log(u) == Approx(std::log(u)).epsilon(1e-15).margin(1e-300));
        REQUIRE(LinkErrorModel::portable_log(x) == Approx(std::log(x)).epsilon(1e-15).margin(2e-16));
    }
    for (double p : {1e-15, 1e-12, 3e-7, 1e-3, 0.25, 0.5, 0.75, 0.999})
        REQUIRE(LinkErrorModel::portable_log1m(p) == Approx(std::log1p(-p)).epsilon(1e-15));
    REQUIRE(LinkErrorModel::portable_log(1.0) == 0.0);
}

TEST_CASE("link errors: no errors at ber 0, every bit at ber 1", "[link][errors]")
{
    LinkErrorModel zero(BitErrorParams{}, 1, 2);
    REQUIRE(flips_in(zero, uint64_t(1) << 50).empty());
    LinkErrorModel one(BitErrorParams{1.0, 0, 0}, 1, 2);
    const std::vector<uint64_t> all = flips_in(one, 100);
    REQUIRE(all.size() == 100);
    REQUIRE(all.back() == 99);
}

TEST_CASE("link errors: the error rate and the gaps between errors follow the Bernoulli process", "[link][errors]")
{
    for (double ber : {1e-2, 1e-3, 1e-5}) {
        CAPTURE(ber);
        LinkErrorModel m(BitErrorParams{ber, 0, 0}, 7, 3);
        const uint64_t bits = uint64_t(20000 / ber);
        const std::vector<uint64_t> flips = flips_in(m, bits);
        REQUIRE(binomial_count_ok(flips.size(), bits, ber));
        REQUIRE(m.bits_flipped() == flips.size());
        REQUIRE(m.events() >= flips.size());  // the next event is drawn, past the window
        // Gaps (error-free bits between errors) in 20 bins of equal geometric probability.
        const unsigned bins = 20;
        std::vector<uint64_t> edges;  // P(gap < edges[i]) ~ (i + 1) / bins
        for (unsigned i = 1; i < bins; ++i)
            edges.push_back(uint64_t(std::ceil(std::log(1 - double(i) / bins) / std::log1p(-ber))));
        std::vector<double> prob;
        double below = 0;
        for (uint64_t e : edges) {
            const double cdf = 1 - std::pow(1 - ber, double(e));
            prob.push_back(cdf - below);
            below = cdf;
        }
        prob.push_back(1 - below);
        std::vector<uint64_t> observed(bins, 0);
        for (size_t i = 1; i < flips.size(); ++i) {
            const uint64_t gap = flips[i] - flips[i - 1] - 1;
            size_t bin = 0;
            while (bin < edges.size() && gap >= edges[bin])
                ++bin;
            ++observed[bin];
        }
        const ChiSquare c = chi_square(observed, prob);
        INFO(c.text());
        REQUIRE(c.pass());
    }
}

TEST_CASE("link errors: the same seeds give the same errors in any windows, other seeds other errors", "[link][errors]")
{
    const BitErrorParams p{2e-3, 0.2, 24};
    LinkErrorModel whole(p, 5, 9, 0);
    const std::vector<uint64_t> reference = flips_in(whole, 2000000);
    REQUIRE(reference.size() > 1000);

    LinkErrorModel windows(p, 5, 9, 0);
    Rng sizes(3);
    std::vector<uint64_t> pieced;
    uint64_t at = 0;
    while (at < 2000000) {
        const uint64_t w = std::min<uint64_t>(1 + sizes.below(7000), 2000000 - at);
        for (uint64_t f : flips_in(windows, w))
            pieced.push_back(at + f);
        at += w;
    }
    REQUIRE(pieced == reference);
    REQUIRE(windows.bits_flipped() == whole.bits_flipped());

    for (auto [seed, link, direction] : {std::tuple{6, 9, 0}, std::tuple{5, 10, 0}, std::tuple{5, 9, 1}}) {
        LinkErrorModel other(p, uint64_t(seed), uint64_t(link), unsigned(direction));
        REQUIRE(flips_in(other, 2000000) != reference);
    }
}

TEST_CASE("link errors: bursts span burst_bits, start flipped and flip each later bit with probability 1/2",
          "[link][errors]")
{
    const unsigned span = 16;
    LinkErrorModel m(BitErrorParams{1e-4, 1.0, span}, 1, 1);
    const std::vector<uint64_t> flips = flips_in(m, 100000000);
    // Group flips into bursts: a burst's flips lie within span bits of its first.
    std::vector<unsigned> sizes;
    uint64_t start = 0;
    for (size_t i = 0; i < flips.size(); ++i) {
        if (i == 0 || flips[i] >= start + span) {
            start = flips[i];
            sizes.push_back(0);
        }
        ++sizes.back();
    }
    REQUIRE(sizes.size() == m.bursts());
    REQUIRE(m.bursts() == m.events());
    // Flips per burst: 1 + Binomial(span - 1, 1/2), checked with the chi-square test.
    std::vector<uint64_t> observed(span, 0);
    for (unsigned s : sizes)
        ++observed[s - 1];
    std::vector<double> prob;
    for (unsigned j = 0; j < span; ++j)
        prob.push_back(binomial_pmf(span - 1, j, 0.5));
    const ChiSquare c = chi_square(observed, prob);
    INFO(c.text());
    REQUIRE(c.pass());

    LinkErrorModel mixed(BitErrorParams{1e-3, 0.25, 40}, 2, 2);
    flips_in(mixed, 20000000);
    REQUIRE(binomial_count_ok(mixed.bursts(), mixed.events(), 0.25));
}

TEST_CASE("link errors: the cost grows with the errors, not the bits: 10^15 bits at ber 1e-12", "[link][errors]")
{
    LinkErrorModel m(BitErrorParams{1e-12, 0, 0}, 3, 4);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<uint64_t> flips;
    for (int i = 0; i < 1000; ++i)
        m.next(uint64_t(1e12), flips);  // 10^12 bits per window, 1000 windows
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(m.position() == uint64_t(1e15));
    REQUIRE(binomial_count_ok(flips.size(), uint64_t(1e15), 1e-12));
    REQUIRE(sec < 1.0);  // a loop over the bits would take days
}

TEST_CASE("link errors: error parameters out of range are refused", "[link][errors]")
{
    REQUIRE_THROWS_WITH(LinkErrorModel(BitErrorParams{-1e-3, 0, 0}, 1, 1), Catch::Contains("ber"));
    REQUIRE_THROWS_WITH(LinkErrorModel(BitErrorParams{1.5, 0, 0}, 1, 1), Catch::Contains("[0, 1]"));
    REQUIRE_THROWS_WITH(LinkErrorModel(BitErrorParams{std::nan(""), 0, 0}, 1, 1), Catch::Contains("ber"));
    REQUIRE_THROWS_WITH(LinkErrorModel(BitErrorParams{0, 2, 0}, 1, 1), Catch::Contains("burst_probability"));
    REQUIRE_THROWS_AS(LinkErrorModel(BitErrorParams{0, 0, LinkErrorModel::kMaxBurstBits + 1}, 1, 1), InputError);
}
