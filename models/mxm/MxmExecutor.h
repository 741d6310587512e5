// The MXM planes executing their three queues' instructions (docs/isa.md section 1 and 3.3):
// LW and ABC take their operand vector from a stream at the plane (two consecutive streams for
// f16), IW and ACC none; an emitting ACC's int32 or fp32 result leaves as four byte planes on
// four consecutive streams. Each plane is an
// MxmCore; an MxmObserver (the RTL co-simulation) may watch every instruction and result.
#pragma once

#include "models/common/SmallPool.h"
#include "models/exec/SliceExecutor.h"
#include "models/mxm/MxmCore.h"
#include "models/mxm/MxmObserver.h"
#include "models/spec/MxmParams.h"

#include <deque>
#include <memory>
#include <vector>

namespace lpu {

class MxmExecutor : public SliceExecutor {
public:
    // `describe` names an instruction in rule errors, as the chip's other reports do.
    // `products` (may be null): the thread the planes' integer products are computed on.
    MxmExecutor(const MxmParams& params, MxmObserver* observer, AgentDescriber describe,
                ProductWorker* products = nullptr);

    void execute(const Issue& is, ExecContext& ctx) override;
    void advance(uint64_t cycle) override;
    void finish(uint64_t last_cycle, RunStats& stats) override;

private:
    // Offers `core` the activations arriving for its next cycles' ABCs (MxmCore::lookahead).
    static void offer_lookahead(const Issue& is, ExecContext& ctx, MxmCore& core, size_t len);

    const MxmParams& p_;
    MxmObserver* observer_;
    AgentDescriber describe_;
    // The last MXM instructions (run sequence number, agent), to name those a rule error refers to.
    static constexpr size_t kRecent = 1024;
    std::deque<std::pair<uint64_t, AgentId>, PoolAllocator<std::pair<uint64_t, AgentId>>> recent_;
    std::vector<std::unique_ptr<MxmCore>> planes_;
    std::vector<uint8_t> f16_;  // an f16 operand's two byte planes interleaved, reused
    MxmResult result_;          // the last ACC's result, reused
};

}  // namespace lpu
