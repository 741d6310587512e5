// How the chip's instruction control (models/chip/Chip) hands an issued instruction to the
// slice that executes it. Each slice kind has one executor in its own folder (MemExecutor,
// MxmExecutor, VxmExecutor, SxmExecutor); all of them see the rest of the chip only through an
// ExecContext: the stream registers at their own position, values driven to land in a later
// cycle, the run's statistics, and the text of an instruction for a report.
#pragma once

#include "models/common/CycleCalendar.h"
#include "models/common/ScheduleRule.h"
#include "models/exec/ChipObserver.h"
#include "models/exec/RunStats.h"
#include "models/isa/Program.h"
#include "models/stream/StreamFile.h"

#include <cstdint>
#include <limits>
#include <string>

namespace lpu {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// One instruction as issued: by which queue (and so which slice), in which cycle, and the
// operand offset of a repetition (Repeat's step, added to an address or row).
struct Issue {
    size_t queue = 0;
    const QueueInfo* slice = nullptr;
    const Instr* in = nullptr;
    uint64_t cycle = 0;
    int64_t offset = 0;
    AgentId who;       // names the issue in stream reports (ExecContext::describe)
    uint64_t seq = 0;  // instructions the run issued before this one
};

class ExecContext {
public:
    ExecContext(StreamFile& streams, AgentDescriber describe, RunStats& run_stats, unsigned vector_bytes,
                ChipObserver* watcher)
        : stats(run_stats), lanes(vector_bytes), streams_(streams), describe_(std::move(describe)), watcher_(watcher)
    {}

    RunStats& stats;
    const unsigned lanes;  // bytes in a vector

    // The value on `s` at the issuing slice in the issue cycle (ScheduleError if none).
    const VectorRef& read(const Issue& is, StreamId s)
    {
        return streams_.read(s, is.slice->position, is.cycle, is.who);
    }
    // The value on `s` at the issuing slice in a later `cycle` if nothing more were written
    // (StreamFile::peek): a guess, to be checked when that cycle comes.
    const Vector* peek(const Issue& is, StreamId s, uint64_t cycle) const
    {
        return streams_.peek(s, is.slice->position, cycle);
    }
    // `value` appears on `s` at the issuing slice in `cycle` (> the issue cycle).
    void drive(const Issue& is, StreamId s, uint64_t cycle, VectorRef value)
    {
        pending_.add(cycle, Landing{s, is.slice->position, std::move(value), is.who});
    }
    // "MEM_E3: 'Read 0x4, s1e' (p.s:5:2)": the slice, the instruction as executed, its source.
    std::string describe(const Issue& is) const { return describe_(is.who); }
    std::string describe(AgentId who) const { return describe_(who); }
    // Throws ScheduleError "cycle T: <describe>: <what>" for a breach of `rule`.
    [[noreturn]] void fail(const Issue& is, ScheduleRule rule, const std::string& what) const;
    // base + the repetition's offset, which must lie in [0, limit) (`what`: "address", "row").
    int64_t operand(const Issue& is, int64_t base, int64_t limit, const char* what) const;

    // For the chip's loop: the first cycle in which a driven value lands, and landing them.
    uint64_t next_landing() const { return pending_.next(); }
    void land(uint64_t cycle);

private:
    struct Landing {
        StreamId stream;
        unsigned position;
        VectorRef value;
        AgentId who;
    };
    StreamFile& streams_;
    AgentDescriber describe_;
    ChipObserver* watcher_;
    CycleCalendar<Landing> pending_;
};

class SliceExecutor {
public:
    virtual ~SliceExecutor() = default;
    // Executes `is` (an instruction of this slice kind's queues) in its issue cycle.
    virtual void execute(const Issue& is, ExecContext& ctx) = 0;
    // The first cycle in which the executor has work of its own (an SRAM write landing), or kNever.
    virtual uint64_t next_event() const { return kNever; }
    // Its own work of `cycle`, done before any value lands on a stream or any instruction issues
    // in that cycle. Called for every cycle the chip visits, in increasing order.
    virtual void advance(uint64_t cycle) { (void)cycle; }
    // The run ended in `last_cycle`: add what the executor counted to `stats`.
    virtual void finish(uint64_t last_cycle, RunStats& stats) { (void)last_cycle, (void)stats; }
};

}  // namespace lpu
