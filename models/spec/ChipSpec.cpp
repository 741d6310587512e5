#include "ChipSpec.h"

namespace lpu {

ChipSpec ChipSpec::from_config(const Config& cfg)
{
    return ChipSpec{ChipParams::from_config(cfg),     MxmParams::from_config(cfg),
                    MemParams::from_config(cfg),      StreamParams::from_config(cfg),
                    IcuParams::from_config(cfg),      VxmSliceParams::from_config(cfg),
                    SxmSliceParams::from_config(cfg)};
}

}  // namespace lpu
