// Chip-wide parameters: name, clock and the superlane geometry every unit is built from.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

class Config;
class ParamSchema;

struct ChipParams {
    std::string name;
    double clock_mhz = 0;
    unsigned superlanes = 0;
    unsigned lanes_per_superlane = 0;

    unsigned lanes() const { return superlanes * lanes_per_superlane; }
    // Clock period in picoseconds (SystemC's default time resolution), rounded.
    uint64_t period_ps() const;

    static void declare(ParamSchema& schema);
    static ChipParams from_config(const Config& cfg);
};

}  // namespace lpu
