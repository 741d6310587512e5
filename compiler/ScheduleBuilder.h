// The chip as the compiler books it: every queue's issue slots, every stream register along the
// diagonals values travel, and the MEM bank rule, all in cycles, with the same timing contract
// the chip runs (docs/isa.md). A lowering asks "is this free?" and books what it uses; nothing is
// ever arbitrated later, so a program built only from bookings runs exactly as booked, and the
// predicted length (the last issue, landing or SRAM commit, plus one) is the simulated one.
#pragma once

#include "compiler/PagedTable.h"
#include "compiler/StreamTable.h"
#include "models/isa/InstrForms.h"
#include "models/isa/Program.h"
#include "models/spec/ChipParams.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/Floorplan.h"
#include "models/spec/IcuParams.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"
#include "models/spec/StreamParams.h"
#include "models/spec/SxmSliceParams.h"
#include "models/spec/VxmSliceParams.h"

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

class ScheduleBuilder {
public:
    explicit ScheduleBuilder(const ChipSpec& spec);

    const ChipSpec& spec() const { return spec_; }
    const QueueMap& queues() const { return map_; }
    const MxmParams& mxm() const { return mxm_; }
    const MemParams& mem() const { return memp_; }
    const StreamParams& streams() const { return streamp_; }
    const VxmSliceParams& vxm() const { return vxmp_; }
    const IcuParams& icu() const { return icu_; }
    unsigned lanes() const { return memp_.word_bytes(); }

    // Queue indices and slice positions.
    size_t queue(const std::string& name) const;
    size_t mem_queue(unsigned slice) const { return mem_queue_.at(slice); }
    size_t vxm_queue(unsigned alu) const { return vxm_queue_.at(alu); }
    size_t mxm_queue(unsigned plane, QueueKind kind) const;
    unsigned position(size_t queue) const { return map_.queues().at(queue).position; }
    unsigned vxm_position() const { return vxm_position_; }
    // The direction a value takes from position `from` to `to` (East when equal).
    static StreamDir direction(unsigned from, unsigned to) { return to >= from ? StreamDir::East : StreamDir::West; }
    static unsigned hops(unsigned a, unsigned b) { return Floorplan::hops(a, b); }

    // Issue slots: one instruction per queue per cycle.
    bool queue_free(size_t q, uint64_t cycle) const;
    void place(size_t q, uint64_t cycle, const Instr& in);

    // A value driven onto `s` at position `from` in `cycle`, read at `to` (it is there in
    // cycle + hops): free if no other booked value uses any register of that stretch.
    bool stream_free(StreamId s, unsigned from, unsigned to, uint64_t cycle) const;
    void book_stream(StreamId s, unsigned from, unsigned to, uint64_t cycle);
    // The lowest-numbered group of `width` consecutive streams (direction from -> to; when
    // from == to either direction, `local` first) free for the stretch, or none.
    std::optional<StreamId> find_streams(unsigned width, unsigned from, unsigned to, uint64_t cycle,
                                         StreamDir local = StreamDir::East) const;

    // The MEM bank rule (docs/mem.md section 3): a read of `word` issued in `cycle` on `slice`,
    // or a write issued then (its bank is used write_latency - 1 cycles later).
    bool mem_read_ok(unsigned slice, uint32_t word, uint64_t cycle) const;
    bool mem_write_ok(unsigned slice, uint32_t word, uint64_t cycle) const;
    // Whether a booked access of bank `bank` (-1: none) and an access of `word` clash (timing::banks_clash).
    bool clash(int bank, uint32_t word) const;
    void book_mem_read(unsigned slice, uint32_t word, uint64_t cycle);
    void book_mem_write(unsigned slice, uint32_t word, uint64_t cycle);
    // Whether a read of `word` issued on `slice` in `cycle` fits: the slice's queue free, the
    // bank rule, and the word's last booked write committed by then. A write likewise: queue,
    // bank, no earlier than the last read of the old value, after the last write.
    bool can_read(unsigned slice, uint32_t word, uint64_t cycle) const;
    bool can_write(unsigned slice, uint32_t word, uint64_t cycle) const;
    // The latest read and the last write booked for a word (issue cycles), if any: a read must
    // come after the write commits, a write after the last read of the old value.
    std::optional<uint64_t> last_read(unsigned slice, uint32_t word) const;
    std::optional<uint64_t> last_write(unsigned slice, uint32_t word) const;

    // Bookings since mark() can be taken back: a lowering tries a cycle, and if any part of its
    // work does not fit there, undoes what it booked and tries the next.
    size_t mark() const { return st_.undo.size(); }
    void rollback(size_t mark);
    // Keeps everything booked so far (forgets how to take it back), unless a trial is open.
    void commit()
    {
        if (st_.trials == 0)
            st_.undo.clear();
    }
    // Between these, commit() keeps the undo log, so a whole alternative (a block of a reduction
    // lowered one way) can be taken back with rollback(mark) and tried another way.
    void begin_trial() { ++st_.trials; }
    void end_trial() { --st_.trials; }

