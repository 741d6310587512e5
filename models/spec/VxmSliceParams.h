// Timing of the VXM slice in programs: each ALU operation takes `alu_latency` cycles from its
// issue (operands read from the streams) to its result on the destination streams.
#pragma once

namespace lpu {

class Config;
class ParamSchema;

struct VxmSliceParams {
    unsigned alu_latency = 0;

    static void declare(ParamSchema& schema);
    static VxmSliceParams from_config(const Config& cfg);
};

}  // namespace lpu
