// Link errors in a system run (docs/link-errors.md, docs/system.md "Link errors"): rings of tiny
// chips sending many vectors over links with a bit error rate. The FEC's corrected and
// uncorrectable codewords match the binomial law computed here; a poisoned vector never passes
// silently (the run fails naming it, or with the poison policy the run reports exactly the
// elements it reached); without FEC the flipped bits are delivered and counted; the same seeds
// give the same errors, on any number of ranks and threads.
#include "models/common/Error.h"
#include "models/linkphy/LinkPhy.h"
#include "models/session/SystemSession.h"
#include "models/system/System.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "ChipTestSupport.h"
#include "FecTestSupport.h"
#include "LocalRanks.h"
#include "TempDir.h"

using namespace lpu;
using namespace lpu::test;
using namespace lpu::fectest;

namespace {

constexpr unsigned kLanes = 16;    // bytes in a tiny chip's vector
constexpr uint64_t kSend = 6;      // the first Send: word 0, read in cycle 0, is at the C2C slice then
constexpr uint64_t kSpacing = 5;   // cycles between Sends (a vector occupies a KP4 link 4 cycles)
constexpr unsigned kSymbols = 14;  // 16 bytes + 2.5 % framing = 131.2 bits: 14 message symbols

// A ring of tiny chips, C2C.0 of chip k to C2C.1 of chip k + 1, link k with seed params.seed + k.
SystemSpec ring(unsigned chips, const LinkParams& params, std::vector<double> ppm = {})
{
    SystemSpec s;
    s.name = "ring";
    s.seed = 11;
    s.types.push_back({"tiny", tiny()});
    for (unsigned k = 0; k < chips; ++k)
        s.chips.push_back({"r" + std::to_string(k), 0, k < ppm.size() ? ppm[k] : 0.0});
    for (unsigned k = 0; k < chips; ++k) {
        SystemLink l;
        l.a = {k, 0};
        l.b = {(k + 1) % chips, 1};
        l.params = params;
        l.params.seed = params.seed + k;
        s.links.push_back(l);
    }
    return s;
}

LinkParams link(const char* fec, double ber, uint64_t seed = 100)
{
    LinkParams p;
    p.fec = fec;
    p.ber = ber;
    p.seed = seed;
    return p;
}

uint8_t value(unsigned chip, unsigned row, unsigned lane)
{
    return static_cast<uint8_t>((37 * chip + 11 * row + 5 * lane + row * row / 7) % 256);
}

std::vector<uint8_t> rows_of(unsigned chip, unsigned n)
{
    std::vector<uint8_t> a;
    for (unsigned i = 0; i < n; ++i)
        for (unsigned lane = 0; lane < kLanes; ++lane)
            a.push_back(value(chip, i, lane));
    return a;
}

// The cycle chip k receives its first vector: the latest arrival of the n, less its spacing (the
// arrivals drift by a cycle at most; the receive window is 32).
uint64_t first_receive(const System& sys, unsigned k, unsigned n)
{
    const unsigned from = static_cast<unsigned>((k + sys.chips() - 1) % sys.chips());
    uint64_t recv = 0;
    for (unsigned i = 0; i < n; ++i) {
        const uint64_t sent = sys.clock(from).start_ps(kSend + kSpacing * i);
        const uint64_t at = sys.clock(k).first_cycle_at(sent + sys.timing(from, 0).latency_ps);
        recv = std::max(recv, at - kSpacing * i);
    }
    return recv;
}

// Chip k sends the n rows of its tensor a on C2C.0, one every kSpacing cycles, and writes the n
// vectors arriving on C2C.1 into the rows of b.
std::string ring_program(const System& sys, unsigned k, unsigned n)
{
    const uint64_t recv = first_receive(sys, k, n);
    std::ostringstream p;
    p << ".tensor a MEM_E43 0 " << n << " i8\n.tensor b MEM_E42 0 " << n << " i8\n"
      << ".queue MEM_E43\n Read 0, s0e\n Repeat " << n - 1 << ", " << kSpacing << ", 1\n"
      << ".queue C2C.0\n NOP " << kSend << "\n Send s0e\n Repeat " << n - 1 << ", " << kSpacing << "\n"
      << ".queue C2C.1\n NOP " << recv << "\n Receive s0w\n Repeat " << n - 1 << ", " << kSpacing << "\n"
      << ".queue MEM_E42\n NOP " << recv + 6 << "\n Write 0, s0w\n Repeat " << n - 1 << ", " << kSpacing << ", 1\n";
    return p.str();
}

struct RingRun {
    std::string error;
    SystemStats stats;
    std::vector<std::vector<uint8_t>> b;  // per chip
};

RingRun run_ring(const SystemSpec& spec, unsigned n, ErrorPolicy policy, unsigned threads = 1)
{
    System sys(spec);
    sys.set_link_error_policy(policy);
    std::vector<Program> programs;
    for (unsigned k = 0; k < sys.chips(); ++k)
        programs.push_back(assemble(ring_program(sys, k, n), "r" + std::to_string(k) + ".s", tiny()));
    std::vector<ChipRun> runs;
    for (unsigned k = 0; k < sys.chips(); ++k) {
        sys.chip(k).load_tensor(*programs[k].tensor("a"), rows_of(k, n));
        runs.push_back(ChipRun{&programs[k], {}, nullptr});
    }
    RingRun r;
    try {
        r.stats = sys.run(runs, threads);
    } catch (const ScheduleError& e) {
        r.error = e.what();
        return r;
    }
    for (unsigned k = 0; k < sys.chips(); ++k)
        r.b.push_back(sys.chip(k).dump_tensor(*programs[k].tensor("b")));
    return r;
}

// Which of the n vectors link l of the ring poisons, from a LinkPhy of its own with the link's
// code, errors and seeds (tests/unit/test_link_phy.cpp checks the LinkPhy): the reference for
// which vectors the system must mark.
std::vector<bool> poisoned_by_phy(const SystemSpec& spec, unsigned l, unsigned n)
{
    const LinkParams& p = spec.links[l].params;
    LinkPhy phy(FecCode::parse(p.fec),
                LinkErrorModel(BitErrorParams{p.ber, p.burst_probability, p.burst_bits}, spec.seed, p.seed, 0));
    const std::vector<uint8_t> a = rows_of(l, n);
    std::vector<bool> out;
    for (unsigned i = 0; i < n; ++i) {
        phy.send_burst(a.data() + kLanes * i, kLanes, p.framing_overhead);
        ReceivedVector got;
        REQUIRE(phy.receive(got));
        out.push_back(got.poisoned);
    }
    return out;
}

unsigned bits_differing(const uint8_t* a, const uint8_t* b, size_t n)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; ++i)
        bits += static_cast<unsigned>(std::bitset<8>(a[i] ^ b[i]).count());
    return bits;
}

}  // namespace

