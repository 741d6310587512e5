// GF(2^10), the Reed-Solomon codec and FEC code names: the tables against shift-and-add
// arithmetic, the encoder against naive long division, the decoder on every number of errors it
// must correct and on more, where it must refuse except as rarely as the theory allows.
#include "FecTestSupport.h"

#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/linkphy/FecCode.h"
#include "models/linkphy/Gf1024.h"
#include "models/linkphy/ReedSolomon.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace lpu;
using namespace lpu::fectest;

namespace {

// The reference arithmetic: carry-less multiplication, then reduction by x^10 + x^3 + 1 bit by bit.
uint16_t naive_mul(uint16_t a, uint16_t b)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < 10; ++i)
        if ((b >> i) & 1)
            r ^= uint32_t(a) << i;
    for (int bit = 18; bit >= 10; --bit)
        if (r & (1u << bit))
            r ^= 0x409u << (bit - 10);
    return static_cast<uint16_t>(r);
}

uint16_t naive_pow_alpha(unsigned j)
{
    uint16_t x = 1;
    for (unsigned i = 0; i < j; ++i)
        x = naive_mul(x, 2);
    return x;
}

// prod_{j < p} (x + alpha^j), lowest degree first.
std::vector<uint16_t> naive_generator(unsigned p)
{
    std::vector<uint16_t> g{1};
    for (unsigned j = 0; j < p; ++j) {
        std::vector<uint16_t> next(g.size() + 1, 0);
        for (size_t i = 0; i < g.size(); ++i) {
            next[i + 1] ^= g[i];
            next[i] ^= naive_mul(g[i], naive_pow_alpha(j));
        }
        g = next;
    }
    return g;
}

// The parity of m(x) x^p mod g(x) by schoolbook long division, highest degree first.
std::vector<uint16_t> naive_parity(const std::vector<uint16_t>& message, const std::vector<uint16_t>& g)
{
    const size_t p = g.size() - 1;
    std::vector<uint16_t> work(message);
    work.resize(message.size() + p, 0);
    for (size_t j = 0; j < message.size(); ++j) {
        const uint16_t f = work[j];
        for (size_t i = 0; i <= p; ++i)
            work[j + i] ^= naive_mul(f, g[p - i]);
    }
    return std::vector<uint16_t>(work.begin() + long(message.size()), work.end());
}

// c(alpha^j) of a codeword in transmit order (symbol 0 is the coefficient of x^(n-1)).
uint16_t naive_eval(const std::vector<uint16_t>& word, unsigned j)
{
    const uint16_t x = naive_pow_alpha(j);
    uint16_t acc = 0;
    for (uint16_t c : word)
        acc = naive_mul(acc, x) ^ c;
    return acc;
}

std::vector<uint16_t> random_codeword(const ReedSolomon& rs, Rng& rng)
{
    std::vector<uint16_t> word(rs.n());
    for (unsigned i = 0; i < rs.k(); ++i)
        word[i] = static_cast<uint16_t>(rng.below(1024));
    rs.encode(word.data());
    return word;
}

// Adds `count` symbol errors with random non-zero values at distinct random positions.
void add_errors(std::vector<uint16_t>& word, Rng& rng, unsigned count)
{
    for (unsigned pos : distinct_positions(rng, unsigned(word.size()), count))
        word[pos] ^= static_cast<uint16_t>(1 + rng.below(1023));
}

bool is_codeword(const ReedSolomon& rs, const std::vector<uint16_t>& word)
{
    std::vector<uint16_t> s(rs.parity());
    return !rs.syndromes(word.data(), s.data());
}

