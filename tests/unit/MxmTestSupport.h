// What the MXM core tests share: plane parameters, and running timed operations through an MxmCore.
#pragma once

#include "models/mxm/MxmCore.h"
#include "tb/mxm/MxmStimulus.h"

#include <vector>

namespace lpu::test {

// A plane of `superlanes` x 16 lanes with the given install rate, latencies, slots and fp16
// issue interval.
inline MxmParams mxm_params(unsigned superlanes, unsigned q, unsigned a, unsigned r, unsigned slots, unsigned interval)
{
    MxmParams p;
    p.superlanes = superlanes;
    p.lanes_per_superlane = 16;
    p.planes = 1;
    p.rows = p.cols = 16 * superlanes;
    p.acc_slots = slots;
    p.install_rows_per_cycle = q;
    p.array_latency = a;
    p.acc_latency = r;
    p.fp16_issue_interval = interval;
    return p;
}

// Issues `ops` in order on `keep` (or a fresh core) and returns the results they emit.
inline std::vector<MxmResult> run_ops(const MxmParams& p, const std::vector<MxmOp>& ops, MxmCore* keep = nullptr)
{
    MxmCore local(p);
    MxmCore& core = keep ? *keep : local;
    std::vector<MxmResult> out;
    MxmResult r;
    for (const MxmOp& op : ops)
        if (core.issue(op.instr, op.cycle, op.data.data(), op.data.size(), r))
            out.push_back(r);
    return out;
}

}  // namespace lpu::test
