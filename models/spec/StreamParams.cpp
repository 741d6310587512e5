#include "StreamParams.h"

#include "models/common/Config.h"

namespace lpu {

void StreamParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.streams.east", "eastbound stream registers, each one vector wide (published: 32)")
                   .range(1, 256)
                   .def(int64_t{32}));
    schema.add(ParamSpec::integer("chip.streams.west", "westbound stream registers, each one vector wide (published: 32)")
                   .range(1, 256)
                   .def(int64_t{32}));
}

StreamParams StreamParams::from_config(const Config& cfg)
{
    StreamParams p;
    p.east = static_cast<unsigned>(cfg.get_int("chip.streams.east"));
    p.west = static_cast<unsigned>(cfg.get_int("chip.streams.west"));
    return p;
}

}  // namespace lpu
