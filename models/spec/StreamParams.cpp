#include "StreamParams.h"

#include "models/common/ParamNode.h"

namespace lpu {

StreamParams StreamParams::read(ParamNode& n)
{
    StreamParams p;
    p.east = n.param<unsigned>("east", "eastbound stream registers, each one vector wide (published: 32)")
                 .range(1, 256)
                 .def(32);
    p.west = n.param<unsigned>("west", "westbound stream registers, each one vector wide (published: 32)")
                 .range(1, 256)
                 .def(32);
    n.finish();
    return p;
}

}  // namespace lpu
