// The SXMs executing their queues' instructions (docs/isa.md 3.3, docs/sxm.md): one byte stream
// per input and output; results appear chip.sxm.latency cycles after issue.
#pragma once

#include "models/exec/SliceExecutor.h"
#include "models/spec/SxmSliceParams.h"

#include <vector>

namespace lpu {

class SxmExecutor : public SliceExecutor {
public:
    SxmExecutor(const SxmSliceParams& params, unsigned lanes_per_superlane);

    void execute(const Issue& is, ExecContext& ctx) override;

private:
    const SxmSliceParams& p_;
    unsigned group_;  // lanes per superlane: transpose works on groups of this many streams
    std::vector<VectorRef> held_;
    std::vector<const uint8_t*> ins_;
};

}  // namespace lpu
