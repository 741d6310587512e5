// Host memory for the simulated SRAM's pages: zeroed blocks carved from large chunks, never
// freed before the arena. A large chunk is a fresh mapping, already zero, so a page costs no
// memset, and large chunks are offered to the kernel as transparent huge pages: a run that
// fills tens of MiB of SRAM takes a few hundred page faults instead of thousands (a page fault
// costs about 2 us on a virtual machine; docs/performance.md). The first chunks are small, so a
// chip that touches little SRAM (a system of thousands of them) holds little host memory.
#pragma once

#include <cstddef>
#include <vector>

namespace lpu {

class SramArena {
public:
    SramArena() = default;
    ~SramArena();
    SramArena(const SramArena&) = delete;
    SramArena& operator=(const SramArena&) = delete;

    // `bytes` zeroed bytes, 64-byte aligned, valid until the arena is destroyed. Throws
    // std::bad_alloc when the host has no memory left.
    void* allocate(size_t bytes);

private:
    struct Chunk {
        void* base;
        size_t bytes;
    };
    void grow(size_t at_least);

    std::vector<Chunk> chunks_;
    char* next_ = nullptr;  // the free part of the newest chunk
    size_t left_ = 0;
    size_t next_chunk_ = 0;  // the size of the next chunk (grows geometrically)
};

}  // namespace lpu
