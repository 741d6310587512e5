// Timing of the SXM slices in programs: an operation reads its input streams in its issue
// cycle and drives its outputs `latency` cycles later (spec default: 2).
#pragma once

namespace lpu {

class ParamNode;

struct SxmSliceParams {
    unsigned latency = 0;

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static SxmSliceParams read(ParamNode& n);
};

}  // namespace lpu
