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
    // `streams` stream slots, positions below `positions` (at most 32767).
    StreamTable(unsigned streams, unsigned positions);

    // Whether no stretch booked on the diagonal shares a position with [lo, hi].
    bool free(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi) const;
    // Books [lo, hi] (free), and takes back a stretch booked before.
    void add(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi);
    void remove(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi);

private:
    using Stretch = std::pair<uint16_t, uint16_t>;
    // Per diagonal and slot: two stretches of 32 bits each, lo + 1 in bits 0..15 and hi + 1 in
    // bits 16..30 (0: none); bit 63 when more stretches are in extra_. Indexed by
    // diagonal << slot_bits_ | slot.
    PagedTable<uint64_t> first_;
    unsigned slot_bits_ = 0;
    std::unordered_map<uint64_t, std::vector<Stretch>> extra_;
    static constexpr uint64_t kMore = uint64_t{1} << 63;

    static uint32_t pack(unsigned lo, unsigned hi) { return (lo + 1) | (hi + 1) << 16; }
    static uint32_t half(uint64_t v, unsigned h) { return static_cast<uint32_t>(v >> (32 * h)) & 0x7fffffff; }
    static bool overlaps(uint32_t s, unsigned lo, unsigned hi)
    {
        return s != 0 && overlap(lo, hi, (s & 0xffff) - 1, (s >> 16) - 1);
    }
    static uint64_t key(unsigned slot, uint64_t diagonal) { return diagonal << 16 | slot; }
    uint64_t index(unsigned slot, uint64_t diagonal) const { return diagonal << slot_bits_ | slot; }
    static bool overlap(unsigned lo, unsigned hi, unsigned a, unsigned b) { return a <= hi && lo <= b; }
};

}  // namespace lpu
