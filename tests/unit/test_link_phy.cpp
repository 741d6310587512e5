// What a link does to the vectors it carries: bit-exact without errors; at several bit error
// rates, symbol errors per codeword distributed as the binomial law says and decoded as the code
// allows; never wrong data marked good; the fast path identical to decoding every codeword; the
// same errors for the same seeds; bursts; no FEC.
#include "FecTestSupport.h"

#include "models/linkphy/LinkPhy.h"

#include <catch2/catch.hpp>

#include <bitset>
#include <cmath>
#include <set>
#include <vector>

using namespace lpu;
using namespace lpu::fectest;

namespace {

struct Run {
    std::vector<std::vector<uint8_t>> sent;
    std::vector<ReceivedVector> got;
    LinkPhyCounters counters;
};

void drain(LinkPhy& phy, Run& r)
{
    ReceivedVector v;
    while (phy.receive(v))
        r.got.push_back(std::move(v));
}

// Sends the vectors over a link, taking what it delivers after each, and flushes it at the end.
Run run_vectors(const FecCode& code, const BitErrorParams& errors, std::vector<std::vector<uint8_t>> vectors,
                uint64_t seed, DecodePolicy policy)
{
    Run r;
    r.sent = std::move(vectors);
    LinkPhy phy(code, LinkErrorModel(errors, seed, 17), policy);
    for (const std::vector<uint8_t>& v : r.sent) {
        phy.send(v);
        drain(phy, r);
    }
    phy.flush();
    drain(phy, r);
    REQUIRE(phy.in_flight() == 0);
    r.counters = phy.counters();
    return r;
}

// Vectors of the given sizes, random bytes from a fixed seed.
Run run_link(const FecCode& code, const BitErrorParams& errors, const std::vector<size_t>& sizes, uint64_t seed = 1,
             DecodePolicy policy = DecodePolicy::skip_clean)
{
    Rng data(1234);
    std::vector<std::vector<uint8_t>> vectors;
    for (size_t s : sizes)
        vectors.push_back(random_bytes(data, s));
    return run_vectors(code, errors, std::move(vectors), seed, policy);
}

// The same bytes cut into vectors of another size.
Run run_payload(const FecCode& code, const BitErrorParams& errors, const std::vector<uint8_t>& payload, size_t size)
{
    std::vector<std::vector<uint8_t>> vectors;
    for (size_t at = 0; at < payload.size(); at += size)
        vectors.emplace_back(payload.begin() + long(at), payload.begin() + long(std::min(at + size, payload.size())));
    return run_vectors(code, errors, std::move(vectors), 3, DecodePolicy::skip_clean);
}

uint32_t diff_bits(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b)
{
    uint32_t n = 0;
    for (size_t i = 0; i < a.size(); ++i)
        n += uint32_t(std::bitset<8>(a[i] ^ b[i]).count());
    return n;
}

// What holds for every run: every vector delivered once, in order, with its bit errors counted
// truly; a vector not poisoned is bit-exact (no miscorrection happens at these rates); the
// counters add up.
void check_invariants(const FecCode& code, const Run& r)
{
    REQUIRE(r.got.size() == r.sent.size());
    uint64_t poisoned = 0, with_errors = 0, payload_bits = 0;
    for (size_t i = 0; i < r.got.size(); ++i) {
        const ReceivedVector& v = r.got[i];
        REQUIRE(v.index == i);
        REQUIRE(v.data.size() == r.sent[i].size());
        REQUIRE(v.bit_errors == diff_bits(v.data, r.sent[i]));
        if (!code.is_none() && !v.poisoned)
            REQUIRE(v.data == r.sent[i]);
        poisoned += v.poisoned;
        with_errors += v.bit_errors > 0;
        payload_bits += 8 * r.sent[i].size();
    }
    const LinkPhyCounters& c = r.counters;
    REQUIRE(c.vectors == r.got.size());
    REQUIRE(c.vectors_poisoned == poisoned);
    REQUIRE(c.vectors_with_bit_errors == with_errors);
    REQUIRE(c.miscorrected_codewords == 0);
    if (code.is_none()) {
        REQUIRE(c.codewords == 0);
        REQUIRE(c.symbol_errors.empty());
        REQUIRE(poisoned == 0);
        return;
    }
    const uint64_t message_bits = 10ull * code.k();
    REQUIRE(c.codewords == (payload_bits + message_bits - 1) / message_bits);  // one flush, at the end
    REQUIRE(c.padding_bits == c.codewords * message_bits - payload_bits);
    REQUIRE(c.symbol_errors.size() == code.t() + 2);
    uint64_t total = 0, corrected = 0;
    for (unsigned j = 0; j <= code.t() + 1; ++j)
        total += c.symbol_errors[j];
    for (unsigned j = 1; j <= code.t(); ++j)
        corrected += c.symbol_errors[j];
    REQUIRE(total == c.codewords);
    REQUIRE(corrected == c.corrected_codewords);
    REQUIRE(c.symbol_errors[code.t() + 1] == c.uncorrectable_codewords);
    REQUIRE((c.uncorrectable_codewords == 0) == (poisoned == 0));
}

bool same_delivery(const Run& a, const Run& b)
{
    if (a.got.size() != b.got.size())
        return false;
    for (size_t i = 0; i < a.got.size(); ++i)
        if (a.got[i].data != b.got[i].data || a.got[i].poisoned != b.got[i].poisoned ||
            a.got[i].bit_errors != b.got[i].bit_errors)
            return false;
    const LinkPhyCounters &x = a.counters, &y = b.counters;
    return x.codewords == y.codewords && x.symbol_errors == y.symbol_errors &&
           x.corrected_codewords == y.corrected_codewords && x.uncorrectable_codewords == y.uncorrectable_codewords &&
           x.miscorrected_codewords == y.miscorrected_codewords && x.bits_flipped == y.bits_flipped &&
           x.padding_bits == y.padding_bits && x.vectors_poisoned == y.vectors_poisoned &&
           x.vectors_with_bit_errors == y.vectors_with_bit_errors &&
           x.unprotected_bit_errors == y.unprotected_bit_errors;
}

// Symbol errors per codeword against Binomial(n, p_s), p_s = 1 - (1 - ber)^10: the histogram by
// chi-square, the corrected and uncorrectable counts each as a binomial count.
void check_symbol_statistics(const FecCode& code, double ber, const LinkPhyCounters& c)
{
    const unsigned n = code.n(), t = code.t();
    const double ps = 1 - std::pow(1 - ber, 10);
    std::vector<double> prob;
    for (unsigned j = 0; j <= t; ++j)
        prob.push_back(binomial_pmf(n, j, ps));
    const double beyond = binomial_tail(n, t, ps);
    prob.push_back(beyond);
    const ChiSquare chi = chi_square(c.symbol_errors, prob);
    CAPTURE(ber, c.codewords, c.corrected_codewords, c.uncorrectable_codewords, beyond * double(c.codewords));
    INFO(chi.text());
    REQUIRE(chi.pass());
    REQUIRE(binomial_count_ok(c.uncorrectable_codewords, c.codewords, beyond));
    REQUIRE(binomial_count_ok(c.corrected_codewords, c.codewords, 1 - prob[0] - beyond));
    REQUIRE(binomial_count_ok(c.bits_flipped, c.codewords * 10ull * n, ber));
}

}  // namespace

