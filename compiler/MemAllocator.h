// Where tensors live in MEM (docs/compiler.md, "Placement"): each column block of a tensor
// (`lanes` columns, zero-padded) takes `rows` consecutive words in one slice per byte plane,
// the planes in consecutive slices outward from the VXM in one hemisphere, as docs/isa.md 3.4
// lays out multi-byte tensors. Blocks go to the slice group with the most free words, which
// spreads tensors over the slices and so over their read and write ports. Words given back
// (`release`: a dead intermediate's, when tensors do not all fit at once) are reused only once
// no group of fresh words is left, so a workload that fits is laid out as if nothing were
// ever given back.
#pragma once

#include "models/common/Error.h"
#include "models/spec/MemParams.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

// MEM is full: what needed room and how much was used (an InputError: the workload is too big).
class MemFullError : public InputError {
public:
    using InputError::InputError;
};

struct MemBlock {
    unsigned slice = 0;  // byte plane 0 (QueueInfo::unit numbering: west 0..h-1 outward, then east)
    uint32_t addr = 0;
};

class MemAllocator {
public:
    explicit MemAllocator(const MemParams& params);

    // A block of `rows` words in `planes` consecutive slices, none of them in `avoid` if that
    // is possible (work that reads two tensors in a fixed relative cycle needs them in different
    // slices: each slice reads one word per cycle). Throws InputError naming `what` when no
    // slice group has room (MemFullError).
    // `side` (if given: 0 west, 1 east) is preferred next: values read together then reach the
    // VXM from both directions and use half as many streams of each.
    MemBlock allocate(uint32_t rows, unsigned planes, const std::string& what, const std::vector<unsigned>& avoid = {},
                      int side = -1);
    // The same in words never given to another block: for contents set before the run (a
    // constant's .fill, .data rows, a row of zeros), which words another tensor wrote during the
    // run would not hold.
    MemBlock allocate_fresh(uint32_t rows, unsigned planes, const std::string& what,
                            const std::vector<unsigned>& avoid = {}, int side = -1);
    // `count` blocks of `rows` words at one address in `count` different slices of hemisphere
    // `side` (one byte plane each; slices in `avoid` only when others run out), not crossing a
    // bank boundary when they fit in one bank: a gather map names the same words in every slice
    // it passes, and a gather is one bank access. Throws InputError naming `what`.
    std::vector<MemBlock> allocate_across(unsigned count, uint32_t rows, unsigned side, const std::string& what,
                                          const std::vector<unsigned>& avoid = {});
    // The `rows` words of a block of `planes` slices are free again (their tensor is dead; the
    // schedule still orders a later write to them after its last read).
    void release(const MemBlock& b, uint32_t rows, unsigned planes);
    // The hemisphere of a slice: 0 west, 1 east.
    unsigned side_of(unsigned slice) const { return slice < p_.slices_per_hemisphere() ? 0 : 1; }
    uint64_t words_used() const;

private:
    using Range = std::pair<uint32_t, uint32_t>;  // words [first, second)
    MemBlock place(uint32_t rows, unsigned planes, const std::string& what, const std::vector<unsigned>& avoid,
                   int side, bool may_reuse);
    // A block in released words (and fresh ones above them), chosen as allocate() chooses.
    std::optional<MemBlock> allocate_released(uint32_t rows, unsigned planes, const std::vector<unsigned>& avoid,
                                              int side) const;
    // Slice `s`'s free words, released and fresh, in address order.
    std::vector<Range> free_ranges(unsigned s) const;
    // Words [addr, addr + rows) of slice `s` are in use.
    void take(unsigned s, uint32_t addr, uint32_t rows);

    MemParams p_;
    std::vector<uint32_t> next_;                // per slice: first fresh word
    std::vector<std::vector<Range>> released_;  // per slice: released words below next_, in order
};

}  // namespace lpu
