// One program run on one chip, the sequence behind `lpusim run`: the program (assembly or object
// file), tensors in from .npy files, the run with the caller's observers (waveforms, checkers),
// tensors out to .npy files, the statistics, the Perfetto trace and a one-line report. Every
// output path is checked when it is named, so a bad path costs no simulation, and every output is
// written atomically after a successful run, so a failed run leaves no half-written or clobbered
// file. The CLI, the tests and the system runner drive runs through it.
#pragma once

#include "models/chip/Chip.h"
#include "models/chip/PerfettoTrace.h"
#include "models/common/NpyReader.h"
#include "models/isa/Program.h"
#include "models/session/ProgramTensors.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace lpu {

class ChipSession {
public:
    // `program_name` names the program in messages and the report (its file, usually).
    ChipSession(const ChipSpec& spec, Program program, std::string program_name, unsigned chip_id = 0);
    ~ChipSession();

    Chip& chip() { return *chip_; }
    const Program& program() const { return program_; }
    const std::string& program_name() const { return program_name_; }

    // Writes the tensor or matrix `name` (a .matrix moves as one rows x cols array) from an .npy
    // file into MEM; its dtype and shape must be the declaration's. Throws InputError.
    void load(const std::string& name, const std::string& npy_file);
    void load(const std::string& name, const NpyArray& array);
    // After a successful run, writes `name` to `npy_file` (checked writable now).
    void dump_after(const std::string& name, const std::string& npy_file);
    void stats_after(const std::string& file);
    void trace_after(const std::string& file);

    // Runs the program with `observers` (null entries ignored; they must outlive the call) and
    // `mxm_observer` (may be null), then writes every output named so far. Throws ScheduleError
    // or InputError, leaving every output file as it was.
    const RunStats& run(const std::vector<ChipObserver*>& observers = {}, MxmObserver* mxm_observer = nullptr);
    // A tensor or matrix as an array (after the run, or before it: what MEM holds now).
    NpyArray array(const std::string& name);
    // "ran P: N instructions in C cycles (T us at F MHz), M MACs, MXM utilisation U; simulated in W s".
    std::string report() const;

private:
    struct Output {
        std::string name, file;
    };
    std::string program_name_;
    Program program_;
    std::unique_ptr<Chip> chip_;
    ProgramTensors tensors_;
    std::vector<Output> dumps_;
    std::string stats_file_, trace_file_;
    RunStats stats_;
    bool ran_ = false;
    double wall_s_ = 0;
};

// A program file: an object file from `lpusim asm -o`, or assembly text. Throws InputError.
Program load_program_file(const std::string& path, const ChipSpec& spec);

}  // namespace lpu
