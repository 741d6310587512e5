// Time across chips (docs/system.md, "Time"): the aligned counters follow the root chip's within
// a bound computed here from the clocks (quantisation, latency measurement, an epoch's drift),
// whatever the chips' ppm and power-up times; Deskew starts chips together; RuntimeDeskew keeps a
// long exchange in step that drifts out of its receive windows without it; a sweep finds the ppm
// at which a program breaks, against the closed-form prediction; and results are the same bytes
// on any number of ranks and threads.
#include "models/common/Error.h"
#include "models/session/SystemSession.h"
#include "models/system/System.h"
#include "models/topology/SystemSpec.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "ChipTestSupport.h"
#include "LocalRanks.h"
#include "TempDir.h"

using namespace lpu;
using namespace lpu::test;

namespace {

constexpr double kPeriodPs = 1e6 / 900.0;  // tiny's nominal cycle
constexpr uint64_t kEpoch = 4096;          // icu.hac_epoch's default
constexpr uint64_t kWindow = 32;           // tiny's c2c.receive_window

// Tiny chips in a chain: C2C.0 of chip k to C2C.1 of chip k + 1.
SystemSpec chain(const std::vector<double>& ppm, const std::vector<uint64_t>& offset_ps)
{
    SystemSpec s;
    s.name = "chain";
    s.types.push_back({"tiny", tiny()});
    for (size_t k = 0; k < ppm.size(); ++k)
        s.chips.push_back({"c" + std::to_string(k), 0, ppm[k], offset_ps[k]});
    for (unsigned k = 0; k + 1 < ppm.size(); ++k) {
        SystemLink l;
        l.a = {k, 0};
        l.b = {k + 1, 1};
        s.links.push_back(l);
    }
    return s;
}

// The first cycle of a clock (`ppm` off 900 MHz, cycle 0 at `offset`) that starts at or after
// `ps`, from the documented rule: cycle c starts at offset + floor(c x period_fs / 1000).
uint64_t cycle_at(double ppm, uint64_t offset, uint64_t ps)
{
    const auto fs = static_cast<uint64_t>(std::llround(1e9 / (900.0 * (1 + ppm * 1e-6))));
    if (ps <= offset)
        return 0;
    uint64_t c = (ps - offset) * 1000 / fs;
    while (offset + c * fs / 1000 < ps)
        ++c;
    return c;
}

uint64_t start_of(double ppm, uint64_t offset, uint64_t c)
{
    const auto fs = static_cast<uint64_t>(std::llround(1e9 / (900.0 * (1 + ppm * 1e-6))));
    return offset + c * fs / 1000;
}

// A sending chip's queues: MEM_E43 reads word 0 onto s0e `lead` cycles before each Send of
// C2C.0; `start` says how they begin ("Deskew\n" or ""), `pace` what follows each round (e.g.
// "RuntimeDeskew 20479"), `at` the cycle of the first Send after the start.
std::string sender(const std::string& start, uint64_t at, unsigned rounds, const std::string& pace)
{
    std::ostringstream p;
    p << ".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n" << start;
    if (at > 6)
        p << " NOP " << at - 6 << "\n";
    for (unsigned r = 0; r < rounds; ++r)
        p << " Read 0, s0e\n" << (r + 1 < rounds ? " " + pace + "\n" : "");
    p << ".queue C2C.0\n" << start << " NOP " << at << "\n";
    for (unsigned r = 0; r < rounds; ++r)
        p << " Send s0e\n" << (r + 1 < rounds ? " " + pace + "\n" : "");
    return p.str();
}

// A receiving chip's: C2C.1 receives at `at` after the start and each round after, MEM_E42
// writes each vector to word 3 six cycles later.
std::string receiver(const std::string& start, uint64_t at, unsigned rounds, const std::string& pace)
{
    std::ostringstream p;
    p << ".tensor b MEM_E42 0 4 i8\n.queue C2C.1\n" << start << " NOP " << at << "\n";
    for (unsigned r = 0; r < rounds; ++r)
        p << " Receive s0w\n" << (r + 1 < rounds ? " " + pace + "\n" : "");
    p << ".queue MEM_E42\n" << start << " NOP " << at + 6 << "\n";
    for (unsigned r = 0; r < rounds; ++r)
        p << " Write 3, s0w\n" << (r + 1 < rounds ? " " + pace + "\n" : "");
    return p.str();
}

std::vector<uint8_t> pattern()
{
    std::vector<uint8_t> a(16);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<uint8_t>(7 * i + 1);
    return a;
}

struct PairRun {
    std::string error;
    std::vector<uint8_t> b;  // word 3 of chip 1
    SystemStats stats;
};

PairRun run_pair(const SystemSpec& spec, const std::string& s0, const std::string& s1)
{
    PairRun o;
    System sys(spec);
    const Program p0 = assemble(s0, "p0.s", tiny());
    const Program p1 = assemble(s1, "p1.s", tiny());
    sys.chip(0).load_tensor(*p0.tensor("a"), pattern());
    try {
        o.stats = sys.run({ChipRun{&p0, {}, nullptr}, ChipRun{&p1, {}, nullptr}});
    } catch (const ScheduleError& e) {
        o.error = e.what();
        return o;
    }
    const std::vector<uint8_t> b = sys.chip(1).dump_tensor(*p1.tensor("b"));
    o.b.assign(b.begin() + 3 * 16, b.end());
    return o;
}

size_t queue(const char* name) { return static_cast<size_t>(QueueMap(tiny()).find(name)); }

}  // namespace

