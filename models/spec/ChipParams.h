// Chip-wide parameters: name, clock and the superlane geometry every unit is built from.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

class ParamNode;

struct ChipParams {
    std::string name;
    double clock_mhz = 0;
    unsigned superlanes = 0;
    unsigned lanes_per_superlane = 0;

    unsigned lanes() const { return superlanes * lanes_per_superlane; }
    // Clock period in picoseconds (SystemC's default time resolution), rounded.
    uint64_t period_ps() const;

    // Declares and reads a chip node's own keys: name, clock_mhz and the geometry section (the
    // caller finishes the node, which holds the units' sections too).
    static ChipParams read(ParamNode& n);
};

}  // namespace lpu
