// Floorplan positions and the stream file's timing and schedule rules, checked against a
// brute-force reference that shifts every stream register every cycle.
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/spec/Floorplan.h"
#include "models/stream/StreamFile.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace lpu;

namespace {
// Names for producers and consumers in the tests: id i is kNames[i].
const std::vector<std::string> kNames = {
    "A", "B", "R", "X", "MEM_W2: Read 5, s0e", "VXM: add", "MEM_W1: Read 3, s2e (#7)", "MEM_W1: Read 9, s2e (#8)",
    "w", "r"};
AgentId id(const std::string& name)
{
    AgentId who;
    who.index = static_cast<uint32_t>(std::find(kNames.begin(), kNames.end(), name) - kNames.begin());
    return who;
}
AgentDescriber names()
{
    return [](AgentId i) { return kNames.at(i.index); };
}
VectorRef vec(uint8_t v) { return std::make_shared<const Vector>(Vector(4, v)); }
StreamId east(unsigned i) { return {StreamDir::East, i}; }
StreamId west(unsigned i) { return {StreamDir::West, i}; }

std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const ScheduleError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("the published floorplan: VXM in the centre, 47 hops to the outermost MXM", "[stream][floorplan]")
{
    const Floorplan fp(4, 88);
    REQUIRE(fp.positions() == 95);
    CHECK(fp.at(0).name == "MXM_W1");
    CHECK(fp.at(1).name == "MXM_W0");
    CHECK(fp.at(2).name == "SXM_W0");
    CHECK(fp.at(3).name == "MEM_W43");
    CHECK(fp.at(46).name == "MEM_W0");
    CHECK(fp.vxm().position == 47);
    CHECK(fp.at(48).name == "MEM_E0");
    CHECK(fp.at(91).name == "MEM_E43");
    CHECK(fp.at(92).name == "SXM_E0");
    CHECK(fp.at(94).name == "MXM_E1");
    CHECK(Floorplan::hops(fp.vxm().position, fp.find("MXM_W1")->position) == 47);
    CHECK(Floorplan::hops(fp.vxm().position, fp.find("MXM_E1")->position) == 47);
    CHECK(fp.find("MEM_E44") == nullptr);
    CHECK_THROWS_AS(Floorplan(3, 88), std::invalid_argument);
}

TEST_CASE("a value is at position p + d in cycle t + d (east) and p - d (west)", "[stream]")
{
    StreamFile sf(4, 4, 10, names());
    sf.write(east(1), 3, 100, vec(7), id("A"));
    for (unsigned d = 0; d < 7; ++d)
        CHECK((*sf.read(east(1), 3 + d, 100 + d, id("R")))[0] == 7);
    sf.write(west(2), 6, 50, vec(9), id("B"));
    for (unsigned d = 0; d <= 6; ++d)
        CHECK((*sf.read(west(2), 6 - d, 50 + d, id("R")))[0] == 9);
}

TEST_CASE("reading where no value is names reader, stream, position and cycle", "[stream]")
{
    StreamFile sf(4, 4, 10, names());
    sf.write(east(0), 3, 100, vec(1), id("MEM_W2: Read 5, s0e"));
    CHECK(error_of([&] { sf.read(east(0), 5, 101, id("VXM: add")); }) ==
          "schedule error at cycle 101: VXM: add reads stream s0e at position 5 but no value is there "
          "(nothing was written upstream on it in cycle 101 - hops)");
    // Upstream of the producer there is nothing either, and other streams are empty.
    CHECK(!error_of([&] { sf.read(east(0), 2, 99, id("X")); }).empty());
    CHECK(!error_of([&] { sf.read(east(1), 5, 102, id("X")); }).empty());
    CHECK(!error_of([&] { sf.read(west(0), 3, 100, id("X")); }).empty());
}

TEST_CASE("two producers on one stream register in one cycle are a schedule error", "[stream]")
{
    StreamFile sf(4, 4, 10, names());
    sf.write(east(2), 4, 20, vec(1), id("MEM_W1: Read 3, s2e (#7)"));
    CHECK(error_of([&] { sf.write(east(2), 4, 20, vec(2), id("MEM_W1: Read 9, s2e (#8)")); }) ==
          "schedule error at cycle 20: two producers drive stream s2e at position 4 in one cycle: "
          "MEM_W1: Read 3, s2e (#7) and MEM_W1: Read 9, s2e (#8)");
    // Same position, other cycle or other stream or other direction: fine.
    CHECK_NOTHROW(sf.write(east(2), 4, 21, vec(2), id("X")));
    CHECK_NOTHROW(sf.write(east(3), 4, 20, vec(2), id("X")));
    CHECK_NOTHROW(sf.write(west(2), 4, 20, vec(2), id("X")));
}

TEST_CASE("a downstream producer replaces a passing value from its position on", "[stream]")
{
    StreamFile sf(1, 1, 10, names());
    sf.write(east(0), 1, 10, vec(1), id("A"));  // diagonal: (1,10) (2,11) (3,12) ...
    sf.write(east(0), 4, 13, vec(2), id("B"));  // same diagonal, from position 4
    CHECK((*sf.read(east(0), 3, 12, id("R")))[0] == 1);
    CHECK((*sf.read(east(0), 4, 13, id("R")))[0] == 2);
    CHECK((*sf.read(east(0), 9, 18, id("R")))[0] == 2);
    const StreamStats st = sf.stats();
    CHECK(st.overwritten == 1);
    CHECK(st.writes == 2);
    CHECK(st.reads == 3);
    CHECK(st.occupied[0] == 3 + 6);  // A on positions 1..3, B on 4..9
}

TEST_CASE("peek sees a value still travelling, as a read would, without counting or checking", "[stream]")
{
    StreamFile sf(2, 2, 10, names());
    sf.write(west(1), 8, 30, vec(5), id("A"));  // at position 2 in cycle 36
    sf.write(west(1), 8, 31, vec(6), id("A"));  // at position 2 in cycle 37
    // Ahead of time: what the reads of cycles 36 and 37 at position 2 will return.
    REQUIRE(sf.peek(west(1), 2, 36));
    CHECK((*sf.peek(west(1), 2, 36))[0] == 5);
    CHECK((*sf.peek(west(1), 2, 37))[0] == 6);
    // Nothing written for that cycle, upstream of the producer, on another stream, or outside
    // the floorplan and the streams: null, never an error.
    CHECK(sf.peek(west(1), 2, 38) == nullptr);
    CHECK(sf.peek(west(1), 9, 31) == nullptr);
    CHECK(sf.peek(west(0), 2, 36) == nullptr);
    CHECK(sf.peek(west(1), 10, 36) == nullptr);
    CHECK(sf.peek(west(5), 2, 36) == nullptr);
    // A later producer downstream replaces the guess, as it replaces the value.
    sf.write(west(1), 4, 34, vec(7), id("B"));
    CHECK((*sf.peek(west(1), 2, 36))[0] == 7);
    StreamStats st = sf.stats();
    CHECK(st.reads == 0);
    CHECK(st.never_read == 3);  // peeks are not reads
    CHECK((*sf.read(west(1), 2, 36, id("R")))[0] == 7);
    st = sf.stats();
    CHECK(st.reads == 1);
    CHECK(st.never_read == 2);
}

TEST_CASE("the stream file equals a register-shifting reference on random traffic", "[stream]")
{
    const unsigned P = 12, S = 3;
    StreamFile sf(S, S, P, names());
    // Reference: reg[dir][stream][position] = value id, shifted every cycle; 0 = empty.
    std::vector<std::vector<std::vector<int>>> reg(2, std::vector<std::vector<int>>(S, std::vector<int>(P, 0)));
    Rng rng(42);
    int next_id = 1;
    uint64_t reads = 0, misses = 0;
    for (uint64_t t = 0; t < 3000; ++t) {
        // Shift: what was at p moves to p+1 (east) / p-1 (west).
        for (unsigned s = 0; s < S; ++s) {
            for (unsigned p = P; p-- > 1;)
                reg[0][s][p] = reg[0][s][p - 1];
            reg[0][s][0] = 0;
            for (unsigned p = 0; p + 1 < P; ++p)
                reg[1][s][p] = reg[1][s][p + 1];
            reg[1][s][P - 1] = 0;
        }
        // Writes (at most one per register), then reads, in this cycle.
        for (unsigned w = 0; w < 4; ++w) {
            const unsigned dir = static_cast<unsigned>(rng.below(2)), s = static_cast<unsigned>(rng.below(S));
            const unsigned p = static_cast<unsigned>(rng.below(P));
            const StreamId sid{dir ? StreamDir::West : StreamDir::East, s};
            const int v = next_id++;
            const std::string err = error_of([&] {
                sf.write(sid, p, t, std::make_shared<const Vector>(Vector{uint8_t(v), uint8_t(v >> 8)}), id("w"));
            });
            if (err.empty())
                reg[dir][s][p] = v;
            else
                CHECK(err.find("two producers") != std::string::npos);
        }
        for (unsigned r = 0; r < 6; ++r) {
            const unsigned dir = static_cast<unsigned>(rng.below(2)), s = static_cast<unsigned>(rng.below(S));
            const unsigned p = static_cast<unsigned>(rng.below(P));
            const StreamId sid{dir ? StreamDir::West : StreamDir::East, s};
            const int want = reg[dir][s][p];
            int got = 0;
            const std::string err = error_of([&] {
                const Vector& v = *sf.read(sid, p, t, id("r"));
                got = v[0] | (v[1] << 8);
            });
            ++reads;
            if (want == 0) {
                ++misses;
                CHECK(err.find("no value is there") != std::string::npos);
            } else {
                CHECK(err.empty());
                CHECK((got & 0xffff) == (want & 0xffff));
            }
        }
        sf.retire_before(t);
    }
    CHECK(misses > 100);
    CHECK(reads - misses > 1000);
    // Retirement keeps the live set to what can still be read: about a chip's width of cycles.
    CHECK(sf.live_values() < 4 * (P + 2) * 2);
}

TEST_CASE("values written far apart in time and out of order are all kept (the ring grows and moves)", "[stream]")
{
    const unsigned P = 10;
    StreamFile sf(1, 1, P, names());
    const std::vector<uint64_t> cycles = {10000, 10, 5000, 100000, 3, 70000, 11, 12};
    for (size_t i = 0; i < cycles.size(); ++i) {
        sf.write(east(0), 2, cycles[i], vec(static_cast<uint8_t>(i + 1)), id("A"));
        sf.write(west(0), 7, cycles[i], vec(static_cast<uint8_t>(i + 101)), id("B"));
    }
    for (size_t i = 0; i < cycles.size(); ++i)
        for (unsigned d = 0; d < 8; ++d) {
            CHECK((*sf.read(east(0), 2 + d, cycles[i] + d, id("R")))[0] == i + 1);
            CHECK((*sf.read(west(0), 7 - d, cycles[i] + d, id("R")))[0] == i + 101);
        }
    CHECK(!error_of([&] { sf.read(east(0), 2, 4, id("R")); }).empty());
    CHECK(sf.live_values() == 2 * cycles.size());
    const StreamStats before = sf.stats();
    CHECK(before.occupied[0] == cycles.size() * (P - 2));  // positions 2..9
    CHECK(before.occupied[1] == cycles.size() * 8);        // positions 7..0
    sf.retire_before(200000);
    CHECK(sf.live_values() == 0);
    const StreamStats after = sf.stats();
    CHECK(after.occupied == before.occupied);
    CHECK(after.never_read == 0);
    CHECK(after.reads == before.reads);
}
