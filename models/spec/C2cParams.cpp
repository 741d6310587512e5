#include "C2cParams.h"

#include "models/common/ParamNode.h"

#include <cmath>

namespace lpu {

uint64_t C2cParams::cycles_per_vector(unsigned vector_bytes, double clock_mhz) const
{
    const double bytes_per_cycle = link_bytes_per_s() / (clock_mhz * 1e6);
    return static_cast<uint64_t>(std::ceil(vector_bytes / bytes_per_cycle));
}

C2cParams C2cParams::read(ParamNode& n)
{
    C2cParams p;
    p.links = n.param<unsigned>("links", "chip-to-chip links per chip (published: 16)").range(0, 64).def(16);
    p.lanes_per_link = n.param<unsigned>("lanes_per_link", "serial lanes per link (published: 4)").range(1, 64).def(4);
    p.gbps_per_lane =
        n.param<double>("gbps_per_lane", "line rate of one lane in Gb/s (published: 30)").range(0.001, 1000).def(30.0);
    p.cable_latency = n.param<unsigned>("cable_latency",
                                        "cycles from send to receive on a link beyond serialisation (TSP22 mean: 216)")
                          .range(0, 1000000)
                          .def(216);
    p.serdes_latency = n.param<unsigned>("serdes_latency", "cycles a link's transmitter and receiver add to every "
                                                           "vector, beyond the cable (unpublished; lpusim default 0: "
                                                           "the measured 216 cycles are the whole delay)")
                           .range(0, 1000000)
                           .def(0);
    p.receive_latency = n.param<unsigned>("receive_latency",
                                          "cycles from a Receive's issue to its vector on the stream at the C2C slice "
                                          "(lpusim default 1)")
                            .range(1, 64)
                            .def(1);
    p.receive_window =
        n.param<unsigned>("receive_window", "cycles an arrived vector waits in its port for a Receive; arriving with "
                                            "no Receive in [arrival, arrival + window] is a schedule error (lpusim "
                                            "default 32: absorbs clock drift between chips)")
            .range(0, 1000000)
            .def(32);
    n.finish();
    return p;
}

}  // namespace lpu
