// The cycle scoreboard: passes only on identical beats in identical cycles, and explains the
// first divergence (value, missing, late, early, surplus).
#include "tb/cosim/CycleScoreboard.h"

#include <catch2/catch.hpp>

using namespace lpu::cosim;

namespace {

Beat beat(uint64_t cycle, unsigned chunk, std::vector<int64_t> values)
{
    Beat b;
    b.cycle = cycle;
    b.chunk = chunk;
    b.lane0 = chunk * 4;
    b.values = std::move(values);
    b.origin = "test op";
    return b;
}

// Feeds expected beats up front and actual beats cycle by cycle, like the co-simulation does.
void run(CycleScoreboard& sb, unsigned port, const std::vector<Beat>& expected, const std::vector<Beat>& actual,
         uint64_t cycles)
{
    for (const Beat& b : expected)
        sb.expect(port, b);
    for (uint64_t t = 0; t < cycles && !sb.failed(); ++t) {
        for (const Beat& b : actual)
            if (b.cycle == t)
                sb.observe(port, b);
        sb.advance(t + 1);
    }
    sb.finish();
}

}  // namespace

TEST_CASE("identical streams pass and every beat is counted", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> beats;
    for (uint64_t c = 3; c < 40; c += 2)
        for (unsigned s = 0; s < 2; ++s)
            beats.push_back(beat(c + s, s, {int64_t(c), -1, 2, 3}));
    run(sb, port, beats, beats, 60);
    CHECK_FALSE(sb.failed());
    CHECK(sb.beats_checked() == beats.size());
    CHECK(sb.last_expected_cycle() == 40);
}

TEST_CASE("a corrupted value is the first divergence, with lanes and values", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(5, 0, {1, 2, 3, 4}), beat(6, 1, {5, 6, 7, 8}), beat(9, 0, {0, 0, 0, 0})};
    std::vector<Beat> act = exp;
    act[1].values[2] = 70;
    act[2].values[0] = 1;  // a later divergence must not replace the first
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    const Divergence& d = *sb.first_divergence();
    CHECK(d.kind == DivergenceKind::Value);
    CHECK(d.cycle == 6);
    CHECK(d.chunk == 1);
    CHECK(d.port == "res");
    const std::string text = d.describe();
    CHECK(text.find("first divergence at cycle 6 on port 'res', superlane 1 (lanes 4..7): value mismatch") !=
          std::string::npos);
    CHECK(text.find("1 of 4 lanes differ") != std::string::npos);
    CHECK(text.find("     6             7            70") != std::string::npos);
    CHECK(text.find("operation: test op") != std::string::npos);
    CHECK(sb.beats_checked() == 1);
}

TEST_CASE("a beat one cycle late is reported as late by one cycle", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(5, 0, {1, 2, 3, 4}), beat(8, 0, {9, 9, 9, 9})};
    std::vector<Beat> act = exp;
    act[1].cycle = 9;
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    const Divergence& d = *sb.first_divergence();
    CHECK(d.kind == DivergenceKind::Missing);
    CHECK(d.cycle == 8);
    CHECK(d.found_shifted);
    CHECK(d.shift == 1);
    CHECK(d.describe().find("arrived 1 cycle late, at cycle 9") != std::string::npos);
}

TEST_CASE("a beat one cycle early is reported as early", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(8, 2, {1, 2, 3, 4})};
    std::vector<Beat> act = exp;
    act[0].cycle = 7;
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    const Divergence& d = *sb.first_divergence();
    CHECK(d.kind == DivergenceKind::Unexpected);
    CHECK(d.cycle == 7);
    CHECK(d.shift == 1);
    CHECK(d.describe().find("expected 1 cycle later, at cycle 8 (early)") != std::string::npos);
}

