// `lpusim asm`, `lpusim disasm` and `lpusim run`: programs for the whole chip (`run --system`:
// SystemCommands.h).
#pragma once

#include "models/spec/ChipClock.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

class ArgParser;
class Chip;
class MxmChipCosim;

int cmd_asm(const std::vector<std::string>& args);
int cmd_disasm(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);

// Shared with `run --system`: NAME=FILE of --load and --dump (UsageError naming `flag`), and
// --cosim UNIT for one chip (its planes' waves in `wave_dir`, if any, of the cycles in `window`).
std::pair<std::string, std::string> name_and_file(const std::string& arg, const char* flag);
std::unique_ptr<MxmChipCosim> make_cosim(const std::string& unit, Chip& chip, const ChipClock& clock,
                                         const std::string& wave_dir, std::pair<uint64_t, uint64_t> window);
// --wave-window FROM:TO (UsageError without --wave); all cycles when it is not given.
std::pair<uint64_t, uint64_t> wave_window(const ArgParser& ap);

}  // namespace lpu
