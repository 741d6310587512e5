// A system of chips (models/system): vectors sent over a C2C link arrive when the link's timing
// says (checked against the timing computed here from the documented formula), bit-exact, and
// every link schedule error names both chips, the link, the cycle and the instructions; the
// result does not depend on the number of threads.
#include "models/session/SystemSession.h"
#include "models/system/System.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

// Two tiny chips, port `pa` of chip 0 linked to port `pb` of chip 1.
SystemSpec pair_of_tiny(unsigned pa = 0, unsigned pb = 0, LinkParams params = {})
{
    SystemSpec s;
    s.name = "pair";
    s.types.push_back({"tiny", tiny()});
    s.chips = {{"c0", 0, 0}, {"c1", 0, 0}};
    SystemLink l;
    l.a = {0, pa};
    l.b = {1, pb};
    l.params = params;
    s.links.push_back(l);
    return s;
}

// The arrival cycle of a vector sent in cycle `send` by a tiny chip on a default link, from the
// documented formula (docs/system.md): 16 bytes x 8 x 1.025 framing = 131.2 bits = 14 symbols of
// 10 bits, one shortened KP4 codeword with 30 parity symbols: 440 line bits at 4 x 30 Gb/s;
// then 216 cycles of cable at the nominal 1111 ps; the receiver takes it in its first cycle
// starting at or after that time.
uint64_t arrival_cycle(uint64_t send)
{
    const double period_ps = 1e6 / 900.0;
    const double sent_ps = std::floor(send * period_ps);
    const double serialise_ps = std::ceil(440.0 / 0.12);
    const double at_ps = sent_ps + serialise_ps + 216.0 * 1111.0;
    return static_cast<uint64_t>(std::ceil(at_ps / period_ps - 1e-9));
}

// Chip 0: MEM_E43 reads word 0 at cycle 0 (on s0e at 91 in cycle 2, at the C2C slice 95 in
// cycle 6) and C2C.0 sends it at `send`. Chip 1: C2C.0 receives at `recv` (on s0w at 95 one
// cycle later, at MEM_E43 four cycles after that) and MEM_E43 writes it to word 3.
std::pair<std::string, std::string> exchange(uint64_t send, uint64_t recv)
{
    std::ostringstream p0, p1;
    p0 << ".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n Read 0, s0e\n.queue C2C.0\n NOP " << send << "\n Send s0e\n";
    p1 << ".tensor b MEM_E43 0 4 i8\n.queue C2C.0\n NOP " << recv << "\n Receive s0w\n.queue MEM_E43\n NOP " << recv + 5
       << "\n Write 3, s0w\n";
    return {p0.str(), p1.str()};
}

struct Outcome {
    std::string error;
    std::vector<uint8_t> b;
    SystemStats stats;
};

Outcome run_pair(const std::pair<std::string, std::string>& programs, unsigned threads = 1, LinkParams params = {})
{
    Outcome o;
    System sys(pair_of_tiny(0, 0, params));
    const Program p0 = assemble(programs.first, "p0.s", tiny());
    const Program p1 = assemble(programs.second, "p1.s", tiny());
    std::vector<uint8_t> a(16);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<uint8_t>(11 * i + 3);
    sys.chip(0).load_tensor(*p0.tensor("a"), a);
    try {
        o.stats = sys.run({ChipRun{&p0, {}, nullptr}, ChipRun{&p1, {}, nullptr}}, threads);
    } catch (const ScheduleError& e) {
        o.error = e.what();
        return o;
    }
    const std::vector<uint8_t> b = sys.chip(1).dump_tensor(*p1.tensor("b"));
    o.b.assign(b.begin() + 3 * 16, b.end());
    return o;
}

}  // namespace

TEST_CASE("a vector crosses a link in the cycles its timing says, bit-exact", "[system]")
{
    const uint64_t send = 6, recv = arrival_cycle(send);
    System sys(pair_of_tiny());
    CHECK(sys.clock(1).first_cycle_at(sys.clock(0).start_ps(send) + sys.direction(0, 0).timing().latency_ps) == recv);
    CHECK(sys.direction(0, 0).timing().line_bits == 440);
    const Outcome o = run_pair(exchange(send, recv));
    REQUIRE(o.error == "");
    std::vector<uint8_t> want(16);
    for (size_t i = 0; i < want.size(); ++i)
        want[i] = static_cast<uint8_t>(11 * i + 3);
    CHECK(o.b == want);
    CHECK(o.stats.chips[0].c2c_sent == 1);
    CHECK(o.stats.chips[1].c2c_received == 1);
    CHECK(o.stats.directions[0].vectors == 1);
    CHECK(o.stats.directions[0].bytes == 16);
    CHECK(o.stats.directions[1].vectors == 0);
    // A Receive issued later in its window takes it too (the window is 32 cycles on tiny).
    CHECK(run_pair(exchange(send, recv + 32)).error == "");
}

