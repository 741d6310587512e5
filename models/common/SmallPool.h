// Recycled small blocks for the simulator's hot paths: the nodes of its maps and queues and the
// stream values a run makes and drops millions of times (docs/performance.md: malloc and free
// took about a third of a compiled GEMM's run). Each thread keeps a free list per size class of
// 16 bytes; a block freed on another thread than it came from simply joins that thread's list
// (every block is its own operator new). Blocks over kMaxBytes go to operator new directly.
#pragma once

#include <cstddef>
#include <new>

namespace lpu {

namespace small_pool {

constexpr size_t kGranule = 16;
constexpr size_t kMaxBytes = 1024;

void* allocate(size_t bytes);
void deallocate(void* p, size_t bytes) noexcept;

}  // namespace small_pool

// A standard allocator over small_pool, for node-based containers (std::map, std::deque, ...)
// on hot paths and for shared_ptr control blocks.
template <class T> struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template <class U> PoolAllocator(const PoolAllocator<U>&) noexcept {}
    T* allocate(size_t n) { return static_cast<T*>(small_pool::allocate(n * sizeof(T))); }
    void deallocate(T* p, size_t n) noexcept { small_pool::deallocate(p, n * sizeof(T)); }
    template <class U> bool operator==(const PoolAllocator<U>&) const noexcept { return true; }
    template <class U> bool operator!=(const PoolAllocator<U>&) const noexcept { return false; }
};

}  // namespace lpu
