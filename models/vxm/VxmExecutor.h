// The VXM executing its queues' instructions (docs/isa.md 3.3): queue VXM.k is ALU k of every
// lane. An operand is a group of consecutive byte streams (byte k of each lane on stream s + k)
// or, chained, the result ALU j produced for this very cycle; the result goes to a stream group
// alu_latency cycles after issue, or stays in the ALU's output for the next ALU of a chain.
#pragma once

#include "models/common/SmallPool.h"
#include "models/exec/SliceExecutor.h"
#include "models/spec/VxmSliceParams.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace lpu {

class VxmExecutor : public SliceExecutor {
public:
    VxmExecutor(const VxmSliceParams& params, unsigned alus);

    void execute(const Issue& is, ExecContext& ctx) override;

private:
    // An ALU result on its way to the ALU's output register, for a chained reader.
    struct AluResult {
        uint64_t cycle;  // the cycle it is in the output register
        AgentId who;
        std::vector<uint32_t> lanes;
    };
    // Operand i of `is` (0 = x, 1 = y) as 32-bit lane words into `words`.
    void operand(const Issue& is, ExecContext& ctx, unsigned i, size_t& next_stream, std::vector<uint32_t>& words);

    const VxmSliceParams& p_;
    std::vector<std::deque<AluResult, PoolAllocator<AluResult>>> outputs_;  // per ALU, by cycle
    std::vector<uint32_t> x_, y_, z_;                                       // reused lane buffers
};

}  // namespace lpu
