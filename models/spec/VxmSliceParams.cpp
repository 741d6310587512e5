#include "VxmSliceParams.h"

#include "models/common/ParamNode.h"

namespace lpu {

VxmSliceParams VxmSliceParams::read(ParamNode& n)
{
    VxmSliceParams p;
    p.alu_latency =
        n.param<unsigned>("alu_latency",
                          "cycles from a VXM operation's issue to its result on the streams (spec default: 1)")
            .range(1, 64)
            .def(1);
    n.finish();
    return p;
}

}  // namespace lpu
