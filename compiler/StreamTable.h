// Which registers of each stream booked values occupy: per stream and diagonal (a value keeps its
// diagonal as it travels, models/stream/StreamFile), the stretches of positions [lo, hi] booked.
// Most diagonals of a compiled program hold one or two stretches (a value on its way to a unit,
// and another driven on from there), so each holds two in 8 bytes and the rare others sit in a
// side table (a bitmask of positions per diagonal took 16 bytes each; a hash map for every second
// stretch cost a tenth of a GEMM's compile). The entries of one diagonal lie side by side for
// every slot: a search for free streams looks at one diagonal across the slots of a direction,
// so it reads one or two cache lines, not a page per slot.
#pragma once

#include "compiler/PagedTable.h"

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lpu {

class StreamTable {
public:
    // `streams` stream slots, positions below `positions` (at most 32766).
    StreamTable(unsigned streams, unsigned positions);

    // Whether no stretch booked on the diagonal shares a position with [lo, hi].
    bool free(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi) const;
    // Books [lo, hi] (free), and takes back a stretch booked before.
    void add(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi);
    void remove(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi);

private:
    using Stretch = std::pair<uint16_t, uint16_t>;
    // Per diagonal and slot, an entry of two halves, each a stretch: lo + 1 in its low bits and
    // hi + 1 above them (0: none); the entry's top bit when more stretches are in extra_. Indexed
    // by diagonal << slot_bits_ | slot. A floorplan of at most 127 positions (tsp-v1 has 95)
    // takes 32-bit entries (halves of 16 bits: 8 + 7), a larger one 64-bit entries (32: 16 +
    // 15): a compiled program books a few hundred thousand diagonals of 64 slots, so this halves
    // the compiler's largest table (67 MB of the 4096^3 GEMM's 300) and the cache lines a search
    // for free streams reads.
    PagedTable<uint32_t> narrow_;
    PagedTable<uint64_t> wide_;
    unsigned half_bits_ = 16;  // bits per half: 16 (narrow_ holds the entries) or 32 (wide_)
    unsigned slot_bits_ = 0;
    std::unordered_map<uint64_t, std::vector<Stretch>> extra_;

    uint64_t more() const { return uint64_t{1} << (2 * half_bits_ - 1); }
    uint64_t half_mask() const { return (uint64_t{1} << (half_bits_ - 1)) - 1; }
    bool narrow() const { return half_bits_ == 16; }
    uint64_t load(uint64_t i) const { return narrow() ? narrow_.get(i) : wide_.get(i); }
    void store(uint64_t i, uint64_t v)
    {
        if (narrow())
            narrow_.at(i) = static_cast<uint32_t>(v);
        else
            wide_.at(i) = v;
    }
    uint64_t pack(unsigned lo, unsigned hi) const { return (lo + 1) | uint64_t{hi + 1} << (half_bits_ / 2); }
    uint64_t half(uint64_t v, unsigned h) const { return (v >> (half_bits_ * h)) & half_mask(); }
    bool overlaps(uint64_t s, unsigned lo, unsigned hi) const
    {
        const uint64_t low = (uint64_t{1} << (half_bits_ / 2)) - 1;
        return s != 0 && overlap(lo, hi, static_cast<unsigned>((s & low) - 1),
                                 static_cast<unsigned>((s >> (half_bits_ / 2)) - 1));
    }
    static uint64_t key(unsigned slot, uint64_t diagonal) { return diagonal << 16 | slot; }
    uint64_t index(unsigned slot, uint64_t diagonal) const { return diagonal << slot_bits_ | slot; }
    static bool overlap(unsigned lo, unsigned hi, unsigned a, unsigned b) { return a <= hi && lo <= b; }
};

}  // namespace lpu