TEST_CASE("a missing beat and a surplus beat are divergences", "[cosim][scoreboard]")
{
    SECTION("missing")
    {
        CycleScoreboard sb(4);
        const unsigned port = sb.add_port("res");
        run(sb, port, {beat(3, 0, {1, 1, 1, 1})}, {}, 20);
        REQUIRE(sb.failed());
        CHECK(sb.first_divergence()->kind == DivergenceKind::Missing);
        CHECK_FALSE(sb.first_divergence()->found_shifted);
    }
    SECTION("surplus at the very end is still caught by finish()")
    {
        CycleScoreboard sb(4);
        const unsigned port = sb.add_port("res");
        run(sb, port, {beat(3, 0, {1, 1, 1, 1})}, {beat(3, 0, {1, 1, 1, 1}), beat(19, 0, {2, 2, 2, 2})}, 20);
        REQUIRE(sb.failed());
        CHECK(sb.first_divergence()->kind == DivergenceKind::Unexpected);
        CHECK(sb.first_divergence()->cycle == 19);
    }
    SECTION("same values on the wrong superlane")
    {
        CycleScoreboard sb(4);
        const unsigned port = sb.add_port("res");
        run(sb, port, {beat(3, 0, {1, 1, 1, 1})}, {beat(3, 1, {1, 1, 1, 1})}, 20);
        REQUIRE(sb.failed());
        CHECK(sb.first_divergence()->kind == DivergenceKind::Missing);
    }
}

TEST_CASE("ports are checked independently", "[cosim][scoreboard]")
{
    CycleScoreboard sb(2);
    const unsigned a = sb.add_port("a");
    const unsigned b = sb.add_port("b");
    sb.expect(a, beat(1, 0, {1}));
    sb.observe(b, beat(1, 0, {1}));
    sb.advance(10);
    REQUIRE(sb.failed());
    CHECK(sb.first_divergence()->port == "a");
}

TEST_CASE("a late beat that lands on the next beat's cycle is still reported as late", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(5, 0, {1, 1, 1, 1}), beat(6, 0, {2, 2, 2, 2})};
    std::vector<Beat> act = {beat(6, 0, {1, 1, 1, 1}), beat(6, 0, {2, 2, 2, 2})};
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    CHECK(sb.first_divergence()->kind == DivergenceKind::Missing);
    CHECK(sb.first_divergence()->cycle == 5);
    CHECK(sb.first_divergence()->shift == 1);
}

TEST_CASE("a late beat equal to the next one is reported as late, then the surplus as unexpected",
          "[cosim][scoreboard]")
{
    // The late copy matches the next cycle's expected beat as it is observed, so it is not held as
    // a DUT beat: the report must still find it (and the second copy is the surplus).
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(5, 0, {0, 0, 0, 0}), beat(6, 0, {0, 0, 0, 0})};
    std::vector<Beat> act = {beat(6, 0, {0, 0, 0, 0}), beat(6, 0, {0, 0, 0, 0})};
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    CHECK(sb.first_divergence()->kind == DivergenceKind::Missing);
    CHECK(sb.first_divergence()->cycle == 5);
    CHECK(sb.first_divergence()->found_shifted);
    CHECK(sb.first_divergence()->shift == 1);

    CycleScoreboard sb2(4);
    const unsigned port2 = sb2.add_port("res");
    run(sb2, port2, {exp[1]}, act, 20);
    REQUIRE(sb2.failed());
    CHECK(sb2.first_divergence()->kind == DivergenceKind::Unexpected);
    CHECK(sb2.first_divergence()->cycle == 6);
    CHECK(sb2.beats_checked() == 1);
}

