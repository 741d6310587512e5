// The MEM slices executing their queues' instructions (docs/isa.md 3.3, docs/mem.md): Read and
// Gather drive a word (or per-tile words) onto a stream read_latency cycles after issue; Write
// and Scatter take a stream value and commit it write_latency cycles later. Every access goes
// through the port and bank rules of MemPortChecker first. With SRAM faults injected
// (MemSystem::inject_faults), every read goes through the run's SramFaultModel (its ECC decoder);
// without, reads and writes do no more than copy.
#pragma once

#include "models/common/CycleCalendar.h"
#include "models/exec/SliceExecutor.h"
#include "models/mem/MemPorts.h"
#include "models/mem/MemSystem.h"
#include "models/mem/SramFaultModel.h"
#include "models/spec/MemParams.h"

#include <memory>
#include <vector>

namespace lpu {

class MemExecutor : public SliceExecutor {
public:
    // `describe` names an issue in port-rule reports.
    MemExecutor(const MemParams& params, MemSystem& mem, AgentDescriber describe);

    void execute(const Issue& is, ExecContext& ctx) override;
    uint64_t next_event() const override { return writes_.next(); }
    void advance(uint64_t cycle) override;
    void finish(uint64_t last_cycle, RunStats& stats) override;

private:
    struct PendingWrite {
        unsigned slice;
        uint32_t word;
        VectorRef value;
        std::vector<uint32_t> tiles;  // Scatter: one word per tile (then `word` is unused)
    };

    // A detected uncorrectable read (`uncorrectable` non-empty) fails the run under policy fail.
    void checked(const Issue& is, ExecContext& ctx, const std::string& uncorrectable) const;

    const MemParams& p_;
    MemSystem& mem_;
    MemPortChecker ports_;
    std::unique_ptr<SramFaultModel> faults_;  // null without fault injection
    CycleCalendar<PendingWrite> writes_;      // by the cycle they become visible
};

}  // namespace lpu
