// `lpusim cosim mxm`: assembles stimulus -> fan-out -> {MxmPlane model, RTL transactor}, the
// model's results -> checker <- the RTL's results, runs it, and reports PASS, or the first
// divergence with the command that replays it.
#pragma once

#include "models/mxm/MxmObserver.h"
#include "tb/mxm/MxmRtlTransactor.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace lpu {

struct MxmCosimOptions {
    std::string config_path;
    uint64_t seed = 1;
    uint64_t ops = 2000;
    std::string stimulus = "random";
    std::string wave_dir;      // empty: no waves
    bool wave_window = false;  // false: whole run
    uint64_t wave_from = 0, wave_to = 0;
    MxmFault fault;
    bool model_only = false;          // no RTL: the model alone, for speed measurements
    bool rtl_thread = false;          // the RTL on a thread of its own (MxmRtlWorker)
    std::string log_path;             // instruction/result log
    std::string results_path;         // .npy of result vectors
    std::string program = "lpusim";   // how to call lpusim again, for the replay line
    MxmObserver* observer = nullptr;  // sees every instruction and result of the model (coverage)

    // The exact command line that reproduces this run (with `extra` appended).
    std::string command_line(const std::string& extra = "") const;
};

// Runs one co-simulation. Returns the process exit code: 0 pass, 1 divergence or schedule error.
// Throws InputError / ConfigError for bad input (caller maps them to their own exit code).
int run_mxm_cosim(const MxmCosimOptions& options, std::ostream& out, std::ostream& err);

// Writes a GTKWave save file that opens `fst_file` with the key signals laid out, showing
// [start_ps, end_ps] and a marker at `marker_ps` (none if negative).
void write_mxm_gtkw(const std::string& gtkw_path, const std::string& fst_file, const MxmParams& params,
                    uint64_t start_ps, uint64_t end_ps, int64_t marker_ps);

}  // namespace lpu
