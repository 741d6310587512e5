#include "C2cParams.h"

#include "models/common/Config.h"

#include <cmath>

namespace lpu {

uint64_t C2cParams::cycles_per_vector(unsigned vector_bytes, double clock_mhz) const
{
    const double bytes_per_cycle = link_bytes_per_s() / (clock_mhz * 1e6);
    return static_cast<uint64_t>(std::ceil(vector_bytes / bytes_per_cycle));
}

void C2cParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.c2c.links", "chip-to-chip links per chip (published: 16)")
                   .range(0, 64)
                   .def(int64_t{16}));
    schema.add(ParamSpec::integer("chip.c2c.lanes_per_link", "serial lanes per link (published: 4)")
                   .range(1, 64)
                   .def(int64_t{4}));
    schema.add(ParamSpec::number("chip.c2c.gbps_per_lane", "line rate of one lane in Gb/s (published: 30)")
                   .range(0.001, 1000)
                   .def(30.0));
    schema.add(ParamSpec::integer("chip.c2c.cable_latency",
                                  "cycles from send to receive on a link beyond serialisation (TSP22 mean: 216)")
                   .range(0, 1000000)
                   .def(int64_t{216}));
}

C2cParams C2cParams::from_config(const Config& cfg)
{
    C2cParams p;
    p.links = static_cast<unsigned>(cfg.get_int("chip.c2c.links"));
    p.lanes_per_link = static_cast<unsigned>(cfg.get_int("chip.c2c.lanes_per_link"));
    p.gbps_per_lane = cfg.get_float("chip.c2c.gbps_per_lane");
    p.cable_latency = static_cast<unsigned>(cfg.get_int("chip.c2c.cable_latency"));
    return p;
}

}  // namespace lpu