double log_choose(unsigned n, unsigned k)
{
    return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// The probability that t+1 symbol errors (distinct random positions, random non-zero values) are
// decoded into another codeword, exactly: when some codeword of the minimum weight 2t+1 agrees
// with them on their t+1 positions (the decoder then "corrects" its other t). An MDS code of length
// n has C(n, 2t+1) (q-1) such codewords, each matching C(2t+1, t+1) of the C(n, t+1) (q-1)^(t+1)
// patterns.
double miscorrection_t_plus_1(unsigned n, unsigned t)
{
    return std::exp(log_choose(n, 2 * t + 1) + log_choose(2 * t + 1, t + 1) - log_choose(n, t + 1) -
                    t * std::log(1023.0));
}

// For many errors, with the syndromes taken as uniform over the non-zero ones: the words a decoder
// would "correct", sum_{i=1..t} C(n, i) (q-1)^i, over the q^(n-k) - 1 non-zero syndromes.
double miscorrection_many(unsigned n, unsigned k)
{
    const unsigned t = (n - k) / 2;
    double sum = 0;
    for (unsigned i = 1; i <= t; ++i)
        sum += std::exp(log_choose(n, i) + i * std::log(1023.0));
    return sum / (std::pow(1024.0, n - k) - 1);
}

struct BeyondT {
    unsigned refused = 0, miscorrected = 0;
};

// Decodes `trials` words with `errors` > t symbol errors: each is refused (left as received) or
// miscorrected (into another codeword: the decoder cannot return the one sent).
BeyondT decode_beyond_t(const ReedSolomon& rs, unsigned errors, unsigned trials, uint64_t seed)
{
    Rng rng(seed);
    BeyondT out;
    for (unsigned i = 0; i < trials; ++i) {
        const std::vector<uint16_t> sent = random_codeword(rs, rng);
        std::vector<uint16_t> word = sent;
        add_errors(word, rng, errors);
        const std::vector<uint16_t> received = word;
        const ReedSolomon::Result r = rs.decode(word.data());
        if (!r.ok) {
            REQUIRE(word == received);
            ++out.refused;
        } else {
            REQUIRE(word != sent);
            REQUIRE(is_codeword(rs, word));
            ++out.miscorrected;
        }
    }
    return out;
}

}  // namespace

TEST_CASE("fec: GF(2^10) tables agree with shift-and-add arithmetic", "[fec][gf]")
{
    unsigned wrong_products = 0, wrong_quotients = 0;  // counted: a million REQUIREs are slow
    for (unsigned a = 0; a < 1024; ++a)
        for (unsigned b = 0; b < 1024; ++b) {
            const auto x = static_cast<uint16_t>(a), y = static_cast<uint16_t>(b);
            wrong_products += Gf1024::mul(x, y) != naive_mul(x, y);
            wrong_quotients += y != 0 && Gf1024::mul(Gf1024::div(x, y), y) != x;
        }
    REQUIRE(wrong_products == 0);
    REQUIRE(wrong_quotients == 0);
    uint16_t x = 1;
    for (unsigned i = 0; i < 1023; ++i) {
        REQUIRE(Gf1024::alpha_pow(i) == x);
        REQUIRE(Gf1024::log(x) == i);
        REQUIRE(Gf1024::mul(x, Gf1024::inv(x)) == 1);
        x = naive_mul(x, 2);
    }
    REQUIRE(x == 1);  // alpha^1023 = 1: alpha is primitive
    REQUIRE(Gf1024::alpha_pow(1023) == 1);
    REQUIRE(Gf1024::alpha_pow(1023ull * 5 + 7) == Gf1024::alpha_pow(7));
}

TEST_CASE("fec: the generator has roots alpha^0 .. alpha^(n-k-1) and the encoder is long division by it", "[fec][rs]")
{
    Rng rng(11);
    // KP4, KR4, small, a single parity symbol, parity widths outside the compiled ones (40, 100),
    // and the full-length code.
    const std::vector<std::pair<unsigned, unsigned>> codes{{544, 514}, {528, 514}, {31, 21},   {10, 9},
                                                           {100, 60},  {600, 500}, {1023, 993}};
    for (auto [n, k] : codes) {
        CAPTURE(n, k);
        const ReedSolomon rs(n, k);
        const unsigned p = n - k;
        const std::vector<uint16_t> g = naive_generator(p);
        REQUIRE(rs.generator() == g);
        REQUIRE(g.back() == 1);
        for (unsigned trial = 0; trial < 5; ++trial) {
            std::vector<uint16_t> word = random_codeword(rs, rng);
            const std::vector<uint16_t> message(word.begin(), word.begin() + k);
            REQUIRE(std::vector<uint16_t>(word.begin() + k, word.end()) == naive_parity(message, g));
            for (unsigned j = 0; j < p; ++j)
                REQUIRE(naive_eval(word, j) == 0);
            REQUIRE(naive_eval(word, p) != 0);  // almost surely: not a root of g
        }
    }
}

