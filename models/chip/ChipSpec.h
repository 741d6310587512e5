// A chip config resolved once into every unit's typed parameters: what a Chip, its executors
// and its engine read, passed by const& instead of re-deriving each struct from the raw config.
#pragma once

#include "chip/ChipParams.h"
#include "icu/IcuParams.h"
#include "mem/MemParams.h"
#include "mxm/MxmParams.h"
#include "stream/StreamParams.h"
#include "sxm/SxmSliceParams.h"
#include "vxm/VxmSliceParams.h"

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
