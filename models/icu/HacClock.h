// A chip's hardware-aligned counter (HAC; docs/system.md "Time"): a count of the chip's own
// cycles in epochs of `epoch` cycles whose boundaries the system aligns to its root chip's. Epoch
// n (n >= first) begins in the chip's cycle boundary(n); within it the counter reads
// n x epoch + the cycles since that boundary. A lone chip's counter runs free from cycle 0:
// epoch n begins in cycle n x epoch. Deskew and RuntimeDeskew (docs/isa.md 3.7) wait on it.
#pragma once

#include <cstdint>
#include <functional>

namespace lpu {

class HacClock {
public:
    // boundary(n) must grow with n by about `epoch` per epoch (a few cycles of drift either way).
    using Boundary = std::function<uint64_t(uint64_t n)>;
    HacClock(uint64_t epoch, uint64_t first, Boundary boundary);
    static HacClock free_running(uint64_t epoch);

    uint64_t epoch() const { return epoch_; }
    uint64_t first() const { return first_; }
    uint64_t boundary(uint64_t n) const { return boundary_(n); }

    struct Epoch {
        uint64_t n = 0;      // its number: the counter reads n x epoch at its start
        uint64_t cycle = 0;  // the chip's cycle it starts in
    };
    // The first aligned epoch that starts in cycle c or later.
    Epoch next_epoch(uint64_t c) const;
    // The cycle in which the counter reads `value` (of an aligned epoch).
    uint64_t cycle_of(uint64_t value) const;

private:
    uint64_t epoch_, first_;
    Boundary boundary_;
};

}  // namespace lpu
