#include "ChipClock.h"

#include <cmath>

namespace lpu {

ChipClock ChipClock::of(double mhz, double ppm, uint64_t offset_ps)
{
    ChipClock c;
    c.period_fs = static_cast<uint64_t>(std::llround(1e9 / (mhz * (1.0 + ppm * 1e-6))));
    c.offset_ps = offset_ps;
    return c;
}

uint64_t ChipClock::first_cycle_at(uint64_t ps) const
{
    if (ps <= offset_ps)
        return 0;
    // An estimate from the period, then the exact answer by the cycle starts themselves (the
    // floor in start_ps can put the estimate one off).
    // floor(d x 1000 / period) without overflowing (a window without links ends near 2^62 ps).
    const uint64_t d = ps - offset_ps;
    uint64_t c = d / period_fs * 1000 + d % period_fs * 1000 / period_fs;
    while (c > 0 && start_ps(c - 1) >= ps)
        --c;
    while (start_ps(c) < ps)
        ++c;
    return c;
}

}  // namespace lpu