TEST_CASE("a lone chip's Deskew waits for its next counter epoch and RuntimeDeskew n holds n cycles", "[time]")
{
    Chip chip("chip", tiny());
    const Program p = assemble(".queue MEM_E43\n Deskew\n Read 0, s0e\n RuntimeDeskew 100\n Read 1, s0e\n NOP 5000\n"
                               " Deskew\n Read 2, s0e\n",
                               "p.s", tiny());
    const RunStats st = chip.run(p);
    const QueueStats& q = st.queues[queue("MEM_E43")];
    CHECK(q.first == kEpoch);
    // The second Read 1 + 100 cycles after the first (checked below); the third at the first
    // epoch after the Deskew in cycle 4,096 + 1 + 100 + 1 + 5,000.
    CHECK(q.issued == 3);
    CHECK(q.last == 3 * kEpoch);
    CHECK(run_error(".queue MEM_E43\n NOP 3\n RuntimeDeskew 10\n") ==
          "cycle 3: MEM_E43: 'RuntimeDeskew 10' (p.s:3:2): no Deskew earlier in this queue: RuntimeDeskew keeps the "
          "program time a Deskew started in step with the aligned counter");
    CHECK(asm_error(".queue MEM_E43\n RuntimeDeskew 0\n").find("nominal cycles") != std::string::npos);
    Chip again("chip", tiny());
    const RunStats st2 = again.run(assemble(".queue MEM_E43\n Deskew\n Read 0, s0e\n RuntimeDeskew 100\n"
                                            " Read 1, s0e\n",
                                            "p.s", tiny()));
    CHECK(st2.queues[queue("MEM_E43")].last == kEpoch + 1 + 100);
}

TEST_CASE("aligned counters follow the root's within quantisation and an epoch's drift, whatever the ppm and "
          "power-up times",
          "[system][time]")
{
    const std::vector<double> ppm = {20, 100, -100, 60, -80};
    const std::vector<uint64_t> offset = {5000000, 0, 12345678, 777777, 3000001};
    System sys(chain(ppm, offset));
    const SystemTime& t = sys.time();
    REQUIRE(t.root() == 0);
    // The latency a round trip measures: each arrival is taken at the receiver's next cycle,
    // so the round trip counts 0 to 2 cycles more than twice the latency, halved and rounded.
    for (unsigned k = 1; k < 5; ++k) {
        const double latency = double(sys.timing(k - 1, 0).latency_ps) / kPeriodPs;
        CHECK(double(t.stats()[k].measured_latency) >= latency - 0.05);
        CHECK(double(t.stats()[k].measured_latency) <= latency + 1.55);
        CHECK(t.stats()[k].depth == k);
        CHECK(t.stats()[k].parent == k - 1);
    }
    // Each hop adds at most 1.5 cycles of latency measurement, 1 of arrival quantisation and
    // its chip's drift against the root over one epoch.
    double bound = 0;
    const uint64_t first = t.common_epoch();
    for (unsigned k = 1; k < 5; ++k) {
        bound += 2.5 * kPeriodPs + double(kEpoch) * kPeriodPs * std::fabs(ppm[k] - ppm[0]) * 1e-6 + 2;
        INFO("chip " << k << ", bound " << bound << " ps");
        CHECK(std::fabs(double(t.stats()[k].skew_ps)) <= bound);
        // It stays there: the drift does not accumulate over 2,000 epochs (about 9 ms).
        double worst = 0;
        for (uint64_t n = first; n < first + 2000; ++n)
            worst = std::max(worst, std::fabs(double(t.boundary_ps(k, n)) - double(t.boundary_ps(0, n))));
        CHECK(worst <= bound);
        // Unaligned, the same cycles of the two chips are microseconds apart.
        const double raw =
            double(start_of(ppm[k], offset[k], first * kEpoch)) - double(start_of(ppm[0], offset[0], first * kEpoch));
        CHECK(std::fabs(raw) > 100 * bound);
    }
    // Alignment starts at the root's first epoch once every chip is up (12,345,678 ps).
    CHECK(first == (cycle_at(20, 5000000, 12345678) + kEpoch - 1) / kEpoch + 4);
}

