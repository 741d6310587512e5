// What the link error tests share: binomial probabilities, a binomial count check and a
// chi-square goodness-of-fit test whose thresholds follow from the counts and a significance
// level, not from tolerances picked by hand; random codeword and error pattern helpers.
#pragma once

#include "models/common/Rng.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace lpu::fectest {

// P(X = j) for X ~ Binomial(n, p), through log-gamma (n up to thousands).
inline double binomial_pmf(unsigned n, unsigned j, double p)
{
    if (p <= 0)
        return j == 0 ? 1.0 : 0.0;
    return std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0) + j * std::log(p) +
                    (n - j) * std::log1p(-p));
}

// P(X > above).
inline double binomial_tail(unsigned n, unsigned above, double p)
{
    double sum = 0;
    for (unsigned j = above + 1; j <= n; ++j)
        sum += binomial_pmf(n, j, p);
    return sum;
}

// A count of successes in `trials` independent trials of probability p is within z standard
// deviations of its mean (z = 5: a false failure about once in 1.7 million).
inline bool binomial_count_ok(uint64_t observed, uint64_t trials, double p, double z = 5)
{
    const double mean = double(trials) * p;
    const double sd = std::sqrt(double(trials) * p * (1 - p));
    return std::fabs(double(observed) - mean) <= z * sd + 1e-9;
}

struct ChiSquare {
    double statistic = 0;
    unsigned df = 0;      // merged bins - 1
    double critical = 0;  // the statistic's 1 - 1e-4 quantile
    bool pass() const { return statistic <= critical; }
    std::string text() const
    {
        return "chi-square " + std::to_string(statistic) + " on " + std::to_string(df) + " df (critical " +
               std::to_string(critical) + " at significance 1e-4)";
    }
};

// Observed counts against bin probabilities (summing to 1). Adjacent bins are merged until each
// expects at least 5, as the chi-square approximation needs; the critical value is the
// Wilson-Hilferty approximation of the chi-square quantile at significance 1e-4 (z = 3.719).
inline ChiSquare chi_square(const std::vector<uint64_t>& observed, const std::vector<double>& probability)
{
    uint64_t total = 0;
    for (uint64_t o : observed)
        total += o;
    std::vector<double> obs, expect;
    double o_acc = 0, e_acc = 0;
    for (size_t i = 0; i < observed.size(); ++i) {
        o_acc += double(observed[i]);
        e_acc += probability[i] * double(total);
        if (e_acc >= 5) {
            obs.push_back(o_acc);
            expect.push_back(e_acc);
            o_acc = e_acc = 0;
        }
    }
    if (!expect.empty()) {  // what is left joins the last bin
        obs.back() += o_acc;
        expect.back() += e_acc;
    }
    ChiSquare c;
    for (size_t i = 0; i < obs.size(); ++i)
        c.statistic += (obs[i] - expect[i]) * (obs[i] - expect[i]) / expect[i];
    c.df = obs.size() > 1 ? unsigned(obs.size() - 1) : 1;
    const double a = 2.0 / (9.0 * c.df);
    c.critical = c.df * std::pow(1 - a + 3.719 * std::sqrt(a), 3);
    return c;
}

// `count` distinct positions below n.
inline std::vector<unsigned> distinct_positions(Rng& rng, unsigned n, unsigned count)
{
    std::vector<bool> used(n);
    std::vector<unsigned> out;
    while (out.size() < count) {
        const auto p = static_cast<unsigned>(rng.below(n));
        if (!used[p]) {
            used[p] = true;
            out.push_back(p);
        }
    }
    return out;
}

inline std::vector<uint8_t> random_bytes(Rng& rng, size_t n)
{
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = rng.byte();
    return v;
}

}  // namespace lpu::fectest
