#include "SxmSliceParams.h"

#include "models/common/Config.h"

namespace lpu {

void SxmSliceParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.sxm.latency",
                                  "cycles from an SXM operation's issue to its outputs on the streams (spec default: 2)")
                   .range(1, 64)
                   .def(int64_t{2}));
}

SxmSliceParams SxmSliceParams::from_config(const Config& cfg)
{
    SxmSliceParams p;
    p.latency = static_cast<unsigned>(cfg.get_int("chip.sxm.latency"));
    return p;
}

}  // namespace lpu