TEST_CASE("Deskew starts two chips' exchange together though they power up 180 cycles apart", "[system][time]")
{
    const SystemSpec spec = chain({0, 0}, {0, 200000});
    System sys(spec);
    const uint64_t latency = static_cast<uint64_t>(std::ceil(double(sys.timing(0, 0).latency_ps) / kPeriodPs));
    const uint64_t at = 6 + latency + 2;  // the arrival, and 2 cycles for the residual skew
    // Without Deskew chip 1 counts from its own power-up: the vector arrives 180 cycles early.
    const PairRun raw = run_pair(spec, sender("", 6, 1, ""), receiver("", at, 1, ""));
    INFO(raw.error);
    CHECK(raw.error.find("chip c1 (tiny): cycle ") == 0);
    CHECK(raw.error.find("arrived on link 1 (to chip c0 (tiny) C2C.0) in cycle") != std::string::npos);
    CHECK(raw.error.find("(receive_window 32)") != std::string::npos);
    const PairRun o = run_pair(spec, sender(" Deskew\n", 6, 1, ""), receiver(" Deskew\n", at, 1, ""));
    REQUIRE(o.error == "");
    CHECK(o.b == pattern());
    // Both started at the common epoch, within the residual skew of each other.
    const SystemTime& t = sys.time();
    const uint64_t n = t.common_epoch();
    CHECK(o.stats.chips[0].queues[queue("MEM_E43")].first == t.boundary(0, n));
    CHECK(o.stats.chips[1].queues[queue("C2C.1")].first == t.boundary(1, n) + at);
    CHECK(std::fabs(double(t.boundary_ps(1, n)) - double(t.boundary_ps(0, n))) <= 2.5 * kPeriodPs);
    CHECK(o.stats.time.at(1).skew_ps == int64_t(t.boundary_ps(1, n)) - int64_t(t.boundary_ps(0, n)));
}