TEST_CASE("link errors: corrected and uncorrectable codewords follow the binomial law at several bit error rates",
          "[system][link-errors]")
{
    // Each 16-byte vector is one shortened codeword: 14 message symbols and the code's n - k
    // parity. A symbol is in error with p_s = 1 - (1 - ber)^10; a codeword with more than t
    // symbols in error is uncorrectable.
    constexpr unsigned n = 1500;
    struct Case {
        const char* fec;
        double ber;
    };
    for (const Case c : {Case{"kp4", 1e-3}, Case{"kp4", 2e-2}, Case{"kp4", 3e-2}, Case{"kp4", 5e-2}, Case{"kr4", 1e-2},
                         Case{"kr4", 2e-2}}) {
        CAPTURE(c.fec, c.ber);
        const SystemSpec spec = ring(2, link(c.fec, c.ber));
        const RingRun r = run_ring(spec, n, ErrorPolicy::poison);
        REQUIRE(r.error == "");
        const FecCode code = FecCode::parse(c.fec);
        const unsigned symbols = kSymbols + code.n() - code.k();
        const double ps = 1 - std::pow(1 - c.ber, 10);
        const double p_bad = binomial_tail(symbols, code.t(), ps);
        const double p_corrected = 1 - binomial_pmf(symbols, 0, ps) - p_bad;
        uint64_t codewords = 0, corrected = 0, bad = 0, flipped = 0;
        for (unsigned l = 0; l < 2; ++l) {
            const LinkPhyCounters& f = r.stats.directions[2 * l].phy;
            REQUIRE(f.symbol_errors.size() == code.t() + 2);
            uint64_t histogram = 0, fixed = 0;
            for (unsigned j = 0; j <= code.t() + 1; ++j)
                histogram += f.symbol_errors[j];
            for (unsigned j = 1; j <= code.t(); ++j)
                fixed += f.symbol_errors[j];
            CHECK(histogram == f.codewords);
            CHECK(fixed == f.corrected_codewords);
            CHECK(f.symbol_errors[code.t() + 1] == f.uncorrectable_codewords);
            CHECK(f.miscorrected_codewords == 0);
            CHECK(f.vectors == n);
            codewords += f.codewords;
            corrected += f.corrected_codewords;
            bad += f.uncorrectable_codewords;
            flipped += f.bits_flipped;
            // Nothing wrong delivered unmarked: every vector that differs from the one sent was
            // poisoned, as the link's own LinkPhy says, and the receiving chip counted it.
            const unsigned to = (l + 1) % 2;
            const std::vector<bool> bad_vectors = poisoned_by_phy(spec, l, n);
            const std::vector<uint8_t> sent = rows_of(l, n);
            uint64_t differing = 0, poisoned = 0;
            for (unsigned i = 0; i < n; ++i) {
                const bool differs = !std::equal(sent.begin() + kLanes * i, sent.begin() + kLanes * (i + 1),
                                                 r.b[to].begin() + kLanes * i);
                differing += differs;
                poisoned += bad_vectors[i];
                if (differs)
                    CHECK(bad_vectors[i]);
            }
            CHECK(differing == f.vectors_with_bit_errors);
            CHECK(poisoned == f.vectors_poisoned);
            CHECK(r.stats.chips[to].c2c_poisoned == poisoned);
        }
        CHECK(codewords == 2 * n);
        CHECK(binomial_count_ok(corrected, codewords, p_corrected));
        CHECK(binomial_count_ok(bad, codewords, p_bad));
        CHECK(binomial_count_ok(flipped, codewords * symbols * 10, c.ber));
        if (c.ber >= 3e-2)
            CHECK(bad > 0);
    }
}