TEST_CASE("link phy: without errors every vector arrives bit-exact, whatever its size and the code", "[link][phy]")
{
    const std::vector<std::vector<size_t>> streams{std::vector<size_t>(100, 320),
                                                   std::vector<size_t>(300, 16),
                                                   {1, 7, 643, 642, 1500, 3, 320, 16, 5140, 1},
                                                   std::vector<size_t>(1, 2)};
    for (const char* name : {"kp4", "kr4", "rs(31,21)", "none"})
        for (const auto& sizes : streams) {
            CAPTURE(name, sizes.size());
            const FecCode code = FecCode::parse(name);
            for (DecodePolicy policy : {DecodePolicy::skip_clean, DecodePolicy::every_codeword}) {
                const Run r = run_link(code, BitErrorParams{}, sizes, 1, policy);
                check_invariants(code, r);
                for (size_t i = 0; i < r.got.size(); ++i)
                    REQUIRE(r.got[i].data == r.sent[i]);
                REQUIRE(r.counters.bits_flipped == 0);
                REQUIRE(r.counters.vectors_with_bit_errors == 0);
                if (!code.is_none())
                    REQUIRE(r.counters.symbol_errors[0] == r.counters.codewords);
            }
        }
}

TEST_CASE("link phy: a vector is delivered when every codeword holding its bits is decoded", "[link][phy]")
{
    // KP4 carries 5140 payload bits per codeword; 320-byte vectors are 2560 bits.
    LinkPhy phy(FecCode::parse("kp4"), LinkErrorModel(BitErrorParams{}, 1, 1));
    const std::vector<uint8_t> v(320, 0xa5);
    phy.send(v);
    phy.send(v);  // 5120 bits: the first codeword is not full yet
    REQUIRE(phy.ready() == 0);
    REQUIRE(phy.in_flight() == 2);
    phy.send(v);  // the first codeword (bits 0 .. 5139) is decoded: vectors 0 and 1 are complete
    REQUIRE(phy.ready() == 2);
    REQUIRE(phy.in_flight() == 1);
    REQUIRE(phy.counters().codewords == 1);
    phy.flush();  // pads the second codeword (bits 5140 .. 10279; the payload ends at 7680)
    REQUIRE(phy.ready() == 3);
    REQUIRE(phy.counters().padding_bits == 10280 - 7680);
    ReceivedVector got;
    for (uint64_t i = 0; i < 3; ++i) {
        REQUIRE(phy.receive(got));
        REQUIRE(got.index == i);
        REQUIRE(got.data == v);
    }
    REQUIRE_FALSE(phy.receive(got));
    // After a flush the next vector starts a new codeword.
    phy.send(v);
    phy.flush();
    REQUIRE(phy.counters().codewords == 3);
}