    // Something happens in `cycle` (a landing or commit the chip visits).
    void note(uint64_t cycle)
    {
        if (cycle + 1 > st_.end) {
            st_.undo.push_back(Undo{Undo::End, 0, st_.end, 0});
            st_.end = cycle + 1;
        }
    }
    // Instructions placed from now on belong to `owner` (a layer's index), for spans().
    void set_owner(int owner) { owner_ = owner; }
    struct Span {
        uint64_t first = ~uint64_t{0}, last = 0;  // the cycles its first and last instruction issue
        size_t instructions = 0;
    };
    // Per owner, where its instructions issue.
    std::map<int, Span> spans() const;
    // Cycles the program runs: the last event + 1.
    uint64_t predicted_cycles() const { return st_.end; }
    size_t instructions() const { return st_.instructions; }

    // The program's queues as assembly text (after `header`, e.g. .tensor lines): each queue's
    // instructions in cycle order, gaps as NOPs, runs of the same instruction at a fixed
    // spacing (and address or row step) folded into Repeat.
    void write_assembly(std::ostream& os, const std::string& header) const;
    std::string assembly(const std::string& header) const;

    // An instruction as booked: its issue cycle, operand a and form (InstrForms), 12 bytes (a
    // long program books millions: the 4096^3 GEMM 7.8 M).
    struct Booked {
        uint32_t cycle;
        int32_t a;
        uint32_t form;
    };
    // Banks a MEM slice uses in one bank cycle, each plus one (0: none; at most 16 banks).
    struct BankUse {
        uint8_t read = 0, write = 0;
    };
    struct Undo {
        enum Kind : uint8_t { Place, Stream, Bank, End, LastRead, LastWrite };
        // Built in place by emplace_back: a temporary's narrow fields read back as one wide copy
        // stall the store buffer, and an undo entry is written for every booking.
        Undo(Kind k, uint32_t i, uint64_t c, int64_t e) : kind(k), index(i), cycle(c), extra(e) {}
        Kind kind;
        uint32_t index;  // queue, stream slot or slice
        uint64_t cycle;  // or diagonal, or the old end, or the word
        int64_t extra;   // Stream: lo + (hi << 16); Bank: the old BankUse packed read + (write << 8);
                         // LastRead/LastWrite: the old cycle + 1 (0: none)
    };
    // Everything booked, as a value (snapshot and restore): a lowering trying whole alternatives
    // (a matmul booked one way, then another) copies it once instead of keeping an undo log of
    // every booking.
    struct State {
        // Per queue, in the order booked (paged: no spare capacity, no copies as it grows).
        std::vector<PagedTable<Booked>> booked;
        std::vector<size_t> booked_count;
        std::vector<PagedTable<uint64_t>> busy;  // per queue: bit c % 64 of word c / 64 if it issues in c
        StreamTable streams{0, 0};
        std::vector<PagedTable<BankUse>> banks;                   // per MEM slice and bank cycle
        std::vector<PagedTable<uint64_t>> last_read, last_write;  // per slice and word: the cycle + 1
        uint64_t end = 0;
        size_t instructions = 0;
        std::vector<Undo> undo;
        unsigned trials = 0;
    };
    State snapshot() const { return st_; }
    State take() { return std::move(st_); }  // leaves nothing to book on until restore()
    void restore(State s) { st_ = std::move(s); }

private:
    const ChipSpec& spec_;
    ChipParams chip_;
    MxmParams mxm_;
    MemParams memp_;
    StreamParams streamp_;
    VxmSliceParams vxmp_;
    IcuParams icu_;
    QueueMap map_;
    unsigned vxm_position_ = 0;
    std::vector<size_t> mem_queue_, vxm_queue_;
    State st_;
    InstrForms forms_;                 // never taken back: a form no booking uses is never emitted
    std::vector<uint32_t> last_form_;  // per queue, the form it booked last (a hint for intern)
    int owner_ = -1;

    size_t stream_slot(StreamId s) const { return s.dir == StreamDir::East ? s.index : streamp_.east + s.index; }
    // The diagonal's index in the stream tables (never negative).
    uint64_t diagonal(StreamId s, unsigned position, uint64_t cycle) const;
    // The last read or write of a word: the cycle + 1, 0 for none.
    uint64_t& last_entry(std::vector<PagedTable<uint64_t>>& table, unsigned slice, uint32_t word);
    // Two booked instructions as one Repeat can fold them: `b` is `a` with its address or row
    // advanced by k.
    bool same_but_step(const Booked& a, const Booked& b, int64_t k) const;
    Instr instr(const Booked& b) const;
    // Queue q's bookings; `v` and `before` are the buffers of sorted().
    void write_queue(std::ostream& os, size_t q, std::vector<Booked>& v, std::vector<uint32_t>& before) const;
    // Queue q's bookings sorted by cycle into `v`, with `before` for the busy cycles per word.
    void sorted(size_t q, std::vector<Booked>& v, std::vector<uint32_t>& before) const;
};

}  // namespace lpu