TEST_CASE("fec: the decoder corrects every pattern of up to t symbol errors exactly", "[fec][rs]")
{
    Rng rng(5);
    const std::vector<std::pair<unsigned, unsigned>> codes{{544, 514}, {528, 514},  {31, 21},
                                                           {100, 60},  {1023, 993}, {544, 542}};
    for (auto [n, k] : codes) {
        const ReedSolomon rs(n, k);
        for (unsigned errors = 0; errors <= rs.t(); ++errors)
            for (unsigned trial = 0; trial < 25; ++trial) {
                CAPTURE(n, k, errors, trial);
                const std::vector<uint16_t> sent = random_codeword(rs, rng);
                std::vector<uint16_t> word = sent;
                add_errors(word, rng, errors);
                const ReedSolomon::Result r = rs.decode(word.data());
                REQUIRE(r.ok);
                REQUIRE(r.corrected == errors);
                REQUIRE(word == sent);
            }
    }
}

TEST_CASE("fec: the decoder corrects t errors at the edges of the codeword and with extreme values", "[fec][rs]")
{
    const ReedSolomon rs(544, 514);
    Rng rng(2);
    const std::vector<uint16_t> sent = random_codeword(rs, rng);
    const std::vector<std::vector<unsigned>> patterns{
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},                           // the first symbols
        {529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543},  // parity only
        {0, 543, 100, 200, 300, 400, 500, 513, 514, 1, 542, 50, 250, 450, 350},
    };
    for (const auto& positions : patterns)
        for (uint16_t value : {uint16_t(1), uint16_t(0x3ff), uint16_t(0x200)}) {
            std::vector<uint16_t> word = sent;
            for (unsigned p : positions)
                word[p] ^= value;
            const ReedSolomon::Result r = rs.decode(word.data());
            REQUIRE(r.ok);
            REQUIRE(r.corrected == 15);
            REQUIRE(word == sent);
        }
    std::vector<uint16_t> zero(544, 0);  // the all-zero message encodes to the all-zero codeword
    rs.encode(zero.data());
    REQUIRE(zero == std::vector<uint16_t>(544, 0));
}

TEST_CASE("fec: KP4 never decodes t+1 or 2t symbol errors into wrong data (0 of 10^4 each)", "[fec][rs]")
{
    // Theory: 3.1e-17 for 16 errors, about 4.7e-17 for many.
    const ReedSolomon rs(544, 514);
    REQUIRE(miscorrection_t_plus_1(544, 15) < 1e-16);
    REQUIRE(miscorrection_many(544, 514) < 1e-16);
    for (unsigned errors : {16u, 30u}) {
        CAPTURE(errors);
        const BeyondT r = decode_beyond_t(rs, errors, 10000, 100 + errors);
        REQUIRE(r.miscorrected == 0);
        REQUIRE(r.refused == 10000);
    }
}

TEST_CASE("fec: KR4 beyond t: miscorrections as rare as theory says", "[fec][rs]")
{
    // Theory: 1.7e-6 (8 errors) and 1.8e-6 (14) per word, so 0.018 expected in 10^4: at most 1
    // (P(2 or more) = 1.6e-4).
    const ReedSolomon rs(528, 514);
    REQUIRE(miscorrection_t_plus_1(528, 7) < 2e-6);
    REQUIRE(miscorrection_many(528, 514) < 2e-6);
    for (unsigned errors : {8u, 14u}) {
        CAPTURE(errors);
        REQUIRE(decode_beyond_t(rs, errors, 10000, 200 + errors).miscorrected <= 1);
    }
}

TEST_CASE("fec: weak codes miscorrect beyond t at the rate theory predicts", "[fec][rs]")
{
    // t = 1 and t = 2, where it is frequent: a binomial count of the exact probability.
    struct Case {
        unsigned n, k, trials;
    };
    for (const Case& c : {Case{544, 542, 20000}, Case{544, 540, 10000}, Case{200, 196, 20000}}) {
        CAPTURE(c.n, c.k);
        const ReedSolomon rs(c.n, c.k);
        const double p = miscorrection_t_plus_1(c.n, rs.t());
        const BeyondT r = decode_beyond_t(rs, rs.t() + 1, c.trials, c.n + c.k);
        CAPTURE(p, r.miscorrected, r.refused);
        REQUIRE(binomial_count_ok(r.miscorrected, c.trials, p));
    }
}

