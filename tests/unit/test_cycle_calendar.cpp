// CycleCalendar (models/common/CycleCalendar.h) against a multimap keyed by cycle, the
// structure it replaced: random additions at random distances ahead (also far ahead and
// behind the first, which regrow the ring), taken cycle by cycle as the chip's loop does.
#include "models/common/CycleCalendar.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

using namespace lpu;

TEST_CASE("the cycle calendar hands out items by cycle in the order they were added", "[calendar]")
{
    std::mt19937_64 rng(11);
    for (unsigned trial = 0; trial < 50; ++trial) {
        CycleCalendar<unsigned> cal;
        std::multimap<uint64_t, unsigned> want;
        uint64_t now = rng() % 1000;
        unsigned tag = 0, taken = 0;
        for (unsigned step = 0; step < 400; ++step) {
            for (unsigned n = rng() % 4; n-- > 0;) {
                // Mostly a few cycles ahead; sometimes far (the ring grows), never in the past.
                const uint64_t ahead = 1 + (rng() % 10 == 0 ? rng() % 300 : rng() % 8);
                cal.add(now + ahead, tag);
                want.emplace(now + ahead, tag++);
            }
            REQUIRE(cal.next() == (want.empty() ? std::numeric_limits<uint64_t>::max() : want.begin()->first));
            if (want.empty())
                continue;
            now = want.begin()->first;
            const auto range = want.equal_range(now);
            std::vector<unsigned> expect;
            for (auto it = range.first; it != range.second; ++it)
                expect.push_back(it->second);
            want.erase(range.first, range.second);
            std::vector<unsigned> got;
            for (unsigned l : cal.take(now))
                got.push_back(l);
            REQUIRE(got == expect);
            taken += static_cast<unsigned>(got.size());
        }
        REQUIRE(taken + want.size() == tag);
    }
    CycleCalendar<unsigned> cal;
    REQUIRE_THROWS_AS(cal.take(0), std::logic_error);
}
