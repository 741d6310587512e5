// A chip's clock on the system's picosecond time base (models/spec/ChipClock): the start of a
// cycle is floor(offset + cycle x period_fs / 1000) ps, the first cycle at or after a time is its
// inverse, and neither wraps for times no run reaches (a system without links asks for one).
#include "models/common/Rng.h"
#include "models/spec/ChipClock.h"

#include <catch2/catch.hpp>

#include <cstdint>

using lpu::ChipClock;

TEST_CASE("a clock's cycle starts and their inverse, exact and without wrapping", "[clock]")
{
    lpu::Rng rng(5);
    for (const double ppm : {0.0, 100.0, -37.5}) {
        const ChipClock c = ChipClock::of(900.0, ppm, 12345);
        for (int i = 0; i < 2000; ++i) {
            // Below 2^40 cycles the plain product fits in 64 bits: the reference.
            const uint64_t cycle = rng.next() >> 24;
            CHECK(c.start_ps(cycle) == c.offset_ps + cycle * c.period_fs / 1000);
            CHECK(c.first_cycle_at(c.start_ps(cycle)) == cycle);
            CHECK(c.first_cycle_at(c.start_ps(cycle) + 1) == cycle + 1);
        }
        // Near the top: increasing, saturating, never wrapping; the inverse still exact.
        const uint64_t far = uint64_t{1} << 62;
        const uint64_t at = c.first_cycle_at(far);
        CHECK(c.start_ps(at) >= far);
        CHECK(c.start_ps(at - 1) < far);
        CHECK(c.start_ps(UINT64_MAX) == UINT64_MAX);
        CHECK(c.start_ps(UINT64_MAX / 2) >= c.start_ps(UINT64_MAX / 4));
    }
}
