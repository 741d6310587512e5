// Timing of the SXM slices in programs: an operation reads its input streams in its issue
// cycle and drives its outputs `latency` cycles later (spec default: 2).
#pragma once

namespace lpu {

class Config;
class ParamSchema;

struct SxmSliceParams {
    unsigned latency = 0;

    static void declare(ParamSchema& schema);
    static SxmSliceParams from_config(const Config& cfg);
};

}  // namespace lpu
