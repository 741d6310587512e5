#include "ChipParams.h"

#include "models/common/Config.h"

#include <cmath>

namespace lpu {

uint64_t ChipParams::period_ps() const { return static_cast<uint64_t>(std::llround(1e6 / clock_mhz)); }

void ChipParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("version", "config format version (this build reads version 1)").range(1, 1));
    schema.add(ParamSpec::string("chip.name", "name of this chip description").def(std::string("unnamed")));
    schema.add(ParamSpec::number("chip.clock_mhz", "core clock in MHz (the published TSP runs at 900)")
                   .range(1, 5000)
                   .def(900.0));
    schema.add(ParamSpec::integer("chip.geometry.superlanes",
                                  "superlanes; instructions step one superlane per cycle (published chip: 20)")
                   .range(1, 64));
    schema.add(ParamSpec::integer("chip.geometry.lanes_per_superlane",
                                  "lanes per superlane: the width of one superlane's chunk of a vector (published: 16)")
                   .range(1, 64)
                   .def(int64_t{16}));
}

ChipParams ChipParams::from_config(const Config& cfg)
{
    ChipParams p;
    p.name = cfg.get_string("chip.name");
    p.clock_mhz = cfg.get_float("chip.clock_mhz");
    p.superlanes = static_cast<unsigned>(cfg.get_int("chip.geometry.superlanes"));
    p.lanes_per_superlane = static_cast<unsigned>(cfg.get_int("chip.geometry.lanes_per_superlane"));
    return p;
}

}  // namespace lpu
