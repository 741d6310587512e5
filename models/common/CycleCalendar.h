// Things waiting for the cycle in which they happen: values driven onto streams until they
// land, SRAM writes until they commit. Each happens a few cycles after its issue, so the waiting
// ones lie in a short window of cycles: a ring of buckets indexed by cycle, each keeping its
// capacity, holds them without a tree node or an allocation per item (what a multimap keyed by
// cycle cost). Items of one cycle come out in the order they were added.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace lpu {

template <typename T> class CycleCalendar {
public:
    void add(uint64_t cycle, T item)
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
        bucket(cycle).push_back(std::move(item));
        ++count_;
    }
    bool empty() const { return count_ == 0; }
    // The first cycle with an item, or the largest uint64_t if none waits.
    uint64_t next() const { return count_ == 0 ? std::numeric_limits<uint64_t>::max() : first_; }
    // The items of `cycle` (which must be next()), in the order they were added; they are gone
    // from the calendar at the next call of take() or add().
    std::vector<T>& take(uint64_t cycle)
    {
        if (cycle != next())
            throw std::logic_error("CycleCalendar::take of a cycle other than the next");
        release_taken();
        std::vector<T>& b = bucket(cycle);
        count_ -= b.size();
        taken_ = &b;
        if (count_ > 0)  // the next cycle with an item: within the ring, as every waiting item is
            do
                ++first_;
            while (bucket(first_).empty());
        return b;
    }

private:
    std::vector<T>& bucket(uint64_t cycle) { return slots_[cycle & (slots_.size() - 1)]; }
    void release_taken()
    {
        if (taken_) {
            taken_->clear();  // keeps its capacity for a later cycle
            taken_ = nullptr;
        }
    }
    // Grows the ring (a power of two) to hold cycles first..last, keeping what waits.
    void regrow(uint64_t first, uint64_t last)
    {
        size_t size = std::max<size_t>(slots_.size(), 16);
        while (last - first >= size)
            size <<= 1;
        std::vector<std::vector<T>> slots(size);
        if (count_ > 0)
            for (uint64_t c = first_; c <= last_; ++c)
                slots[c & (size - 1)] = std::move(bucket(c));
        slots_ = std::move(slots);
    }

    std::vector<std::vector<T>> slots_;  // cycle c at slots_[c mod size], for c in [first_, last_]
    uint64_t first_ = 0, last_ = 0;      // the earliest and latest cycles with an item (when count_ > 0)
    size_t count_ = 0;                   // items waiting
    std::vector<T>* taken_ = nullptr;    // the bucket take() handed out, emptied on the next call
};

}  // namespace lpu
