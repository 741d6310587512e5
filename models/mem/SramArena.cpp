#include "SramArena.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace lpu {

namespace {

constexpr size_t kFirstChunk = size_t{256} << 10;
constexpr size_t kLargestChunk = size_t{64} << 20;
// Chunks from this size on are offered as huge pages (2 MiB on x86-64): by then the chip
// clearly uses enough SRAM that a partly touched huge page wastes little.
constexpr size_t kHugeFrom = size_t{4} << 20;
constexpr size_t kAlign = 64;
constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

}  // namespace

SramArena::~SramArena()
{
    for (const Chunk& c : chunks_)
        std::free(c.base);
}

void SramArena::grow(size_t at_least)
{
    next_chunk_ = next_chunk_ == 0 ? kFirstChunk : std::min(2 * next_chunk_, kLargestChunk);
    const size_t bytes = std::max(next_chunk_, at_least) + kAlign;
    // calloc: a fresh mapping comes zeroed without a memset, and memory the run freed earlier
    // (a loaded .npy's buffer) is used again rather than held beside new pages.
    void* p = std::calloc(1, bytes);
    if (!p)
        throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (bytes >= kHugeFrom) {  // advice only, for the whole huge pages inside the chunk
        const auto first = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) / kHugePage * kHugePage;
        const auto last = (reinterpret_cast<uintptr_t>(p) + bytes) / kHugePage * kHugePage;
        if (last > first)
            madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#endif
    chunks_.push_back(Chunk{p, bytes});
    const auto aligned = (reinterpret_cast<uintptr_t>(p) + kAlign - 1) / kAlign * kAlign;
    next_ = reinterpret_cast<char*>(aligned);
    left_ = bytes - (aligned - reinterpret_cast<uintptr_t>(p));
}

void* SramArena::allocate(size_t bytes)
{
    bytes = (bytes + kAlign - 1) / kAlign * kAlign;
    if (bytes > left_)
        grow(bytes);
    void* p = next_;
    next_ += bytes;
    left_ -= bytes;
    return p;
}

}  // namespace lpu
