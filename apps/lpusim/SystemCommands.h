// `lpusim run --system SYSTEM`: a system of chips (docs/system.md), a program per chip, tensors
// in and out per chip, statistics, one trace, a waveform per chip; in one process (on threads)
// or spread over the ranks mpirun starts, with the same results.
#pragma once

#include <string>
#include <vector>

namespace lpu {

// Whether a `run` command line names a system (then cmd_run_system runs it).
bool names_system(const std::vector<std::string>& args);
int cmd_run_system(const std::vector<std::string>& args);

}  // namespace lpu