TEST_CASE("link errors: by default a poisoned vector fails the run, naming the link, cycle, vector, Send and Receive",
          "[system][link-errors]")
{
    constexpr unsigned n = 300;
    const SystemSpec spec = ring(2, link("kp4", 2.5e-2));
    const std::vector<bool> to1 = poisoned_by_phy(spec, 0, n), to0 = poisoned_by_phy(spec, 1, n);
    const auto first = [](const std::vector<bool>& v) {
        return static_cast<unsigned>(std::find(v.begin(), v.end(), true) - v.begin());
    };
    REQUIRE(first(to1) < n);
    REQUIRE(first(to0) < n);
    REQUIRE(std::max(first(to0), first(to1)) > 0);  // not the first vector: the index is the right one
    // Both links have the same timing: the first poisoned arrival is the lower index, and at a
    // tie the failure on the lower chip is reported.
    const bool chip0 = first(to0) <= first(to1);
    const unsigned receiver = chip0 ? 0 : 1, sender = 1 - receiver, vector = chip0 ? first(to0) : first(to1);
    System sys(spec);
    const uint64_t cycle = first_receive(sys, receiver, n) + kSpacing * vector;
    const std::string error = run_ring(spec, n, ErrorPolicy::fail).error;
    CAPTURE(error);
    const std::string r = "r" + std::to_string(receiver), s = "r" + std::to_string(sender);  // chip names
    CHECK(error.find("chip " + r + " (tiny): cycle " + std::to_string(cycle) + ": C2C.1: 'Receive s0w' (" + r +
                     ".s:") == 0);
    CHECK(error.find("the vector from chip " + s + " (tiny) C2C.0: 'Send s0e'") != std::string::npos);
    CHECK(error.find("sent in cycle " + std::to_string(kSend + kSpacing * vector)) != std::string::npos);
    CHECK(error.find("is poisoned: vector " + std::to_string(vector) + " of system link " + std::to_string(sender) +
                     " (chip " + s + " (tiny) C2C.0 -> chip " + r +
                     " (tiny) C2C.1), 1 of its codewords uncorrectable; it was to "
                     "drive stream s0w in cycle " +
                     std::to_string(cycle + tiny().c2c.receive_latency)) != std::string::npos);
}

