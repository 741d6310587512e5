#include "SramArena.h"

#include <algorithm>
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

}  // namespace

SramArena::~SramArena()
{
    for (const Chunk& c : chunks_)
        munmap(c.base, c.bytes);
}

void SramArena::grow(size_t at_least)
{
    next_chunk_ = next_chunk_ == 0 ? kFirstChunk : std::min(2 * next_chunk_, kLargestChunk);
    const size_t bytes = std::max(next_chunk_, at_least);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (bytes >= kHugeFrom)
        madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without THP the chunk is simply 4 KiB pages
#endif
    chunks_.push_back(Chunk{p, bytes});
    next_ = static_cast<char*>(p);
    left_ = bytes;
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
