// A system spread over several ranks (here threads standing in for MPI processes, LocalRanks)
// gives the bytes a single process gives: results, statistics and trace; and a failure on any
// rank stops every rank with the error a single process reports.
#include "models/common/Error.h"
#include "models/session/SystemSession.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "ChipTestSupport.h"
#include "LocalRanks.h"
#include "TempDir.h"

using namespace lpu;
using namespace lpu::test;

namespace {

constexpr unsigned kChips = 5;
constexpr uint64_t kSend = 6;

// A ring of tiny chips, C2C.0 of chip k to C2C.1 of chip k + 1, each clock off by its own ppm.
SystemSpec ring()
{
    SystemSpec s;
    s.name = "ring";
    s.types.push_back({"tiny", tiny()});
    for (unsigned k = 0; k < kChips; ++k)
        s.chips.push_back({"r" + std::to_string(k), 0, 40.0 * k - 80.0});
    for (unsigned k = 0; k < kChips; ++k) {
        SystemLink l;
        l.a = {k, 0};
        l.b = {(k + 1) % kChips, 1};
        s.links.push_back(l);
    }
    return s;
}

// Chip k's i-th value.
unsigned value(unsigned k, unsigned i) { return (37 * k + 11 * i + 5) % 256; }

// Chip k sends its word 0 (16 values of its own) at cycle kSend and writes what it receives from
// chip k - 1 to word 3, in the cycle the receiving chip's clock puts the arrival; `late` delays
// chip 3's Receive past its window.
std::string ring_program(const System& sys, unsigned k, bool late)
{
    const unsigned from = (k + kChips - 1) % kChips;
    const uint64_t recv =
        sys.clock(k).first_cycle_at(sys.clock(from).start_ps(kSend) + sys.timing(from, 0).latency_ps) +
        (late && k == 3 ? 40 : 0);
    std::ostringstream p;
    p << ".tensor a MEM_E43 0 1 i8\n.data a 0";
    for (unsigned i = 0; i < 16; ++i)
        p << " " << value(k, i);
    p << "\n.tensor b MEM_E42 0 4 i8\n.queue MEM_E43\n Read 0, s0e\n.queue C2C.0\n NOP " << kSend
      << "\n Send s0e\n.queue C2C.1\n NOP " << recv << "\n Receive s0w\n.queue MEM_E42\n NOP " << recv + 6
      << "\n Write 3, s0w\n";
    return p.str();
}

struct Outputs {
    std::string error, stats, trace;
    std::vector<std::string> dumps;
};

// One rank's session of the ring, writing into `dir` (rank 0 writes); returns the error, if any.
std::string run_rank(const TempDir& dir, RankExchange* exchange, unsigned threads, bool late)
{
    try {
        SystemSession s(ring(), exchange);
        for (unsigned k = 0; k < kChips; ++k) {
            const std::string name = "r" + std::to_string(k) + ".s";
            s.program(k, assemble(ring_program(s.system(), k, late), name, tiny()), name);
            s.dump_after(k, "b", dir / ("b" + std::to_string(k) + ".npy"));
        }
        s.stats_after(dir / "stats.json");
        s.trace_after(dir / "trace.json");
        s.run({}, threads);
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

Outputs outputs_of(const TempDir& dir, std::string error)
{
    Outputs o{std::move(error), read_text(dir / "stats.json"), read_text(dir / "trace.json"), {}};
    for (unsigned k = 0; k < kChips; ++k)
        o.dumps.push_back(read_text(dir / ("b" + std::to_string(k) + ".npy")));
    return o;
}

Outputs run_solo(unsigned threads, bool late)
{
    TempDir dir("lpusim-ranks");
    const std::string error = run_rank(dir, nullptr, threads, late);
    return outputs_of(dir, error);
}

// Every rank's error, and rank 0's outputs.
std::pair<std::vector<std::string>, Outputs> run_ranks(unsigned ranks, unsigned threads, bool late)
{
    TempDir dir("lpusim-ranks");
    std::vector<std::string> errors(ranks);
    LocalRanks(ranks).run([&](RankExchange& ex) { errors[ex.rank()] = run_rank(dir, &ex, threads, late); });
    return {errors, outputs_of(dir, errors[0])};
}

}  // namespace

TEST_CASE("a system gives the same bytes on 1, 2, 3 and 5 ranks and 1 or 2 threads", "[system][ranks]")
{
    const Outputs solo = run_solo(1, false);
    REQUIRE(solo.error == "");
    // Chip k's word 3 holds chip k - 1's word 0.
    for (unsigned k = 0; k < kChips; ++k) {
        const unsigned from = (k + kChips - 1) % kChips;
        REQUIRE(solo.dumps[k].size() == 128 + 64);
        for (unsigned i = 0; i < 16; ++i)
            CHECK(static_cast<uint8_t>(solo.dumps[k][128 + 48 + i]) == value(from, i));
    }
    CHECK(solo.stats.find("\"a_to_b\": {\"vectors\": 1, \"bytes\": 16") != std::string::npos);
    CHECK(solo.trace.find("\"pid\":5") != std::string::npos);
    for (unsigned ranks : {2u, 3u, 5u})
        for (unsigned threads : {1u, 2u}) {
            INFO(ranks << " ranks, " << threads << " threads");
            const auto [errors, o] = run_ranks(ranks, threads, false);
            for (const std::string& e : errors)
                CHECK(e == "");
            CHECK(o.stats == solo.stats);
            CHECK(o.trace == solo.trace);
            CHECK(o.dumps == solo.dumps);
        }
}

TEST_CASE("a failure on one rank stops every rank with a single process's error, writing nothing", "[system][ranks]")
{
    const Outputs solo = run_solo(1, true);
    REQUIRE(solo.error.find("chip r3 (tiny): cycle ") == 0);
    CHECK(solo.error.find("C2C.1: the vector from chip r2 (tiny) C2C.0") != std::string::npos);
    CHECK(solo.stats.empty());
    for (unsigned ranks : {2u, 3u}) {
        INFO(ranks << " ranks");
        const auto [errors, o] = run_ranks(ranks, 2, true);
        for (const std::string& e : errors)
            CHECK(e == solo.error);
        CHECK(o.stats.empty());
        CHECK(o.dumps == std::vector<std::string>(kChips));
    }
}

TEST_CASE("a set-up error on one rank is reported on every rank, the first in a single process's order",
          "[system][ranks]")
{
    auto setup = [](RankExchange* ex) -> std::string {
        try {
            SystemSession s(ring(), ex);
            for (unsigned k = 0; k < kChips; ++k) {
                const std::string name = "r" + std::to_string(k) + ".s";
                s.program(k, assemble(ring_program(s.system(), k, false), name, tiny()), name);
            }
            s.load(4, "nothing", "/nonexistent.npy");  // known only on chip 4's rank
            s.load(1, "a", "/nonexistent.npy");        // on chip 1's
            s.run();
            return "";
        } catch (const InputError& e) {
            return e.what();
        }
    };
    const std::string solo = setup(nullptr);
    CHECK(solo.find("'nothing'") != std::string::npos);
    for (unsigned ranks : {2u, 3u}) {
        std::vector<std::string> errors(ranks);
        LocalRanks(ranks).run([&](RankExchange& ex) { errors[ex.rank()] = setup(&ex); });
        for (const std::string& e : errors)
            CHECK(e == solo);
    }
}