TEST_CASE("link errors: with the poison policy the run reports exactly the elements poisoned vectors reached",
          "[system][link-errors]")
{
    constexpr unsigned n = 100;
    const SystemSpec spec = ring(2, link("kp4", 3e-2));
    TempDir dir("lpusim-poison");
    SystemSession s(spec);
    s.set_link_error_policy(ErrorPolicy::poison);
    for (unsigned k = 0; k < 2; ++k) {
        const std::string name = "r" + std::to_string(k) + ".s";
        const Program p = assemble(ring_program(s.system(), k, n), name, tiny());
        s.system().chip(k).load_tensor(*p.tensor("a"), rows_of(k, n));
        s.program(k, p, name);
    }
    s.stats_after(dir / "stats.json");
    s.run();
    const RingRun clean = run_ring(ring(2, link("kp4", 0)), n, ErrorPolicy::fail);
    REQUIRE(clean.error == "");
    // Chip k's b is a copy of what arrived: a poisoned vector reaches its row, every lane of it.
    std::string want;
    uint64_t poisoned = 0;
    for (unsigned k = 0; k < 2; ++k) {
        const std::vector<bool> bad = poisoned_by_phy(spec, 1 - k, n);
        const uint64_t rows = static_cast<uint64_t>(std::count(bad.begin(), bad.end(), true));
        poisoned += rows;
        const std::vector<uint8_t> b = s.array(k, "b").data;
        for (unsigned i = 0; i < n; ++i)  // what differs from a clean run is reached
            if (!std::equal(b.begin() + kLanes * i, b.begin() + kLanes * (i + 1), clean.b[k].begin() + kLanes * i))
                CHECK(bad[i]);
        if (rows == 0)
            continue;
        const unsigned row = static_cast<unsigned>(std::find(bad.begin(), bad.end(), true) - bad.begin());
        want += "r" + std::to_string(k) + " b: " + std::to_string(kLanes * rows) + " of " + std::to_string(kLanes * n) +
                " elements reached, first";
        for (unsigned lane = 0; lane < 8; ++lane)
            want += " [" + std::to_string(row) + "," + std::to_string(lane) + "]";
        want += "\n";
    }
    REQUIRE(poisoned > 0);
    CHECK(s.poison_report() == std::to_string(poisoned) + " poisoned vectors delivered; they reached:\n" + want);
    const std::string stats = read_text(dir / "stats.json");
    CHECK(stats.find("\"poison\": {\"vectors\": " + std::to_string(poisoned) +
                     ", \"compared\": true, \"error\": \"\"") != std::string::npos);
    CHECK(stats.find("\"tensor\": \"a\"") == std::string::npos);  // the inputs are not reached
}