TEST_CASE("link phy: symbol errors per codeword follow the binomial law at several bit error rates", "[link][phy]")
{
    // About 4000 KP4 codewords per rate; at 3e-3 (16 symbol errors per codeword on average) more
    // than half are uncorrectable, at 1e-4 none is expected.
    const FecCode kp4 = FecCode::parse("kp4");
    for (double ber : {1e-4, 5e-4, 1e-3, 3e-3}) {
        const Run r = run_link(kp4, BitErrorParams{ber, 0, 0}, std::vector<size_t>(8000, 320), 42);
        check_invariants(kp4, r);
        check_symbol_statistics(kp4, ber, r.counters);
    }
    const FecCode kr4 = FecCode::parse("kr4");
    const Run r = run_link(kr4, BitErrorParams{1e-3, 0, 0}, std::vector<size_t>(8000, 320), 43);
    check_invariants(kr4, r);
    check_symbol_statistics(kr4, 1e-3, r.counters);
}

TEST_CASE("link phy: exactly the vectors touching an uncorrectable codeword are poisoned", "[link][phy]")
{
    // The same payload as 16-byte and as 320-byte vectors meets the same line errors, so the same
    // codewords fail. The 16-byte run shows which (most of its vectors lie inside one codeword);
    // in both runs a vector must be poisoned if and only if it overlaps one of those, and every
    // other vector must be bit-exact.
    const FecCode kp4 = FecCode::parse("kp4");
    const BitErrorParams errors{2e-3, 0, 0};
    Rng rng(77);
    const std::vector<uint8_t> payload = random_bytes(rng, 320 * 1000);
    const Run small = run_payload(kp4, errors, payload, 16);
    const Run large = run_payload(kp4, errors, payload, 320);
    check_invariants(kp4, small);
    check_invariants(kp4, large);
    REQUIRE(small.counters.uncorrectable_codewords == large.counters.uncorrectable_codewords);
    REQUIRE(small.counters.uncorrectable_codewords > 10);
    REQUIRE(small.counters.uncorrectable_codewords < small.counters.codewords / 2);

    const uint64_t K = 5140;
    std::set<uint64_t> failed;
    for (size_t i = 0; i < small.got.size(); ++i) {
        const uint64_t lo = 128 * i, hi = lo + 128;
        if (lo / K == (hi - 1) / K && small.got[i].poisoned)
            failed.insert(lo / K);
    }
    REQUIRE(failed.size() == small.counters.uncorrectable_codewords);
    uint64_t poisoned_errors = 0;
    for (const Run* r : {&small, &large}) {
        uint64_t lo = 0;
        for (const ReceivedVector& v : r->got) {
            const uint64_t hi = lo + 8 * v.data.size();
            bool touches = false;
            for (uint64_t c = lo / K; c <= (hi - 1) / K; ++c)
                touches |= failed.count(c) > 0;
            REQUIRE(v.poisoned == touches);
            poisoned_errors += v.poisoned ? v.bit_errors : 0;
            lo = hi;
        }
    }
    REQUIRE(poisoned_errors > 0);  // a poisoned vector holds what was received, uncorrected
}

