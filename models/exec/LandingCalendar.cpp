#include "LandingCalendar.h"

#include <algorithm>
#include <stdexcept>

namespace lpu {

void LandingCalendar::release_taken()
{
    if (taken_) {
        taken_->clear();  // keeps its capacity for a later cycle
        taken_ = nullptr;
    }
}

void LandingCalendar::regrow(uint64_t first, uint64_t last)
{
    size_t size = std::max<size_t>(slots_.size(), 16);
    while (last - first >= size)
        size <<= 1;
    std::vector<std::vector<Landing>> slots(size);
    if (count_ > 0)
        for (uint64_t c = first_; c <= last_; ++c)
            slots[c & (size - 1)] = std::move(bucket(c));
    slots_ = std::move(slots);
}

void LandingCalendar::add(uint64_t cycle, Landing landing)
{
    release_taken();
    if (count_ == 0) {
        if (slots_.empty())
            regrow(cycle, cycle);
        first_ = last_ = cycle;
    } else {
        const uint64_t first = std::min(first_, cycle), last = std::max(last_, cycle);
        if (last - first >= slots_.size())
            regrow(first, last);
        first_ = first;
        last_ = last;
    }
    bucket(cycle).push_back(std::move(landing));
    ++count_;
}

std::vector<LandingCalendar::Landing>& LandingCalendar::take(uint64_t cycle)
{
    if (cycle != next())
        throw std::logic_error("LandingCalendar::take of a cycle other than the next landing");
    release_taken();
    std::vector<Landing>& b = bucket(cycle);
    count_ -= b.size();
    taken_ = &b;
    // The next cycle with a value: within the ring, since every waiting value is.
    if (count_ > 0)
        do
            ++first_;
        while (bucket(first_).empty());
    return b;
}

}  // namespace lpu
