// What the MXM core tests share: running a list of timed operations through an MxmCore.
#pragma once

#include "mxm/MxmCore.h"
#include "mxm/MxmStimulus.h"

#include <vector>

namespace lpu::test {

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