TEST_CASE("link phy: skipping error-free codewords changes nothing", "[link][phy]")
{
    // every_codeword encodes, sends and decodes each codeword; skip_clean does so only for
    // codewords the error model touched. Same deliveries, same counters, bit for bit.
    const std::vector<size_t> sizes{320, 16, 320, 7, 1000, 320, 320, 64, 5, 320};
    std::vector<size_t> stream;
    for (int i = 0; i < 100; ++i)
        stream.insert(stream.end(), sizes.begin(), sizes.end());
    for (const char* name : {"kp4", "kr4"})
        for (const BitErrorParams& e : {BitErrorParams{1e-5, 0, 0}, BitErrorParams{2e-4, 0, 0},
                                        BitErrorParams{3e-4, 0.3, 40}, BitErrorParams{3e-3, 0, 0}}) {
            CAPTURE(name, e.ber, e.burst_probability);
            const FecCode code = FecCode::parse(name);
            const Run fast = run_link(code, e, stream, 8, DecodePolicy::skip_clean);
            const Run full = run_link(code, e, stream, 8, DecodePolicy::every_codeword);
            check_invariants(code, fast);
            REQUIRE(same_delivery(fast, full));
        }
}

TEST_CASE("link phy: the same seeds give the same errors, other seeds give others", "[link][phy]")
{
    const std::vector<size_t> sizes(2000, 320);
    for (const char* name : {"kp4", "none"}) {
        const FecCode code = FecCode::parse(name);
        const BitErrorParams e{2e-3, 0.1, 20};
        const Run a = run_link(code, e, sizes, 5), b = run_link(code, e, sizes, 5), c = run_link(code, e, sizes, 6);
        REQUIRE(same_delivery(a, b));
        REQUIRE_FALSE(same_delivery(a, c));
        REQUIRE(a.counters.bits_flipped != c.counters.bits_flipped);
    }
}

TEST_CASE("link phy: bursts: a few codewords with many symbol errors, corrected while they stay within t",
          "[link][phy]")
{
    // Bursts of 61 bits span 7 symbols and flip the first bit of the span, each other with
    // probability 1/2: 6.9 symbol errors per burst on average (the first and five middle symbols
    // almost surely, the last with 1 - 2^-(bits of it in the span)), fewer only where a burst
    // straddles two codewords. At this rate a codeword meets two bursts rarely (at most 14
    // symbols, still corrected) and three almost never (about 1e-3 over the run).
    const FecCode kp4 = FecCode::parse("kp4");
    const Run r = run_link(kp4, BitErrorParams{2e-6, 1.0, 61}, std::vector<size_t>(8000, 320), 4);
    check_invariants(kp4, r);
    const LinkPhyCounters& c = r.counters;
    REQUIRE(c.uncorrectable_codewords == 0);
    REQUIRE(c.corrected_codewords > 10);
    uint64_t symbols = 0;
    for (unsigned j = 1; j <= kp4.t(); ++j)
        symbols += j * c.symbol_errors[j];
    CAPTURE(c.corrected_codewords, symbols);
    REQUIRE(double(symbols) / double(c.corrected_codewords) >= 6.0);
}

TEST_CASE("link phy: without FEC flipped bits reach the receiver and are counted per vector", "[link][phy]")
{
    const FecCode none = FecCode::none();
    const double ber = 1e-3;
    const Run r = run_link(none, BitErrorParams{ber, 0, 0}, std::vector<size_t>(2000, 320), 9);
    check_invariants(none, r);
    uint64_t errors = 0;
    for (const ReceivedVector& v : r.got)
        errors += v.bit_errors;
    REQUIRE(errors == r.counters.unprotected_bit_errors);
    REQUIRE(errors == r.counters.bits_flipped);
    REQUIRE(binomial_count_ok(errors, 2000 * 2560, ber));

    LinkPhy phy(none, LinkErrorModel(BitErrorParams{}, 1, 1));
    phy.send(std::vector<uint8_t>(16, 1));
    REQUIRE(phy.ready() == 1);  // no codeword to wait for
    REQUIRE(phy.code().rate_expansion() == 1.0);
}