TEST_CASE("link errors: without FEC the flipped bits reach the receiver and are counted, never corrected",
          "[system][link-errors]")
{
    constexpr unsigned n = 1500;
    const double ber = 1e-3;
    const RingRun r = run_ring(ring(2, link("none", ber)), n, ErrorPolicy::fail);
    REQUIRE(r.error == "");
    for (unsigned l = 0; l < 2; ++l) {
        const LinkPhyCounters& f = r.stats.directions[2 * l].phy;
        const std::vector<uint8_t> sent = rows_of(l, n);
        const unsigned delivered = bits_differing(sent.data(), r.b[(l + 1) % 2].data(), sent.size());
        CHECK(delivered == f.unprotected_bit_errors);
        CHECK(f.codewords == 0);
        CHECK(f.symbol_errors.empty());
        CHECK(f.corrected_codewords == 0);
        CHECK(f.vectors_poisoned == 0);
        // 128 payload bits and 4 of framing (131.2, rounded up) per vector.
        CHECK(binomial_count_ok(f.unprotected_bit_errors, uint64_t{n} * 128, ber));
        CHECK(binomial_count_ok(f.bits_flipped, uint64_t{n} * 132, ber));
        CHECK(f.bits_flipped >= f.unprotected_bit_errors);
    }
}

TEST_CASE("link errors: the same seeds give the same errors; another link or system seed others; none without a BER",
          "[system][link-errors]")
{
    constexpr unsigned n = 400;
    const auto counters = [](const RingRun& r) {
        std::vector<uint64_t> c;
        for (const LinkDirectionStats& d : r.stats.directions) {
            c.insert(c.end(), {d.phy.codewords, d.phy.corrected_codewords, d.phy.uncorrectable_codewords,
                               d.phy.bits_flipped, d.phy.vectors_poisoned});
            c.insert(c.end(), d.phy.symbol_errors.begin(), d.phy.symbol_errors.end());
        }
        return c;
    };
    const SystemSpec spec = ring(2, link("kp4", 2e-2));
    const RingRun a = run_ring(spec, n, ErrorPolicy::poison, 1);
    const RingRun b = run_ring(spec, n, ErrorPolicy::poison, 2);
    CHECK(counters(a) == counters(b));
    CHECK(a.b == b.b);
    CHECK(counters(run_ring(ring(2, link("kp4", 2e-2, 101)), n, ErrorPolicy::poison)) != counters(a));
    SystemSpec reseeded = spec;
    reseeded.seed = 12;
    CHECK(counters(run_ring(reseeded, n, ErrorPolicy::poison)) != counters(a));
    // A BER too small to flip anything runs every vector through a LinkPhy; none runs none: the
    // counters agree (the arithmetic of clean links is the LinkPhy's).
    for (const char* fec : {"kp4", "kr4", "none"}) {
        CAPTURE(fec);
        const RingRun tiny_ber = run_ring(ring(2, link(fec, 1e-15)), n, ErrorPolicy::fail);
        const RingRun no_ber = run_ring(ring(2, link(fec, 0)), n, ErrorPolicy::fail);
        CHECK(counters(tiny_ber) == counters(no_ber));
        CHECK(tiny_ber.stats.directions[0].phy.vectors == n);
        CHECK(no_ber.stats.directions[0].phy.vectors == n);
        CHECK(no_ber.b == tiny_ber.b);
    }
}

namespace {

constexpr unsigned kRingChips = 3, kRingVectors = 60;

// One rank's session of a ring with errors, writing into `dir` (rank 0 writes); its error and report.
std::pair<std::string, std::string> run_rank(const TempDir& dir, RankExchange* exchange, unsigned threads,
                                             ErrorPolicy policy)
{
    try {
        LinkParams bursty = link("kp4", 2e-2);  // some events bursts of up to 25 bits
        bursty.burst_probability = 0.2;
        bursty.burst_bits = 25;
        SystemSession s(ring(kRingChips, bursty, {-60, 20, 70}), exchange);
        s.set_link_error_policy(policy);
        for (unsigned k = 0; k < kRingChips; ++k) {
            const std::string name = "r" + std::to_string(k) + ".s";
            const Program p = assemble(ring_program(s.system(), k, kRingVectors), name, tiny());
            if (s.local(k))
                s.system().chip(k).load_tensor(*p.tensor("a"), rows_of(k, kRingVectors));
            s.program(k, p, name);
            s.dump_after(k, "b", dir / ("b" + std::to_string(k) + ".npy"));
        }
        s.stats_after(dir / "stats.json");
        s.run({}, threads);
        return {"", s.writer() ? s.poison_report() : ""};
    } catch (const std::exception& e) {
        return {e.what(), ""};
    }
}

}  // namespace

