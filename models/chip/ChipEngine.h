// A program running on a chip, advanced by whoever drives it: Chip::run to completion, or a
// system in windows between which it exchanges link traffic. The engine visits only cycles in
// which something happens (an instruction issues, a value lands, a slice's own work), so its
// cost follows instructions and MACs, not cycles; the cycles it visits, and everything it
// reports, do not depend on how the run is cut into windows.
#pragma once

#include "models/chip/ChipStatsCounter.h"
#include "models/exec/ChipObserver.h"
#include "models/exec/RunStats.h"
#include "models/exec/SliceExecutor.h"
#include "models/icu/IcuQueue.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

class Chip;
class MxmObserver;

class ChipEngine final : private IcuHost {
public:
    // Loads the program's blocks into the chip's MEM and starts the observers. `chip` and
    // `program` must outlive the engine; so must the observers (any may be null).
    ChipEngine(Chip& chip, const Program& program, const std::vector<ChipObserver*>& observers,
               MxmObserver* mxm_observer);
    ~ChipEngine() override;
    ChipEngine(const ChipEngine&) = delete;
    ChipEngine& operator=(const ChipEngine&) = delete;

    // The first cycle in which something happens, kNever when the program has finished.
    uint64_t next_event() const;
    // Runs every cycle before `cycle`. Throws ScheduleError naming the chip; the observers see
    // on_error, and the engine cannot be advanced again.
    void advance_to(uint64_t cycle);
    // Runs what is left, checks no queue is parked for ever, and returns the statistics.
    RunStats finish();
    // "MEM_E3: 'Read 0x4, s1e' (p.s:5:2)": the queue, the instruction as executed, its source.
    std::string describe(const AgentId& id) const;
    // The last cycle visited (where a failure happened).
    uint64_t last_cycle() const { return last_cycle_; }
    // Instructions issued so far (a measure of the work done, for sharing chips among threads).
    uint64_t issued() const { return seq_; }

private:
    void visit(uint64_t t);
    void execute(size_t q, const Instr& in, uint32_t index, uint64_t t, int64_t offset) override;
    void issued(size_t q, const Instr& in, uint32_t index, uint64_t t) override;
    const Vector& fetch_read(size_t q, uint32_t index, StreamId s, uint64_t t) override;
    std::vector<QueuedInstr> fetched(size_t q, uint32_t index, uint64_t start, const std::string& text) override;
    const HacClock& hac() const override;
    [[noreturn]] void fail(size_t q, uint32_t index, uint64_t t, ScheduleRule rule, const std::string& why) override;
    [[noreturn]] void failed(const std::exception& e);
    AgentId agent(size_t q, uint32_t index, int64_t offset) const;

    Chip& chip_;
    const Program& program_;
    std::deque<Instr> fetched_store_;  // instructions brought in by Ifetch (a deque: they never move)
    RunStats st_;
    ChipStatsCounter counter_;  // always there, called directly (the hot path)
    ObserverFanout observers_;  // the caller's
    StreamFile streams_;
    ExecContext ctx_;
    std::vector<std::unique_ptr<SliceExecutor>> executors_;
    std::vector<SliceExecutor*> exec_of_queue_;
    std::vector<IcuQueue> queues_;
    std::vector<uint32_t> live_;  // the queues not yet done, in queue order: those a cycle may step
    uint64_t seq_ = 0;            // counted issues so far
    uint64_t last_cycle_ = 0;     // the last cycle visited
    bool broken_ = false, finished_ = false;
};

}  // namespace lpu
