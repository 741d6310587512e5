#include "ChipSchema.h"

#include "models/spec/C2cParams.h"
#include "models/spec/ChipParams.h"
#include "models/spec/IcuParams.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"
#include "models/spec/StreamParams.h"
#include "models/spec/SxmSliceParams.h"
#include "models/spec/VxmSliceParams.h"

namespace lpu {

const ParamSchema& chip_schema()
{
    static const ParamSchema schema = [] {
        ParamSchema s;
        ChipParams::declare(s);
        MxmParams::declare(s);
        MemParams::declare(s);
        StreamParams::declare(s);
        C2cParams::declare(s);
        IcuParams::declare(s);
        VxmSliceParams::declare(s);
        SxmSliceParams::declare(s);
        return s;
    }();
    return schema;
}

Config load_chip_config(const std::string& path) { return Config::load_file(path, chip_schema()); }

}  // namespace lpu
