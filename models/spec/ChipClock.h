// A chip's clock on the system's picosecond time base (docs/system.md, "Time"): cycle c starts at
// offset + floor(c x period), the period kept in femtoseconds so that a clock a few ppm off its
// nominal frequency keeps its offset (1111.111 ps and 1111.000 ps differ by 100 ppm).
#pragma once

#include <cstdint>

namespace lpu {

struct ChipClock {
    uint64_t period_fs = 0;
    uint64_t offset_ps = 0;

    // `mhz` x (1 + ppm x 1e-6), starting at `offset_ps`.
    static ChipClock of(double mhz, double ppm, uint64_t offset_ps = 0);
    // A lone chip's clock: a whole number of picoseconds per cycle from time 0.
    static ChipClock every_ps(uint64_t period_ps) { return ChipClock{period_ps * 1000, 0}; }

    // Saturates at the largest uint64_t (a cycle no run reaches), never wraps.
    uint64_t start_ps(uint64_t cycle) const
    {
        // floor(cycle x period_fs / 1000), as (1000 q + r) x period_fs / 1000 so it cannot wrap.
        const uint64_t q = cycle / 1000, r = cycle % 1000;
        if (period_fs != 0 && q > (UINT64_MAX - offset_ps - period_fs) / period_fs)
            return UINT64_MAX;
        return offset_ps + q * period_fs + r * period_fs / 1000;
    }
    // The first cycle that starts at or after `ps`.
    uint64_t first_cycle_at(uint64_t ps) const;
};

}  // namespace lpu
