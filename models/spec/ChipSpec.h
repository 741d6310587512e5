// A chip config resolved once into every unit's typed parameters: what a Chip, its executors
// and its engine read, passed by const& instead of re-deriving each struct from the raw config.
#pragma once

#include "models/spec/ChipParams.h"
#include "models/spec/IcuParams.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"
#include "models/spec/StreamParams.h"
#include "models/spec/SxmSliceParams.h"
#include "models/spec/VxmSliceParams.h"

namespace lpu {

class Config;

struct ChipSpec {
    ChipParams chip;
    MxmParams mxm;
    MemParams mem;
    StreamParams stream;
    IcuParams icu;
    VxmSliceParams vxm;
    SxmSliceParams sxm;

    static ChipSpec from_config(const Config& cfg);
};

}  // namespace lpu
