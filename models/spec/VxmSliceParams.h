// Timing of the VXM slice in programs: each ALU operation takes `alu_latency` cycles from its
// issue (operands read from the streams) to its result on the destination streams.
#pragma once

namespace lpu {

class ParamNode;

struct VxmSliceParams {
    unsigned alu_latency = 0;

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static VxmSliceParams read(ParamNode& n);
};

}  // namespace lpu
