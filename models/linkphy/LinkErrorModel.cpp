#include "models/linkphy/LinkErrorModel.h"

#include "models/common/Error.h"

#include <cmath>
#include <limits>
#include <string>

namespace lpu {

namespace {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
// Gaps are capped here: 2^62 bits is over a year of a 100 Gb/s link, and a cap keeps the
// position arithmetic free of overflow.
constexpr uint64_t kMaxGap = uint64_t(1) << 62;

uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// One Rng seed from the three keys, each key mixed before the next is added, so that nearby
// seeds (link 1, link 2; direction 0, 1) give unrelated streams.
uint64_t mix_seed(uint64_t seed, uint64_t link_seed, unsigned direction)
{
    return splitmix64(splitmix64(splitmix64(seed) ^ link_seed) ^ direction);
}

// 2 atanh(s) = ln((1 + s) / (1 - s)) as 2 s (1 + s^2/3 + s^4/5 + ...), a fixed 24 terms, enough
// for |s| <= 1/3 (the last term is below 3^-46 of the first).
double two_atanh(double s)
{
    const double s2 = s * s;
    double sum = 0;
    for (int i = 23; i >= 0; --i)
        sum = sum * s2 + 1.0 / (2 * i + 1);
    return 2 * s * sum;
}

void check_probability(double p, const char* what)
{
    if (!(p >= 0 && p <= 1))
        throw InputError(std::string(what) + " " + std::to_string(p) + ": a probability must be in [0, 1]");
}

}  // namespace

double LinkErrorModel::portable_log(double x)
{
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)), then ln x = e ln 2 + ln m and
    // ln m = 2 atanh((m - 1) / (m + 1)) with |(m - 1) / (m + 1)| < 0.172.
    int e = 0;
    double m = std::frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2;
        --e;
    }
    return e * 0.69314718055994530942 + two_atanh((m - 1) / (m + 1));
}

double LinkErrorModel::portable_log1m(double p)
{
    // 1 - p = (1 + s) / (1 - s) with s = -p / (2 - p), without forming 1 - p, which loses the
    // digits of a small p (1 - 1e-12 keeps only four of them).
    if (p <= 0.5)
        return two_atanh(-p / (2 - p));
    return portable_log(1 - p);  // exact subtraction for p in [1/2, 1]
}

LinkErrorModel::LinkErrorModel(const BitErrorParams& params, uint64_t seed, uint64_t link_seed, unsigned direction)
    : params_(params), rng_(mix_seed(seed, link_seed, direction))
{
    check_probability(params.ber, "ber");
    check_probability(params.burst_probability, "burst_probability");
    if (params.burst_bits > kMaxBurstBits)
        throw InputError("burst_bits " + std::to_string(params.burst_bits) + ": at most " +
                         std::to_string(kMaxBurstBits));
    if (params.ber > 0 && params.ber < 1)
        log_no_error_ = portable_log1m(params.ber);
    next_event_ = draw_gap();
}

double LinkErrorModel::uniform() { return double(rng_.next() >> 11) * 0x1p-53; }

uint64_t LinkErrorModel::draw_gap()
{
    if (params_.ber <= 0)
        return kNever;
    if (params_.ber >= 1)
        return 0;
    // P(gap = g) = (1 - ber)^g ber: g = floor(ln u / ln(1 - ber)) for u uniform in (0, 1].
    const double u = 1.0 - uniform();
    const double g = std::floor(portable_log(u) / log_no_error_);
    return g >= double(kMaxGap) ? kMaxGap : uint64_t(g);
}

void LinkErrorModel::start_event()
{
    const uint64_t at = next_event_;
    ++events_;
    pending_.clear();
    pending_head_ = 0;
    pending_.push_back(at);
    uint64_t span = 1;
    if (params_.burst_bits > 1 && params_.burst_probability > 0 && uniform() < params_.burst_probability) {
        ++bursts_;
        span = params_.burst_bits;
        uint64_t coins = 0;
        for (unsigned i = 1; i < params_.burst_bits; ++i) {
            if ((i - 1) % 64 == 0)
                coins = rng_.next();
            if (coins & 1)
                pending_.push_back(at + i);
            coins >>= 1;
        }
    }
    const uint64_t gap = draw_gap();
    next_event_ = gap == kNever || at > kNever - span - gap ? kNever : at + span + gap;
}

void LinkErrorModel::next(uint64_t bits, std::vector<uint64_t>& flips)
{
    const uint64_t end = bits > kNever - pos_ ? kNever : pos_ + bits;
    for (;;) {
        while (pending_head_ < pending_.size() && pending_[pending_head_] < end) {
            flips.push_back(pending_[pending_head_++] - pos_);
            ++flipped_;
        }
        // The next event starts after the current one's span: none in this window while some of
        // the current one's bits lie beyond it.
        if (pending_head_ < pending_.size() || next_event_ >= end)
            break;
        start_event();
    }
    pos_ = end;
}

}  // namespace lpu
