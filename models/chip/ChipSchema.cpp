#include "ChipSchema.h"

#include "c2c/C2cParams.h"
#include "chip/ChipParams.h"
#include "icu/IcuParams.h"
#include "mem/MemParams.h"
#include "mxm/MxmParams.h"
#include "stream/StreamParams.h"
#include "sxm/SxmSliceParams.h"
#include "vxm/VxmSliceParams.h"

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