TEST_CASE("link errors: the same statistics, reports and failures on 1, 2 and 3 ranks and 1 or 2 threads",
          "[system][link-errors][ranks]")
{
    for (ErrorPolicy policy : {ErrorPolicy::poison, ErrorPolicy::fail}) {
        TempDir solo_dir("lpusim-linkerr");
        const auto [solo_error, solo_report] = run_rank(solo_dir, nullptr, 1, policy);
        const std::string solo_stats = read_text(solo_dir / "stats.json");
        if (policy == ErrorPolicy::poison) {
            REQUIRE(solo_error == "");
            CHECK(solo_report.find("reached:") != std::string::npos);
            CHECK(solo_stats.find("\"uncorrectable\": 0") != std::string::npos);  // the unused directions
        } else {
            CHECK(solo_error.find("is poisoned: vector ") != std::string::npos);
            CHECK(solo_stats.empty());
        }
        for (unsigned ranks : {1u, 2u, 3u})
            for (unsigned threads : {1u, 2u}) {
                INFO(ranks << " ranks, " << threads << " threads");
                TempDir dir("lpusim-linkerr");
                std::vector<std::pair<std::string, std::string>> out(ranks);
                LocalRanks(ranks).run([&](RankExchange& ex) { out[ex.rank()] = run_rank(dir, &ex, threads, policy); });
                for (const auto& o : out)
                    CHECK(o.first == solo_error);
                CHECK(out[0].second == solo_report);
                CHECK(read_text(dir / "stats.json") == solo_stats);
                for (unsigned k = 0; k < kRingChips; ++k) {
                    const std::string b = "b" + std::to_string(k) + ".npy";
                    CHECK(read_text(dir / b) == read_text(solo_dir / b));
                }
            }
    }
}

// Not a test (hidden; no timed assertion): the cost of link errors in a system run, for
// docs/system.md. `lpusim_unit_tests "[link-errors-bench]"` prints, per BER, the processor time
// of a ring of 4 tiny chips each sending 4,000 vectors (16 bytes, one RS(44,14) codeword each).
TEST_CASE("link errors: cost of a run by bit error rate", "[.][link-errors-bench]")
{
    constexpr unsigned n = 4000, chips = 4;
    for (const double ber : {0.0, 1e-6, 1e-4, 1e-3, 1e-2, 3e-2}) {
        const SystemSpec spec = ring(chips, link("kp4", ber));
        double best = 1e9;
        for (int trial = 0; trial < 3; ++trial) {
            const std::clock_t t0 = std::clock();
            const RingRun r = run_ring(spec, n, ErrorPolicy::poison);
            best = std::min(best, double(std::clock() - t0) / CLOCKS_PER_SEC);
            REQUIRE(r.error == "");
        }
        const RingRun r = run_ring(spec, n, ErrorPolicy::poison);
        uint64_t corrected = 0, bad = 0;
        for (const LinkDirectionStats& d : r.stats.directions) {
            corrected += d.phy.corrected_codewords;
            bad += d.phy.uncorrectable_codewords;
        }
        std::printf("ber %-6g  %.3f s processor time (best of 3; includes assembling and loading)  "
                    "%llu codewords corrected, %llu uncorrectable of %u\n",
                    ber, best, static_cast<unsigned long long>(corrected), static_cast<unsigned long long>(bad),
                    n * chips);
    }
}