TEST_CASE("RuntimeDeskew keeps a long exchange in step that drifts out of its receive window without it",
          "[system][time]")
{
    // Chip 1 runs 100 ppm fast: 2.048 cycles per round of 20,480 cycles (5 epochs).
    const SystemSpec spec = chain({0, 100}, {0, 0});
    constexpr uint64_t kRound = 5 * kEpoch;
    constexpr unsigned kRounds = 40;
    System sys(spec);
    const uint64_t latency = static_cast<uint64_t>(std::ceil(double(sys.timing(0, 0).latency_ps) / kPeriodPs));
    const uint64_t at = 6 + latency + 2;
    const std::string nop = "NOP " + std::to_string(kRound - 1);
    const std::string deskew = "RuntimeDeskew " + std::to_string(kRound - 1);
    const PairRun o =
        run_pair(spec, sender(" Deskew\n", 6, kRounds, deskew), receiver(" Deskew\n", at, kRounds, deskew));
    REQUIRE(o.error == "");
    CHECK(o.b == pattern());
    CHECK(o.stats.chips[1].c2c_received == kRounds);
    const PairRun drift = run_pair(spec, sender(" Deskew\n", 6, kRounds, nop), receiver(" Deskew\n", at, kRounds, nop));
    // Where it breaks, from the clocks: round r's Send at chip 0's cycle b0 + 6 + r x round, its
    // arrival on chip 1, and chip 1's Receive at b1 + at + r x round of its own faster clock.
    const SystemTime& t = sys.time();
    const uint64_t b0 = t.boundary(0, t.common_epoch()), b1 = t.boundary(1, t.common_epoch());
    uint64_t round = 0, arrival = 0;
    for (; round < kRounds; ++round) {
        const uint64_t sent = start_of(0, 0, b0 + 6 + round * kRound);
        arrival = cycle_at(100, 0, sent + sys.timing(0, 0).latency_ps);
        if (arrival > b1 + at + round * kRound)
            break;
    }
    REQUIRE(round < kRounds);
    CHECK(round == 2);  // 2 cycles of margin, 2.048 cycles of drift a round
    CHECK(drift.error == "chip c1 (tiny): cycle " + std::to_string(b1 + at + round * kRound) +
                             ": C2C.1: 'Receive s0w' (p1.s:" + std::to_string(5 + 2 * round) +
                             ":2): nothing has arrived on link 1 (to chip c0 (tiny) C2C.0) by this cycle; the next "
                             "vector arrives in cycle " +
                             std::to_string(arrival));
}

TEST_CASE("a sweep finds the clock offset at which a program's receive window breaks, as predicted", "[system][time]")
{
    // Chip 0 sends at cycle S; chip 1 receives in cycle R, 16 cycles after the arrival its
    // nominal clock predicts (the middle of its 32-cycle window). The vector arrives at x =
    // (S + L) x (1 + ppm x 1e-6) of chip 1's cycles (L: the link latency in cycles) and is taken
    // at ceil(x): the Receive finds nothing once x > R, ppm > (R / (S + L) - 1) x 1e6, and the
    // vector outwaits its window once ceil(x) + 32 < R, ppm < ((R - 33) / (S + L) - 1) x 1e6.
    constexpr uint64_t kS = 1000000, kMargin = 16;
    const System nominal(chain({0, 0}, {0, 0}));
    const uint64_t latency_ps = nominal.timing(0, 0).latency_ps;
    const uint64_t at = cycle_at(0, 0, start_of(0, 0, kS) + latency_ps) + kMargin;
    const std::string p0 = sender("", kS, 1, "");
    const std::string p1 = receiver("", at, 1, "");
    auto error_at = [&](double ppm) { return run_pair(chain({0, ppm}, {0, 0}), p0, p1).error; };
    const double cycles = double(kS) + double(latency_ps) / kPeriodPs;
    for (int sign : {1, -1}) {
        double ok = 0, broken = sign * 200.0;
        REQUIRE(error_at(ok) == "");
        REQUIRE(error_at(broken) != "");
        while (std::fabs(broken - ok) > 0.01) {
            const double mid = (ok + broken) / 2;
            (error_at(mid).empty() ? ok : broken) = mid;
        }
        const double predicted = (double(sign > 0 ? at : at - kWindow - 1) / cycles - 1) * 1e6;
        INFO("breaks at " << broken << " ppm, predicted " << predicted);
        // A clock's period is kept in whole femtoseconds (ChipClock): within one femtosecond's
        // worth of ppm (0.9) and the bisection's step.
        CHECK(std::fabs(broken - predicted) <= 1e9 / 1111111.0 / 1000 + 0.02);
        const std::string error = error_at(broken);
        CHECK(error.find("chip c1 (tiny): cycle ") == 0);
        CHECK(error.find(sign > 0 ? "nothing has arrived on link 1 (to chip c0 (tiny) C2C.0) by this cycle"
                                  : "arrived on link 1 (to chip c0 (tiny) C2C.0) in cycle") != std::string::npos);
    }
}

