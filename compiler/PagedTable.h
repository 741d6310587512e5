// A flat table indexed by a cycle (or a diagonal, or a word address) that grows in pages as it is
// written: the compiler's booking tables are dense over the cycles a program runs, so an array
// costs a few bytes per entry where a map keyed by cycle cost a heap node each. Entries never
// written read as T{}; reading never allocates. Copyable (a snapshot of a whole booking table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lpu {

template <class T> class PagedTable {
public:
    static constexpr unsigned kPageBits = 12;
    static constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;

    T get(uint64_t i) const
    {
        const uint64_t p = i >> kPageBits;
        return p < pages_.size() && !pages_[p].empty() ? pages_[p][i & (kPageSize - 1)] : T{};
    }
    // The entry, its page allocated (filled with T{}) if it was not yet.
    T& at(uint64_t i)
    {
        const uint64_t p = i >> kPageBits;
        if (p >= pages_.size())
            pages_.resize(p + 1);
        std::vector<T>& page = pages_[p];
        if (page.empty())
            page.assign(kPageSize, T{});
        return page[i & (kPageSize - 1)];
    }
    // One past the highest index of an allocated page (0 when empty).
    uint64_t extent() const { return pages_.size() * kPageSize; }
    void clear() { pages_.clear(); }

private:
    std::vector<std::vector<T>> pages_;
};

}  // namespace lpu
