// `lpusim run --sram-faults KEY=VALUE,... --sram-flip SLICE:WORD:BITS[@CYCLE]`: SRAM fault
// injection for a run of one chip or (--sram-faults only) of every chip of a system
// (docs/faults.md). The keys are declared once, in SramFaultParams::read.
#pragma once

#include "apps/lpusim/ArgParser.h"
#include "models/exec/RunStats.h"
#include "models/spec/MemParams.h"
#include "models/spec/SramFaultParams.h"

#include <optional>
#include <string>
#include <vector>

namespace lpu {

// Declares --sram-faults, and --sram-flip when `targeted` (one chip).
void add_sram_fault_options(ArgParser& ap, bool targeted);
// The faults the flags ask for, the flips checked against `mem`; none when neither flag is
// given. Throws UsageError naming the flag and the reason.
std::optional<SramFaultParams> sram_faults_from(const ArgParser& ap, const MemParams& mem);
// "SRAM faults (ECC secded (72,64)): R ECC words read, W with flipped bits (B bits): C corrected,
// D detected uncorrectable, S silent (M miscorrected, N undetected)".
std::string sram_fault_report(const EccParams& ecc, const std::vector<SramFaultCounters>& per_slice);

}  // namespace lpu