TEST_CASE("fec: a burst of up to 10(t-1)+1 line bits is always corrected", "[fec][rs]")
{
    // Line bit b of a codeword is bit b % 10 of symbol b / 10 (LinkPhy's order): a burst of B bits
    // touches at most floor((B + 8) / 10) + 1 symbols, 15 for B = 141; 142 bits from the last bit
    // of a symbol touch 16.
    const ReedSolomon rs(544, 514);
    Rng rng(9);
    const std::vector<uint16_t> sent = random_codeword(rs, rng);
    auto burst = [&](unsigned start, unsigned bits) {
        std::vector<uint16_t> word = sent;
        for (unsigned b = start; b < start + bits; ++b)
            word[b / 10] ^= static_cast<uint16_t>(1u << (b % 10));
        const ReedSolomon::Result r = rs.decode(word.data());
        return r.ok && word == sent;
    };
    for (unsigned start = 0; start + 141 <= 5440; start += 7)
        REQUIRE(burst(start, 141));
    REQUIRE(burst(5440 - 141, 141));
    REQUIRE_FALSE(burst(9, 142));
    REQUIRE_FALSE(burst(5289, 142));  // 5289 = 528 x 10 + 9
}

TEST_CASE("fec: ReedSolomon refuses impossible codes and shares codecs", "[fec][rs]")
{
    REQUIRE_THROWS_AS(ReedSolomon(544, 544), InputError);
    REQUIRE_THROWS_AS(ReedSolomon(1024, 1000), InputError);
    REQUIRE_THROWS_AS(ReedSolomon(10, 0), InputError);
    REQUIRE_THROWS_WITH(ReedSolomon(2000, 10), Catch::Contains("0 < k < n <= 1023"));
    REQUIRE(ReedSolomon::shared(544, 514) == ReedSolomon::shared(544, 514));
    REQUIRE(ReedSolomon::shared(544, 514) != ReedSolomon::shared(528, 514));
    REQUIRE(ReedSolomon::shared(528, 514)->t() == 7);
}

TEST_CASE("fec: FEC codes by name, and what they cost on the line", "[fec]")
{
    REQUIRE(FecCode::parse("kp4") == FecCode::rs(544, 514));
    REQUIRE(FecCode::parse("KR4") == FecCode::rs(528, 514));
    REQUIRE(FecCode::parse("none").is_none());
    REQUIRE(FecCode::parse("rs(31,21)") == FecCode::rs(31, 21));
    REQUIRE(FecCode::parse("RS(544,514)").name() == "kp4");
    REQUIRE(FecCode::parse("rs(31,21)").name() == "rs(31,21)");
    REQUIRE(FecCode::parse("kp4").t() == 15);
    REQUIRE(FecCode::parse("kr4").t() == 7);
    for (const char* bad : {"kp5", "", "rs(544,514", "rs(544 ,514)", "rs(,514)", "rs(544,514)x", "rs(99999,1)"})
        REQUIRE_THROWS_WITH(FecCode::parse(bad), Catch::Contains("expected kp4"));
    REQUIRE_THROWS_WITH(FecCode::parse("rs(544,544)"), Catch::Contains("0 < k < n <= 1023"));
    REQUIRE_THROWS_WITH(FecCode::parse("rs(1024,1000)"), Catch::Contains("0 < k < n <= 1023"));

    REQUIRE(FecCode::parse("kp4").rate_expansion() == Approx(544.0 / 514));
    REQUIRE(FecCode::none().rate_expansion() == 1.0);
    // A 320-byte vector: 2560 payload bits, x 544/514 with KP4, plus 2.5 % of framing.
    REQUIRE(FecCode::parse("kp4").line_bits_per_vector(320, 0.025) == Approx(2560 * (544.0 / 514) + 64));
    REQUIRE(FecCode::none().line_bits_per_vector(16, 0) == 128);
}