TEST_CASE("RuntimeDeskew refuses a chip that fell further behind than its slack", "[system][time]")
{
    // Chip 1 runs 100 ppm slow: over 100,000 of its cycles the counter gains about 10.
    const SystemSpec spec = chain({0, -100}, {0, 0});
    System sys(spec);
    const Program p1 = assemble(".queue MEM_E42\n Deskew\n NOP 100000\n RuntimeDeskew 5\n", "p1.s", tiny());
    std::string error;
    try {
        sys.run({ChipRun{}, ChipRun{&p1, {}, nullptr}});
    } catch (const ScheduleError& e) {
        error = e.what();
    }
    const uint64_t b1 = sys.time().boundary(1, sys.time().common_epoch());
    const std::string head = "chip c1 (tiny): cycle " + std::to_string(b1 + 100000) +
                             ": MEM_E42: 'RuntimeDeskew 5' (p1.s:4:2): the chip's clock has fallen ";
    REQUIRE(error.compare(0, head.size(), head) == 0);
    const unsigned behind = std::stoul(error.substr(head.size()));
    CHECK(behind >= 9);
    CHECK(behind <= 11);
    CHECK(error.substr(error.find(" cycles behind")) == " cycles behind the aligned counter since cycle " +
                                                            std::to_string(b1) +
                                                            ", more than this RuntimeDeskew's 4 cycles of slack "
                                                            "can absorb");
}

TEST_CASE("a link whose counter round trip does not fit in an epoch is refused", "[system][time]")
{
    SystemSpec spec = chain({0, 0}, {0, 0});
    spec.links[0].params.cable_latency = 1400;
    CHECK_THROWS_WITH([&] { System sys(spec); }(),
                      Catch::Contains("link 0 (c0 - c1): the counter round trip takes") &&
                          Catch::Contains("not less than an epoch of the hardware-aligned counter "
                                          "(icu.hac_epoch 4096)"));
}

TEST_CASE("chip types that count different epochs cannot be aligned", "[system][time]")
{
    SystemSpec spec = chain({0, 0}, {0, 0});
    ChipSpec other = tiny();
    other.icu.hac_epoch = 8192;
    spec.types.push_back({"other", other});
    spec.chips[1].type = 1;
    CHECK_THROWS_WITH([&] { System sys(spec); }(),
                      "chip c1 counts epochs of icu.hac_epoch 8192 cycles and the root chip c0 of 4096: aligned "
                      "counters must count the same epochs");
}

TEST_CASE("chip types of different nominal clocks cannot be aligned", "[system][time]")
{
    SystemSpec spec = chain({0, 0}, {0, 0});
    ChipSpec other = tiny();
    other.chip.clock_mhz = 1250;
    spec.types.push_back({"other", other});
    spec.chips[1].type = 1;
    CHECK_THROWS_WITH([&] { System sys(spec); }(),
                      "chip c1 runs at chip.clock_mhz 1250 and the root chip c0 at 900: aligned counters count "
                      "cycles, so the chips of a system share one nominal clock (each may be off it by its ppm)");
}

