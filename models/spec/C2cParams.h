// Chip-to-chip links (spec sections 2, 4 and 5): 16 links of 4 lanes x 30 Gb/s on the
// published chip, the cable latency Groq measured during alignment, and how a C2C port hands
// vectors to and from the streams (docs/isa.md 3.6). What each link is made of beyond the
// chip's SerDes (its cable, FEC code, bit errors) is the system's (models/topology/SystemSpec.h).
#pragma once

#include <cstdint>

namespace lpu {

class ParamNode;

struct C2cParams {
    unsigned links = 0;
    unsigned lanes_per_link = 0;
    double gbps_per_lane = 0;      // raw line rate of one lane, Gb/s
    unsigned cable_latency = 0;    // cycles: the default cable of a link from this chip
    unsigned serdes_latency = 0;   // cycles the transmitter and receiver add
    unsigned receive_latency = 0;  // cycles from a Receive's issue to its vector on the stream
    unsigned receive_window = 0;   // cycles an arrived vector waits for its Receive

    // Bytes per second one link carries in one direction.
    double link_bytes_per_s() const { return lanes_per_link * gbps_per_lane * 1e9 / 8; }
    // Cycles one vector of `vector_bytes` occupies a link at `clock_mhz`.
    uint64_t cycles_per_vector(unsigned vector_bytes, double clock_mhz) const;

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static C2cParams read(ParamNode& n);
};

}  // namespace lpu
