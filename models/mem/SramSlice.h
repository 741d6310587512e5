// The storage of one MEM slice, without timing and without SystemC: banks x words_per_bank
// words of one vector (word_bytes bytes) each. Storage is allocated as it is touched: the slice
// holds a table of pages (page_words words each); a page is allocated, zero-filled, on its first
// write, and reading a word whose page was never written returns zeros without allocating. So
// a program that touches 1 MiB of the 220 MiB of tsp-v1 costs about 1 MiB of host memory.
// Pages are never freed or moved, which is what lets MemSystem hand out DMI pointers to them.
//
// Word layout: word w of the slice is word_bytes consecutive bytes, byte b being lane b; tile t
// (superlane t's part of the slice) holds bytes [t*G, (t+1)*G) of every word.
#pragma once

#include "models/mem/SramArena.h"
#include "models/spec/MemParams.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

class SramSlice {
public:
    // Pages come from `arena` (which must outlive the slice), or from an arena of the slice's own.
    SramSlice(const MemParams& params, unsigned index, SramArena* arena = nullptr);

    unsigned index() const { return index_; }
    const MemParams& params() const { return p_; }
    // "MEM slice 3 (MEM_W3)", for messages.
    std::string name() const;

    // Whole-word access: `out` / `in` hold word_bytes bytes. Throw InputError for a word
    // address outside the slice.
    void read(uint32_t word, uint8_t* out) const;
    void write(uint32_t word, const uint8_t* in);

    // Per-tile addressing (docs/mem.md, "Gather and scatter"): tile t of the result is tile t of
    // word tile_words[t]; `tile_words` has `superlanes` entries. Scatter writes tile t of `in`
    // into tile t of word tile_words[t]; tiles are disjoint byte columns, so two tiles naming
    // the same word never collide. Throw InputError naming the tile for an address out of range.
    void gather(const uint32_t* tile_words, uint8_t* out) const;
    void scatter(const uint32_t* tile_words, const uint8_t* in);

    // Storage of `word`, or nullptr when its page was never allocated (the word reads as zeros).
    const uint8_t* find(uint32_t word) const;
    // Asks the host's caches for `word` ahead of an access (no effect on any value; nothing for a
    // word outside the slice or never written): a chip's SRAM image is larger than the caches,
    // so an access that finds its word there instead of in DRAM saves most of its cost.
    void prefetch(uint32_t word) const
    {
        constexpr unsigned kCacheLine = 64;  // bytes, on every x86-64
        if (word < p_.words_per_slice())
            if (const uint8_t* q = find(word))
                for (unsigned b = 0; b < p_.word_bytes(); b += kCacheLine)
                    __builtin_prefetch(q + b);
    }
    // Storage of `word`, allocating (zero-filled) its page on first touch.
    uint8_t* touch(uint32_t word);
    // The page holding `word`, allocated if needed; `first_word` receives its first word.
    uint8_t* page_of(uint32_t word, uint32_t& first_word);

    size_t pages_allocated() const { return allocated_; }
    // Host memory held by pages (the page table itself, 8 bytes per page, is not counted).
    uint64_t bytes_allocated() const { return allocated_ * p_.page_bytes(); }

private:
    void check_word(uint32_t word, const char* what) const;
    void check_tiles(const uint32_t* tile_words, const char* what) const;
    uint8_t* page_base(uint32_t page);

    MemParams p_;
    unsigned index_;
    std::unique_ptr<SramArena> own_arena_;
    SramArena* arena_;
    std::vector<uint8_t*> pages_;  // pages_per_slice entries, null until touched
    size_t allocated_ = 0;
};

// Decodes a gather/scatter map vector (word_bytes bytes) into one word address per tile: tile
// t's address is the little-endian integer in the first map_entry_bytes() bytes of the map's
// chunk t (lanes [t*G, t*G + map_entry_bytes())); the chunk's other bytes are ignored. The value
// is not masked: gather/scatter reject an address outside the slice. Throws InputError if a tile
// is too narrow to hold an address (G < map_entry_bytes(), e.g. G = 1 with 8192 words).
std::vector<uint32_t> decode_tile_map(const MemParams& params, const uint8_t* map);

}  // namespace lpu
