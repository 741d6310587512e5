// A flat table indexed by a cycle (or a diagonal, or a word address) that grows in pages as it is
// written: the compiler's booking tables are dense over the cycles a program runs, so an array
// costs a few bytes per entry where a map keyed by cycle cost a heap node each. Entries never
// written read as T{}; reading never allocates. Copies share their pages until one of them
// writes a page (copy on write): a snapshot of a whole booking table, taken before every matmul
// of a long program, costs a pointer per page rather than the table, and only the pages written
// after it are ever copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lpu {

template <class T> class PagedTable {
public:
    static constexpr unsigned kPageBits = 12;
    static constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;

    T get(uint64_t i) const
    {
        const uint64_t p = i >> kPageBits;
        return p < pages_.size() && pages_[p] ? (*pages_[p])[i & (kPageSize - 1)] : T{};
    }
    // The entry, its page allocated (filled with T{}) if it was not yet, or copied first if
    // another table shares it.
    T& at(uint64_t i)
    {
        const uint64_t p = i >> kPageBits;
        if (p >= pages_.size())
            pages_.resize(p + 1);
        std::shared_ptr<Page>& page = pages_[p];
        if (!page)
            page = std::make_shared<Page>(kPageSize, T{});
        else if (page.use_count() > 1)
            page = std::make_shared<Page>(*page);
        return (*page)[i & (kPageSize - 1)];
    }
    // One past the highest index of an allocated page (0 when empty).
    uint64_t extent() const { return pages_.size() * kPageSize; }
    void clear() { pages_.clear(); }

private:
    using Page = std::vector<T>;
    std::vector<std::shared_ptr<Page>> pages_;
};

}  // namespace lpu