TEST_CASE("a link's latency adds its cable, SerDes and FEC cycles at the sender's nominal period", "[system]")
{
    LinkParams p;
    const LinkTiming base = LinkTiming::of(tiny(), p, 16);
    p.cable_latency = 100;
    p.serdes_latency = 7;
    p.fec_latency = 3;
    const LinkTiming t = LinkTiming::of(tiny(), p, 16);
    CHECK(t.serialise_ps == base.serialise_ps);
    CHECK(t.latency_ps == t.serialise_ps + (100 + 7 + 3) * tiny().chip.period_ps());
    // Without FEC the line carries the framed payload alone: ceil(16 x 8 x 1.025) bits.
    p.fec = "none";
    CHECK(LinkTiming::of(tiny(), p, 16).line_bits == 132);
}

TEST_CASE("every link schedule error names both chips, the link, the cycle and the instructions", "[system]")
{
    const uint64_t send = 6, recv = arrival_cycle(send);
    SECTION("a Receive before the vector arrives")
    {
        CHECK(run_pair(exchange(send, recv - 1)).error ==
              "chip c1 (tiny): cycle " + std::to_string(recv - 1) +
                  ": C2C.0: 'Receive s0w' (p1.s:4:2): nothing has arrived on link 0 (to chip c0 (tiny) C2C.0) by this "
                  "cycle; the next vector arrives in cycle " +
                  std::to_string(recv));
    }
    SECTION("a vector no Receive takes in its window")
    {
        CHECK(run_pair(exchange(send, recv + 33)).error == "chip c1 (tiny): cycle " + std::to_string(recv + 33) +
                                                               ": C2C.0: the vector from chip c0 (tiny) C2C.0: 'Send "
                                                               "s0e' (p0.s:6:2), sent in cycle 6 arrived on link 0 "
                                                               "(to chip c0 (tiny) C2C.0) in cycle " +
                                                               std::to_string(recv) +
                                                               " and no Receive took it by cycle " +
                                                               std::to_string(recv + 32) + " (receive_window 32)");
    }
    SECTION("a Send while the link still carries the previous vector")
    {
        // 440 line bits at 0.12 bit/ps: 3,667 ps, 4 cycles of chip 0.
        const std::string p0 = ".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n Read 0, s0e\n Repeat 1, 2\n"
                               ".queue C2C.0\n NOP 6\n Send s0e\n NOP 1\n Send s0e\n";
        CHECK(
            run_pair({p0, ""}).error ==
            "chip c0 (tiny): cycle 8: C2C.0: 'Send s0e' (p0.s:9:2): link 0 (to chip c1 (tiny) C2C.0) still "
            "carries the vector sent in cycle 6 by C2C.0: 'Send s0e' (p0.s:7:2): a vector occupies the link 4 cycles, "
            "until cycle 10");
    }
    SECTION("a Send on a port no link connects")
    {
        const std::string p0 =
            ".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n Read 0, s0e\n.queue C2C.1\n NOP 6\n Send s0e\n";
        CHECK(run_pair({p0, ""}).error == "chip c0 (tiny): cycle 6: C2C.1: 'Send s0e' (p0.s:6:2): "
                                          "link 1 is not connected to another chip");
    }
}

TEST_CASE("a system's results do not depend on the number of threads", "[system]")
{
    const uint64_t send = 6, recv = arrival_cycle(send);
    const Outcome one = run_pair(exchange(send, recv), 1);
    const Outcome two = run_pair(exchange(send, recv), 2);
    REQUIRE(one.error == "");
    CHECK(two.b == one.b);
    CHECK(two.stats.windows == one.stats.windows);
    CHECK(two.stats.end_ps == one.stats.end_ps);
    for (size_t i = 0; i < 2; ++i)
        CHECK(two.stats.chips[i].cycles == one.stats.chips[i].cycles);
}

TEST_CASE("a system session writes per-chip and per-link statistics and one trace, the same on 1 and 2 threads",
          "[system][session]")
{
    const uint64_t send = 6, recv = arrival_cycle(send);
    const auto programs = exchange(send, recv);
    auto session_run = [&](unsigned threads) {
        SystemSession s(pair_of_tiny());
        s.program(0, assemble(programs.first, "p0.s", tiny()), "p0.s");
        s.program(1, assemble(programs.second, "p1.s", tiny()), "p1.s");
        s.run({}, threads);
        return std::make_pair(s.stats_json(), s.array(1, "b").data);
    };
    const auto one = session_run(1), two = session_run(2);
    CHECK(one.first == two.first);
    CHECK(one.second == two.second);
    CHECK(one.first.find("\"chips\": {\n\"c0\": {") != std::string::npos);
    CHECK(one.first.find("\"a\": \"c0 C2C.0\", \"b\": \"c1 C2C.0\", \"a_to_b\": {\"vectors\": 1, \"bytes\": 16") !=
          std::string::npos);
    CHECK(one.first.find("\"b_to_a\": {\"vectors\": 0") != std::string::npos);
}

TEST_CASE("a system session refuses unknown chips and tensors of chips without a program", "[system][session]")
{
    SystemSession s(pair_of_tiny());
    CHECK_THROWS_WITH(s.chip_index("c7"), "system 'pair' has no chip 'c7' (chips: c0, c1)");
    CHECK_THROWS_WITH(s.load(1, "b", "/nonexistent.npy"), "chip 'c1' runs no program: it declares no tensors");
}
