// PagedTable, the compiler's booking tables: entries read as T{} until written, and copies (the
// snapshots a matmul takes before trying its ways) independent of each other although they share
// pages until one writes, checked against a std::map reference per copy.
#include "compiler/PagedTable.h"
#include "models/common/Rng.h"

#include <catch2/catch.hpp>

#include <map>
#include <vector>

using namespace lpu;

TEST_CASE("paged tables read T{} where unwritten and never allocate on a read", "[compiler][paged-table]")
{
    PagedTable<uint32_t> t;
    CHECK(t.get(123456789) == 0);
    CHECK(t.extent() == 0);
    t.at(5000) = 7;
    CHECK(t.get(5000) == 7);
    CHECK(t.get(4999) == 0);
    CHECK(t.extent() == 2 * PagedTable<uint32_t>::kPageSize);
}

TEST_CASE("copies of a paged table share pages until one writes, and never see each other's writes",
          "[compiler][paged-table]")
{
    Rng rng(11);
    std::vector<PagedTable<uint64_t>> tables(1);
    std::vector<std::map<uint64_t, uint64_t>> refs(1);
    for (int step = 0; step < 20000; ++step) {
        const size_t k = static_cast<size_t>(rng.below(tables.size()));
        if (rng.below(200) == 0 && tables.size() < 12) {  // a snapshot of table k
            tables.push_back(tables[k]);
            refs.push_back(refs[k]);
            continue;
        }
        const uint64_t i = rng.below(6 * PagedTable<uint64_t>::kPageSize);
        const uint64_t v = rng.below(1000000) + 1;
        tables[k].at(i) = v;
        refs[k][i] = v;
    }
    REQUIRE(tables.size() > 5);
    for (size_t k = 0; k < tables.size(); ++k)
        for (uint64_t i = 0; i < 6 * PagedTable<uint64_t>::kPageSize; ++i) {
            const auto it = refs[k].find(i);
            const uint64_t want = it == refs[k].end() ? 0 : it->second;
            if (tables[k].get(i) != want) {
                FAIL("table " << k << " entry " << i << ": " << tables[k].get(i) << ", want " << want);
            }
        }
}

namespace {
// Like the compiler's bank-use entries: default member initialisers that are all zero bytes.
struct Pair {
    uint8_t read = 0, write = 0;
    bool operator==(const Pair& o) const { return read == o.read && write == o.write; }
};
}  // namespace

TEST_CASE("a new page's entries are T{} (pages come zeroed from calloc)", "[compiler][paged-table]")
{
    for (int round = 0; round < 4; ++round) {  // later rounds reuse memory freed by earlier ones
        PagedTable<Pair> pairs;
        PagedTable<uint64_t> words;
        for (uint64_t i = 0; i < 8 * PagedTable<Pair>::kPageSize; i += 97) {
            pairs.at(i) = Pair{3, 4};
            words.at(i) = ~uint64_t{0};
        }
        for (uint64_t i = 0; i < 8 * PagedTable<Pair>::kPageSize; ++i) {
            const bool written = i % 97 == 0;
            if (!(pairs.get(i) == (written ? Pair{3, 4} : Pair{})) || words.get(i) != (written ? ~uint64_t{0} : 0))
                FAIL("entry " << i << " of round " << round);
        }
    }
}