namespace {

// Chip k of a chain of 4 sends to chip k + 1 in 6 rounds, each chip paced by RuntimeDeskew.
std::string chain_program(const System& sys, unsigned k)
{
    const uint64_t latency = static_cast<uint64_t>(std::ceil(double(sys.timing(0, 0).latency_ps) / kPeriodPs));
    const std::string pace = "RuntimeDeskew " + std::to_string(3 * kEpoch - 1);
    std::string send = k < 3 ? sender(" Deskew\n", 6, 6, pace) : "";
    std::string recv = k > 0 ? receiver(" Deskew\n", 6 + latency + 3, 6, pace) : "";
    std::ostringstream data;
    data << ".data a 0";
    for (unsigned i = 0; i < 16; ++i)
        data << " " << (31 * k + 3 * i) % 256;
    if (!send.empty())
        send.insert(send.find('\n') + 1, data.str() + "\n");
    return send + recv;
}

std::string chain_rank(const TempDir& dir, RankExchange* ex, unsigned threads)
{
    try {
        SystemSession s(chain({0, 90, -70, 40}, {300000, 0, 4000000, 1234567}), ex);
        for (unsigned k = 0; k < 4; ++k) {
            const std::string name = "c" + std::to_string(k) + ".s";
            s.program(k, assemble(chain_program(s.system(), k), name, tiny()), name);
            if (k > 0)
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

std::vector<std::string> chain_outputs(const TempDir& dir)
{
    std::vector<std::string> out{read_text(dir / "stats.json"), read_text(dir / "trace.json")};
    for (unsigned k = 1; k < 4; ++k)
        out.push_back(read_text(dir / ("b" + std::to_string(k) + ".npy")));
    return out;
}

}  // namespace

TEST_CASE("with clock offsets, start offsets and deskews, a system gives the same bytes on 1, 2 and 3 ranks and 1 "
          "or 2 threads",
          "[system][time][ranks]")
{
    TempDir solo_dir("lpusim-time");
    REQUIRE(chain_rank(solo_dir, nullptr, 1) == "");
    const std::vector<std::string> solo = chain_outputs(solo_dir);
    CHECK(solo[0].find("\"time\": {\"hac_epoch\": 4096, \"root\": \"c0\"") != std::string::npos);
    CHECK(solo[0].find("\"c3\": {\"parent\": \"c2\", \"link\": 2, \"depth\": 3") != std::string::npos);
    CHECK(solo[0].find("\"link_latency\": [") != std::string::npos);
    // Chip k's word 3 holds chip k - 1's word 0.
    for (unsigned k = 1; k < 4; ++k)
        for (unsigned i = 0; i < 16; ++i)
            CHECK(static_cast<uint8_t>(solo[1 + k][128 + 48 + i]) == (31 * (k - 1) + 3 * i) % 256);
    for (unsigned ranks : {2u, 3u})
        for (unsigned threads : {1u, 2u}) {
            INFO(ranks << " ranks, " << threads << " threads");
            TempDir dir("lpusim-time");
            std::vector<std::string> errors(ranks);
            LocalRanks(ranks).run([&](RankExchange& ex) { errors[ex.rank()] = chain_rank(dir, &ex, threads); });
            for (const std::string& e : errors)
                CHECK(e == "");
            CHECK(chain_outputs(dir) == solo);
        }
}

TEST_CASE("a system file gives chips start offsets, draws the rest from the seed, and names the root", "[time]")
{
    const std::string head = "version: 1\nsystem:\n  name: p\n  seed: 7\n  ppm_spread: 50\n";
    const std::string rest = "  types:\n    tiny:\n      config: ../tiny.yaml\n  topology:\n    kind: node\n"
                             "    chips: 3\n";
    const std::string dir = std::string(LPUSIM_CONFIG_DIR) + "/systems/t.yaml";
    const SystemSpec plain = parse_system_spec(head + rest, dir);
    const SystemSpec s = parse_system_spec(head + "  start_spread_ps: 1000000\n  hac_root: c2\n" + rest +
                                               "  chips:\n    c1: {start_offset_ps: 42}\n",
                                           dir);
    CHECK(s.hac_root == 2);
    CHECK(plain.hac_root == 0);
    CHECK(s.chips[1].start_offset_ps == 42);
    CHECK(s.chips[0].start_offset_ps <= 1000000);
    CHECK(s.chips[2].start_offset_ps <= 1000000);
    CHECK(s.chips[0].start_offset_ps != s.chips[2].start_offset_ps);
    for (unsigned k = 0; k < 3; ++k) {
        CHECK(plain.chips[k].start_offset_ps == 0);
        CHECK(s.chips[k].ppm == plain.chips[k].ppm);  // the ppm draws are those without offsets
    }
    CHECK(
        parse_system_spec(head + "  start_spread_ps: 1000000\n  hac_root: c2\n" + rest, dir).chips[0].start_offset_ps ==
        s.chips[0].start_offset_ps);
    CHECK_THROWS_WITH(parse_system_spec(head + "  hac_root: c9\n" + rest, dir),
                      Catch::Contains("system.hac_root: no chip 'c9' in this system"));
    // The root's place changes the tree: c2 is every other chip's parent.
    System sys(s);
    CHECK(sys.time().stats()[0].parent == 2);
    CHECK(sys.time().stats()[1].parent == 2);
    CHECK(sys.time().stats()[2].depth == 0);
    // Every link's latency is measured, the one outside the tree (c0 - c1) too.
    REQUIRE(sys.spec().links.size() == 3);
    for (size_t l = 0; l < 3; ++l) {
        const double latency = double(sys.timing(l, 0).latency_ps) / (1e6 / 900.0);
        CHECK(double(sys.time().link_latency(l)) >= latency - 0.05);
        CHECK(double(sys.time().link_latency(l)) <= latency + 1.55);
    }
}
