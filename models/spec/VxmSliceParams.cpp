#include "VxmSliceParams.h"

#include "models/common/Config.h"

namespace lpu {

void VxmSliceParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.vxm.alu_latency",
                                  "cycles from a VXM operation's issue to its result on the streams (spec default: 1)")
                   .range(1, 64)
                   .def(int64_t{1}));
}

VxmSliceParams VxmSliceParams::from_config(const Config& cfg)
{
    VxmSliceParams p;
    p.alu_latency = static_cast<unsigned>(cfg.get_int("chip.vxm.alu_latency"));
    return p;
}

}  // namespace lpu
