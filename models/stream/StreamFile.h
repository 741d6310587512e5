// The east- and westbound stream registers that carry vectors between slices (spec sections 1,
// 4 and 7). A value written to a stream at position p in cycle t is at position p + d
// (eastbound) or p - d (westbound) in cycle t + d: it travels along a *diagonal* of
// (position, cycle). So the file stores each value once, keyed by its diagonal, and computes
// where it is when it is read — it never shifts registers cycle by cycle, and its cost grows
// with the values written, not with cycles x positions x streams. A stream's live diagonals
// are a window about two chip widths long (a value leaves the chip within `positions` cycles),
// so they sit in a ring indexed by diagonal, not in a tree; retiring every visited cycle keeps
// that window, and the values' buffers, in the host's caches.
//
// Rules (docs/isa.md section 2): a read at (position, cycle) returns the value of the nearest
// producer upstream on that diagonal; a second write to the same stream at the same position
// and cycle, or a read where no value is, is a ScheduleError. Writing over a value that is
// still travelling is legal (hardware simply replaces it downstream) and counted.
#pragma once

#include "models/common/AgentId.h"
#include "models/common/SmallPool.h"
#include "models/isa/StreamId.h"
#include "models/stream/StreamValue.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

struct StreamStats {
    uint64_t writes = 0;
    uint64_t reads = 0;
    uint64_t overwritten = 0;  // values replaced downstream by a later producer on their diagonal
    uint64_t never_read = 0;   // values retired without any read: wasted stream bandwidth
    // Position-cycles a value occupied a stream register, per stream (east then west); divided
    // by positions x cycles this is the stream's occupancy.
    std::vector<uint64_t> occupied;
};

class StreamFile {
public:
    // `describe` names producers and consumers in reports; by default "#<id>".
    StreamFile(unsigned east_streams, unsigned west_streams, unsigned positions, AgentDescriber describe = {});

    // Producer `who` at `position` drives `value` onto `s` in `cycle`. Throws ScheduleError on a
    // second producer of the same register and cycle.
    void write(StreamId s, unsigned position, uint64_t cycle, VectorRef value, AgentId who);
    // The value on `s` at `position` in `cycle`. Throws ScheduleError if there is none. The
    // reference is good until the next write or retire_before (copy the VectorRef to keep it).
    const VectorRef& read(StreamId s, unsigned position, uint64_t cycle, AgentId who);
    // What read() would return if nothing more were written: the value on `s` at `position` in
    // `cycle` (a later cycle, too: a value written upstream and still travelling), or null. No
    // checks, no statistics; good until the next write or retire_before. For guesses that are
    // checked later (the MXM's batched products), never for the run's own values.
    const Vector* peek(StreamId s, unsigned position, uint64_t cycle) const;
    // No read or write will come for cycles before `cycle`: forget what can no longer be read.
    void retire_before(uint64_t cycle);

    unsigned positions() const { return positions_; }
    unsigned streams(StreamDir dir) const { return dir == StreamDir::East ? east_ : west_; }
    // Statistics, counting values still live as if retired now.
    StreamStats stats() const;
    size_t live_values() const;

private:
    struct Entry {
        unsigned position = 0;
        mutable bool read = false;  // by anyone (a value never read is wasted bandwidth); found const
        VectorRef value;
        AgentId who;
    };
    // The producers on one diagonal, west to east: "nearest upstream producer" is a short scan.
    // 96 % of diagonals hold one, so the first sits in the ring's slot itself and the others in a
    // vector made when first needed (it keeps its capacity): a slot is one cache line, so a read
    // or write is one cache miss (with the vector inline a slot took 72 bytes, two lines), and a
    // write asks for the next diagonal's slot, where its producer writes next.
    class alignas(64) Diagonal {
    public:
        size_t size() const { return n_; }
        bool empty() const { return n_ == 0; }
        Entry& operator[](size_t i) { return i == 0 ? first_ : (*more_)[i - 1]; }
        const Entry& operator[](size_t i) const { return i == 0 ? first_ : (*more_)[i - 1]; }
        void insert(size_t i, Entry e);
        void clear();

    private:
        uint32_t n_ = 0;
        Entry first_;
        std::unique_ptr<std::vector<Entry>> more_;
    };
    static_assert(sizeof(Diagonal) == 64, "a diagonal's slot is one cache line");
    struct Ring {
        std::vector<Diagonal> slots;  // diagonal k at slots[k & (size - 1)], for k in [base, base + size)
        int64_t base = 0;
        size_t live = 0;  // values held
    };

    Ring& ring(StreamId s);
    // The producer nearest upstream of `position` on `s`'s diagonal through (position, cycle), or
    // null.
    const Entry* nearest(StreamId s, unsigned position, uint64_t cycle) const;
    size_t slot_of(StreamId s) const { return s.dir == StreamDir::East ? s.index : east_ + s.index; }
    int64_t diagonal_key(StreamId s, unsigned position, uint64_t cycle) const;
    void check(StreamId s, unsigned position) const;
    // The diagonal `k` of `r`, the ring grown or moved so that it holds k.
    Diagonal& diagonal(Ring& r, int64_t k);
    static void rebuild(Ring& r, int64_t base, size_t size);
    // Registers the value at `i` of `d` occupies: from its producer to the next producer
    // downstream on its diagonal (or the chip's edge if none).
    uint64_t span(StreamDir dir, const Diagonal& d, size_t i) const;
    void account(StreamDir dir, size_t slot, const Diagonal& d, StreamStats& into) const;

    std::string describe(AgentId who) const;

    unsigned east_, west_, positions_;
    AgentDescriber describe_;
    std::vector<Ring> streams_;  // east streams, then west streams
    StreamStats retired_;
};

}  // namespace lpu
