// The recycled blocks and stream vectors of the hot paths (models/common/SmallPool.h,
// models/stream/StreamValue.h): reuse within a thread, blocks freed on another thread, sizes
// past the pool, and a recycled vector handed out zeroed like a new one.
#include "models/common/SmallPool.h"
#include "models/stream/StreamValue.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <thread>

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
