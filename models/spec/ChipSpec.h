// A chip resolved once from its description into every unit's typed parameters: what a Chip, its
// executors, the assembler and the compiler read, passed by const& (no code outside models/spec
// reads a raw key). The same keys describe a chip in a chip config file (under `chip:`) or inside
// a larger file, such as a system holding chip types: ChipSpec::read takes the node.
#pragma once

#include "models/common/Config.h"
#include "models/spec/C2cParams.h"
#include "models/spec/ChipParams.h"
#include "models/spec/IcuParams.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"
#include "models/spec/StreamParams.h"
#include "models/spec/SxmSliceParams.h"
#include "models/spec/VxmSliceParams.h"

#include <memory>
#include <string>

namespace lpu {

class ParamNode;

struct ChipSpec {
    ChipParams chip;
    MxmParams mxm;
    MemParams mem;
    StreamParams stream;
    C2cParams c2c;
    IcuParams icu;
    VxmSliceParams vxm;
    SxmSliceParams sxm;
    // Every parameter as read, with its position and description (`lpusim config`).
    std::shared_ptr<const Config> config;
    // The chip node's key path in `config` ("chip" in a chip config file, deeper in a system
    // file): its parameters are the entries under it.
    std::string path;

    // Declares and reads the keys of a chip node (name, clock_mhz, geometry and one section per
    // unit), then checks no other key is there.
    static ChipSpec read(ParamNode& chip);
};

// A chip config file: `version: 1` and a `chip:` node (configs/*.yaml). Throws ConfigError
// "file:line:col: key.path: reason".
ChipSpec load_chip_spec(const std::string& path);
// The same from text; `source` names it in messages.
ChipSpec parse_chip_spec(const std::string& yaml, const std::string& source);

}  // namespace lpu
