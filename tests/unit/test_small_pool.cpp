// The recycled blocks and stream vectors of the hot paths (models/common/SmallPool.h,
// models/stream/StreamValue.h): reuse within a thread, blocks freed on another thread, sizes
// past the pool, a recycled vector handed out zeroed like a new one, and vectors whose zero
// elements come from calloc (ZeroedAllocator).
#include "models/common/SmallPool.h"
#include "models/common/ZeroedAllocator.h"
#include "models/stream/StreamValue.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

using namespace lpu;

TEST_CASE("a freed small block is reused for the next block of its size class", "[pool]")
{
    void* a = small_pool::allocate(40);
    std::memset(a, 0xab, 40);
    small_pool::deallocate(a, 40);
    void* b = small_pool::allocate(48);  // the same 16-byte class: 33..48
    CHECK(b == a);
    void* c = small_pool::allocate(64);  // another class: a new block
    CHECK(c != a);
    small_pool::deallocate(b, 48);
    small_pool::deallocate(c, 64);
    void* big = small_pool::allocate(small_pool::kMaxBytes + 1);  // past the pool: operator new
    std::memset(big, 0, small_pool::kMaxBytes + 1);
    small_pool::deallocate(big, small_pool::kMaxBytes + 1);
}

TEST_CASE("blocks freed on another thread, and containers over the pool", "[pool]")
{
    std::map<int, int, std::less<int>, PoolAllocator<std::pair<const int, int>>> m;
    for (int i = 0; i < 10000; ++i)
        m[i] = i * i;
    std::thread t([&m] { m.clear(); });  // the nodes join the other thread's lists, then are freed
    t.join();
    CHECK(m.empty());
    for (int i = 0; i < 100; ++i)
        m[i] = -i;
    CHECK(m.size() == 100);
    CHECK(m.at(99) == -99);
}

TEST_CASE("a recycled stream vector is zeroed and of the asked size", "[pool]")
{
    const Vector* first = nullptr;
    {
        auto v = make_vector(320);
        std::memset(v->data(), 0xff, v->size());
        first = v.get();
    }
    auto w = make_vector(16);
    CHECK(w.get() == first);  // reused
    REQUIRE(w->size() == 16);
    for (uint8_t b : *w)
        CHECK(b == 0);
    VectorRef shared = w;  // a value read by many: one buffer until the last reader drops it
    w.reset();
    CHECK(shared->size() == 16);
}

TEST_CASE("a vector over ZeroedAllocator reads zero where nothing was written, whatever the heap held", "[pool]")
{
    using Zeroed = std::vector<int16_t, ZeroedAllocator<int16_t>>;
    for (size_t n : {size_t{7}, size_t{4096}, size_t{320} * 320, size_t{1} << 20}) {
        {  // leave freed memory full of ones where the next blocks may come from
            std::vector<int16_t> dirty(n, int16_t(-1));
            REQUIRE(dirty.back() == -1);
        }
        Zeroed v(n);
        REQUIRE(v.size() == n);
        CHECK(std::all_of(v.begin(), v.end(), [](int16_t x) { return x == 0; }));
        v[n / 2] = 5;
        Zeroed copy = v;  // copies are ordinary: every element, written ones included
        CHECK(copy[n / 2] == 5);
        CHECK(std::count(copy.begin(), copy.end(), int16_t(0)) == static_cast<std::ptrdiff_t>(n - 1));
        Zeroed filled(n, int16_t(3));  // an explicit value is stored
        CHECK(std::all_of(filled.begin(), filled.end(), [](int16_t x) { return x == 3; }));
    }
}
