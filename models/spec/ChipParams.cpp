#include "ChipParams.h"

#include "models/common/ParamNode.h"

#include <cmath>

namespace lpu {

uint64_t ChipParams::period_ps() const { return static_cast<uint64_t>(std::llround(1e6 / clock_mhz)); }

ChipParams ChipParams::read(ParamNode& n)
{
    ChipParams p;
    p.name = n.param<std::string>("name", "name of this chip description").def("unnamed");
    p.clock_mhz =
        n.param<double>("clock_mhz", "core clock in MHz (the published TSP runs at 900)").range(1, 5000).def(900.0);
    ParamNode g = n.section("geometry");
    p.superlanes =
        g.param<unsigned>("superlanes", "superlanes; instructions step one superlane per cycle (published chip: 20)")
            .range(1, 64);
    p.lanes_per_superlane = g.param<unsigned>("lanes_per_superlane", "lanes per superlane: the width of one "
                                                                     "superlane's chunk of a vector (published: 16)")
                                .range(1, 64)
                                .def(16);
    g.finish();
    return p;
}

}  // namespace lpu