TEST_CASE("link phy: a vector as a burst of its own: the codewords and line bits of FecCode::burst", "[link][phy]")
{
    // Payload and framing bits as 10-bit symbols, cut into codewords of at most k message
    // symbols, each with n - k parity symbols (counted by hand here).
    const FecCode kp4 = FecCode::parse("kp4");
    const VectorBurst tiny = kp4.burst(16, 0.025);  // 131.2 bits: 14 symbols, one codeword
    REQUIRE(tiny.symbols == 14);
    REQUIRE(tiny.codewords == 1);
    REQUIRE(tiny.last_symbols == 14);
    REQUIRE(tiny.line_bits == 440);
    const VectorBurst wide = kp4.burst(1000, 0.025);  // 8,200 bits: 820 symbols, 514 + 306
    REQUIRE(wide.codewords == 2);
    REQUIRE(wide.last_symbols == 306);
    REQUIRE(wide.line_bits == (820 + 60) * 10);
    REQUIRE(FecCode::none().burst(16, 0.025).line_bits == 132);

    Rng data(3);
    for (size_t bytes : {size_t{16}, size_t{320}, size_t{1000}}) {
        LinkPhy phy(kp4, LinkErrorModel(BitErrorParams{}, 1, 1));
        for (int i = 0; i < 20; ++i) {
            const std::vector<uint8_t> v = random_bytes(data, bytes);
            phy.send_burst(v.data(), v.size(), 0.025);
            ReceivedVector got;
            REQUIRE(phy.receive(got));  // delivered at once
            REQUIRE(got.data == v);
        }
        const VectorBurst b = kp4.burst(static_cast<unsigned>(bytes), 0.025);
        REQUIRE(phy.counters().codewords == 20 * b.codewords);
        REQUIRE(phy.errors().position() == 20 * b.line_bits);  // exactly the line bits the timing charges
    }
}

TEST_CASE("link phy: a burst's vector is poisoned exactly when one of its codewords fails, framing included",
          "[link][phy]")
{
    // RS(31,21): 26 bytes and 5 % framing are 218.4 bits, 22 symbols: a codeword of 21 and one of
    // a single symbol of framing bits only, whose failure poisons the vector all the same.
    const FecCode code = FecCode::rs(31, 21);
    REQUIRE(code.burst(26, 0.05).codewords == 2);
    LinkPhy phy(code, LinkErrorModel(BitErrorParams{0.02, 0, 0}, 7, 3));
    Rng data(5);
    uint64_t poisoned = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::vector<uint8_t> v = random_bytes(data, 26);
        const uint64_t failed = phy.counters().uncorrectable_codewords;
        phy.send_burst(v.data(), v.size(), 0.05);
        ReceivedVector got;
        REQUIRE(phy.receive(got));
        const uint64_t now = phy.counters().uncorrectable_codewords - failed;
        REQUIRE(got.poisoned == (now > 0));
        REQUIRE(got.bit_errors == diff_bits(got.data, v));
        if (!got.poisoned)
            REQUIRE(got.data == v);
        poisoned += got.poisoned;
    }
    REQUIRE(phy.counters().vectors_poisoned == poisoned);
    REQUIRE(poisoned > 100);
    REQUIRE(poisoned < 2900);

    LinkPhy streaming(code, LinkErrorModel(BitErrorParams{}, 1, 1));
    streaming.send(std::vector<uint8_t>(5, 1));
    const std::vector<uint8_t> four(4, 2);
    REQUIRE_THROWS_AS(streaming.send_burst(four.data(), four.size(), 0), std::logic_error);  // mid-stream
}

TEST_CASE("link phy: an empty vector is refused", "[link][phy]")
{
    LinkPhy phy(FecCode::parse("kp4"), LinkErrorModel(BitErrorParams{}, 1, 1));
    REQUIRE_THROWS_AS(phy.send(nullptr, 0), std::invalid_argument);
}

// CTest label slow (tests/CMakeLists.txt, -DLPUSIM_SLOW_TESTS=ON): the statistics at length,
// 100,000 codewords per rate and code.
TEST_CASE("link phy slow: symbol error statistics over 10^5 codewords per rate", "[.][fec-slow]")
{
    for (const char* name : {"kp4", "kr4"})
        for (double ber : {1e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3}) {
            CAPTURE(name, ber);
            const FecCode code = FecCode::parse(name);
            const size_t vectors = size_t(100000 * 10.0 * code.k() / 2560);
            const Run r = run_link(code, BitErrorParams{ber, 0, 0}, std::vector<size_t>(vectors, 320), 1000);
            check_invariants(code, r);
            check_symbol_statistics(code, ber, r.counters);
        }
}
