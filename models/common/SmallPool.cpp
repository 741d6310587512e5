#include "SmallPool.h"

#include <cstdint>

namespace lpu::small_pool {

namespace {

constexpr size_t kClasses = kMaxBytes / kGranule;
// Enough to ride out a run's bursts; more would only hoard memory another size could use.
constexpr uint32_t kMaxFree = 1u << 16;

struct FreeBlock {
    FreeBlock* next;
};

struct Lists {
    FreeBlock* head[kClasses] = {};
    uint32_t count[kClasses] = {};
    ~Lists()
    {
        alive = false;
        for (size_t c = 0; c < kClasses; ++c)
            while (FreeBlock* b = head[c]) {
                head[c] = b->next;
                ::operator delete(b);
            }
    }
    static thread_local bool alive;  // false once this thread's lists are gone (thread exit)
};

thread_local bool Lists::alive = true;
thread_local Lists lists;

size_t size_class(size_t bytes) { return (bytes + kGranule - 1) / kGranule - 1; }

}  // namespace

void* allocate(size_t bytes)
{
    if (bytes == 0 || bytes > kMaxBytes || !Lists::alive)
        return ::operator new(bytes == 0 ? 1 : bytes);
    const size_t c = size_class(bytes);
    if (FreeBlock* b = lists.head[c]) {
        lists.head[c] = b->next;
        --lists.count[c];
        return b;
    }
    return ::operator new((c + 1) * kGranule);
}

void deallocate(void* p, size_t bytes) noexcept
{
    if (!p)
        return;
    if (bytes == 0 || bytes > kMaxBytes || !Lists::alive) {
        ::operator delete(p);
        return;
    }
    const size_t c = size_class(bytes);
    if (lists.count[c] >= kMaxFree) {
        ::operator delete(p);
        return;
    }
    auto* b = static_cast<FreeBlock*>(p);
    b->next = lists.head[c];
    lists.head[c] = b;
    ++lists.count[c];
}

}  // namespace lpu::small_pool
