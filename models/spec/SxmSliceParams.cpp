#include "SxmSliceParams.h"

#include "models/common/ParamNode.h"

namespace lpu {

SxmSliceParams SxmSliceParams::read(ParamNode& n)
{
    SxmSliceParams p;
    p.latency = n.param<unsigned>(
                     "latency", "cycles from an SXM operation's issue to its outputs on the streams (spec default: 2)")
                    .range(1, 64)
                    .def(2);
    n.finish();
    return p;
}

}  // namespace lpu