TEST_CASE("beats arriving out of order, far ahead and in bulk are compared in (cycle, port, chunk) order",
          "[cosim][scoreboard]")
{
    // Like the MXM: chunk s of the result that started s cycles ago shares a cycle with chunk 0 of
    // the newest one, so a cycle's expected beats arrive with the chunks reversed; they come
    // hundreds of cycles ahead of the DUT's (the window grows), and the 3rd from last differs.
    CycleScoreboard sb(4);
    const unsigned a = sb.add_port("a"), b = sb.add_port("b");
    const unsigned chunks = 6;
    std::vector<Beat> exp, act;
    for (uint64_t first = 10; first < 600; ++first)
        for (unsigned s = 0; s < chunks; ++s)
            exp.push_back(beat(first + s, s, {int64_t(first), int64_t(s), 0, 0}));
    act = exp;
    act[act.size() - 3].values[3] = 1;
    for (const Beat& e : exp)
        sb.expect(e.chunk % 2 ? b : a, e);
    for (uint64_t t = 0; t < 700 && !sb.failed(); ++t) {
        for (const Beat& x : act)
            if (x.cycle == t)
                sb.observe(x.chunk % 2 ? b : a, x);
        sb.advance(t + 1);
    }
    sb.finish();
    REQUIRE(sb.failed());
    const Divergence& d = *sb.first_divergence();
    CHECK(d.kind == DivergenceKind::Value);
    CHECK(d.cycle == act[act.size() - 3].cycle);
    CHECK(d.chunk == act[act.size() - 3].chunk);
    CHECK(d.port == (d.chunk % 2 ? "b" : "a"));
    CHECK(sb.beats_checked() == exp.size() - 3 - (chunks - 1) + d.chunk);
}

TEST_CASE("a port's describer names the operation of a reported beat, and only then", "[cosim][scoreboard]")
{
    CycleScoreboard sb(4);
    unsigned described = 0;
    const unsigned port = sb.add_port("res", [&](const Beat& b) {
        ++described;
        return "op #" + std::to_string(b.origin_args[0]);
    });
    std::vector<Beat> exp;
    for (uint64_t c = 3; c < 30; ++c) {
        exp.push_back(beat(c, 0, {int64_t(c), 0, 0, 0}));
        exp.back().origin.clear();
        exp.back().origin_args[0] = 100 + c;
    }
    std::vector<Beat> act = exp;
    act[20].values[1] = 5;
    run(sb, port, exp, act, 40);
    REQUIRE(sb.failed());
    CHECK(described == 1);
    CHECK(sb.first_divergence()->describe().find("operation: op #123") != std::string::npos);
}

TEST_CASE("an expected beat for a cycle already compared is still reported", "[cosim][scoreboard]")
{
    // A producer bug, not something the MXM does: the beat must not pass silently.
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    sb.expect(port, beat(20, 0, {1, 2, 3, 4}));
    sb.observe(port, beat(20, 0, {1, 2, 3, 4}));
    sb.advance(40);
    REQUIRE_FALSE(sb.failed());
    sb.expect(port, beat(10, 1, {5, 6, 7, 8}));
    sb.finish();
    REQUIRE(sb.failed());
    CHECK(sb.first_divergence()->kind == DivergenceKind::Missing);
    CHECK(sb.first_divergence()->cycle == 10);
    CHECK(sb.beats_checked() == 1);
}

TEST_CASE("values beyond 32 bits are compared in full", "[cosim][scoreboard]")
{
    // The scoreboard stores values that fit 32 bits narrow: a 64-bit value must neither be cut
    // to fit nor compare equal to its low half.
    const int64_t big = int64_t{1} << 40;
    CycleScoreboard sb(4);
    const unsigned port = sb.add_port("res");
    std::vector<Beat> exp = {beat(5, 0, {big, -1, 2, 3}), beat(6, 0, {7, 7, 7, 7})};
    std::vector<Beat> act = {beat(5, 0, {big, -1, 2, 3}), beat(6, 0, {7 + (int64_t{1} << 32), 7, 7, 7})};
    run(sb, port, exp, act, 20);
    REQUIRE(sb.failed());
    const Divergence& d = *sb.first_divergence();
    CHECK(d.kind == DivergenceKind::Value);
    CHECK(d.cycle == 6);
    CHECK(d.actual.values[0] == 7 + (int64_t{1} << 32));
    CHECK(sb.beats_checked() == 1);
}
