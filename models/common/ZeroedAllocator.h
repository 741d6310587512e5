// A standard allocator whose value-initialised elements cost nothing until written: storage
// comes from calloc, and value-initialising a trivial element (std::vector<T, ...>(n)) leaves
// calloc's zero bytes in place instead of storing them again. A large block is then a fresh
// mapping whose pages the kernel supplies, zeroed, only when first touched, so a buffer of which
// a run uses little (an MXM plane's weight buffers on a chip whose program never loads them)
// costs neither a memset nor host memory (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace lpu {

template <class T> struct ZeroedAllocator {
    static_assert(std::is_trivial_v<T>, "zero bytes must be a valid value-initialised T");
    using value_type = T;
    ZeroedAllocator() = default;
    template <class U> ZeroedAllocator(const ZeroedAllocator<U>&) noexcept {}
    T* allocate(size_t n)
    {
        if (void* p = std::calloc(n, sizeof(T)))
            return static_cast<T*>(p);
        throw std::bad_alloc();
    }
    void deallocate(T* p, size_t) noexcept { std::free(p); }
    // Value-initialisation: the bytes are zero already.
    template <class U> void construct(U*) noexcept {}
    template <class U, class... Args> void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U> bool operator==(const ZeroedAllocator<U>&) const noexcept { return true; }
    template <class U> bool operator!=(const ZeroedAllocator<U>&) const noexcept { return false; }
};

}  // namespace lpu
