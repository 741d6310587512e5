// Chip-to-chip links (spec sections 2, 4 and 5): 16 links of 4 lanes x 30 Gb/s on the
// published chip, and the cable latency Groq measured during alignment.
#pragma once

#include <cstdint>

namespace lpu {

class ParamNode;

struct C2cParams {
    unsigned links = 0;
    unsigned lanes_per_link = 0;
    double gbps_per_lane = 0;    // raw line rate of one lane, Gb/s
    unsigned cable_latency = 0;  // cycles

    // Bytes per second one link carries in one direction.
    double link_bytes_per_s() const { return lanes_per_link * gbps_per_lane * 1e9 / 8; }
    // Cycles one vector of `vector_bytes` occupies a link at `clock_mhz`.
    uint64_t cycles_per_vector(unsigned vector_bytes, double clock_mhz) const;

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static C2cParams read(ParamNode& n);
};

}  // namespace lpu
