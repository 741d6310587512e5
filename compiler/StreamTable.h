// Which registers of each stream booked values occupy: per stream and diagonal (a value keeps its
// diagonal as it travels, models/stream/StreamFile), the stretches of positions [lo, hi] booked.
// Most diagonals of a compiled program hold one stretch, so each holds one in 4 bytes and the
// rare others sit in a side table (a bitmask of positions per diagonal took 16 bytes each). The
// entries of one diagonal lie side by side for every slot: a search for free streams looks at one
// diagonal across the slots of a direction, so it reads one or two cache lines, not a page per slot.
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
    // Per slot and diagonal: lo + 1 in bits 0..15, hi + 1 in bits 16..30 (0: no stretch), bit 31
    // when more stretches are in extra_.
    // Indexed by diagonal << slot_bits_ | slot.
    PagedTable<uint32_t> first_;
    unsigned slot_bits_ = 0;
    std::unordered_map<uint64_t, std::vector<Stretch>> extra_;
    static constexpr uint32_t kMore = uint32_t{1} << 31;

    static uint32_t pack(unsigned lo, unsigned hi) { return (lo + 1) | (hi + 1) << 16; }
    static uint64_t key(unsigned slot, uint64_t diagonal) { return diagonal << 16 | slot; }
    uint64_t index(unsigned slot, uint64_t diagonal) const { return diagonal << slot_bits_ | slot; }
    static bool overlap(unsigned lo, unsigned hi, unsigned a, unsigned b) { return a <= hi && lo <= b; }
};

}  // namespace lpu
