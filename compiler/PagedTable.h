// A flat table indexed by a cycle (or a diagonal, or a word address) that grows in pages as it is
// written: the compiler's booking tables are dense over the cycles a program runs, so an array
// costs a few bytes per entry where a map keyed by cycle cost a heap node each. Entries never
// written read as T{}; reading never allocates. Copies share their pages until one of them
// writes a page (copy on write): a snapshot of a whole booking table, taken before every matmul
// of a long program, costs a pointer per page rather than the table, and only the pages written
// after it are ever copied.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace lpu {

template <class T> class PagedTable {
public:
    static constexpr unsigned kPageBits = 12;
    static constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;

    PagedTable() = default;
    // A copy shares every page; neither table owns them any more (both copy a page before
    // writing it, unless the other has let go of it by then).
    PagedTable(const PagedTable& o) : pages_(o.pages_), owned_(o.pages_.size(), 0) { o.disown(); }
    PagedTable& operator=(const PagedTable& o)
    {
        if (this != &o) {
            pages_ = o.pages_;
            owned_.assign(pages_.size(), 0);
            o.disown();
        }
        return *this;
    }
    PagedTable(PagedTable&&) noexcept = default;
    PagedTable& operator=(PagedTable&&) noexcept = default;

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
        if (p >= pages_.size()) {
            pages_.resize(p + 1);
            owned_.resize(p + 1, 0);
        }
        std::shared_ptr<Page>& page = pages_[p];
        if (!owned_[p]) {  // the shared count is looked at once per page after a copy, not per write
            if (!page)
                page = new_page();
            else if (page.use_count() > 1)
                page = std::make_shared<Page>(*page);
            owned_[p] = 1;
        }
        return (*page)[i & (kPageSize - 1)];
    }
    // One past the highest index of an allocated page (0 when empty).
    uint64_t extent() const { return pages_.size() * kPageSize; }
    void clear()
    {
        pages_.clear();
        owned_.clear();
    }

private:
    using Page = std::array<T, kPageSize>;  // one allocation, its entries behind the pointer
    void disown() const { std::fill(owned_.begin(), owned_.end(), 0); }
    // A page of T{} from calloc, which skips the memset for memory fresh from the system: the
    // tables' types are plain data whose zero bytes are T{} (checked in the tests).
    static std::shared_ptr<Page> new_page()
    {
        static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
        void* p = std::calloc(1, sizeof(Page));
        if (!p)
            throw std::bad_alloc();
        return std::shared_ptr<Page>(static_cast<Page*>(p), [](Page* q) { std::free(q); });
    }

    std::vector<std::shared_ptr<Page>> pages_;
    // Per page: this table holds the only pointer to it (so writes need no check). Mutable: a
    // copy, even from a const table, makes both tables share.
    mutable std::vector<uint8_t> owned_;
};

}  // namespace lpu
