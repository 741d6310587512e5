#include "HacClock.h"

#include <stdexcept>
#include <utility>

namespace lpu {

HacClock::HacClock(uint64_t epoch, uint64_t first, Boundary boundary)
    : epoch_(epoch), first_(first), boundary_(std::move(boundary))
{
    if (epoch_ == 0)
        throw std::logic_error("HacClock: an epoch of 0 cycles");
}

HacClock HacClock::free_running(uint64_t epoch)
{
    return HacClock(epoch, 0, [epoch](uint64_t n) { return n * epoch; });
}

HacClock::Epoch HacClock::next_epoch(uint64_t c) const
{
    // An estimate from the nominal epoch, then the exact answer by the boundaries themselves
    // (drift puts the estimate at most an epoch off).
    const uint64_t b0 = boundary(first_);
    uint64_t n = first_ + (c > b0 ? (c - b0) / epoch_ : 0);
    while (boundary(n) < c)
        ++n;
    while (n > first_ && boundary(n - 1) >= c)
        --n;
    return {n, boundary(n)};
}

uint64_t HacClock::cycle_of(uint64_t value) const
{
    const uint64_t n = value / epoch_;
    if (n < first_)
        throw std::logic_error("HacClock::cycle_of: a value before the first aligned epoch");
    return boundary(n) + value % epoch_;
}

}  // namespace lpu
