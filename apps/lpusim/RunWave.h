// `run --wave DIR`: a chip's whole waveform, DIR/<stem>.vcd and DIR/<stem>.gtkw (stem "chip" for
// a lone chip, the chip's name in a system), completed after the run, a failing one included.
#pragma once

#include "tb/wave/ChipWaveWriter.h"

#include <filesystem>
#include <string>
#include <utility>

namespace lpu {

struct RunWave {
    std::string vcd, gtkw;
    ChipWaveWriter writer;

    // Dumps cycles window.first..window.second (inclusive) only.
    RunWave(const std::filesystem::path& dir, const std::string& stem, const ChipClock& clock, const std::string& title,
            std::pair<uint64_t, uint64_t> window = {0, ~uint64_t{0}});
    // Creates `dir` if needed; InputError if it cannot be.
    static std::string prepare(const std::filesystem::path& dir);
    // A file name for a chip called `name`: letters, digits, '.', '-' and '_' kept, others '_'.
    static std::string stem_of(const std::string& name);

    void complete(uint64_t cycles);
    // After a failed run: the waveform through the failing cycle (on_error ended it, or fail()
    // does; stop() for a chip that was not the one failing). Returns the cycle it ends in.
    uint64_t complete_failed(const std::string& what, bool this_chip = true);
};

}  // namespace lpu
