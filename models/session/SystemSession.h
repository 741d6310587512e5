// A run of a system of chips, the sequence behind `lpusim run --system` (docs/system.md): a
// program for every chip that has one, tensors in and out per chip, the run (on a thread pool),
// the statistics with a section per chip and per link, one Perfetto trace with a process per chip
// and a track per link direction, and a one-line report. As in a chip's session, output paths are
// checked when named and outputs written atomically after a successful run only.
#pragma once

#include "models/isa/Program.h"
#include "models/session/ProgramTensors.h"
#include "models/system/System.h"

#include <memory>
#include <string>
#include <vector>

namespace lpu {

class SystemSession {
public:
    explicit SystemSession(const SystemSpec& spec);
    ~SystemSession();

    System& system() { return *system_; }
    // The index of the chip called `name`; InputError naming the system's chips otherwise.
    size_t chip_index(const std::string& name) const;

    // Chip `chip` runs `program` (`name` names it in messages). Chips with none run nothing.
    void program(size_t chip, Program program, std::string name);
    // Every file DIR/<chip name>.s or .lpo is that chip's program; any other file is an error.
    void programs_from(const std::string& dir);

    void load(size_t chip, const std::string& name, const std::string& npy_file);
    void dump_after(size_t chip, const std::string& name, const std::string& npy_file);
    void stats_after(const std::string& file);
    void trace_after(const std::string& file);

    // Runs every chip with `observers[chip]` (may be shorter or empty) on `threads` threads, then
    // writes every output named so far. Throws ScheduleError or InputError, outputs untouched.
    const SystemStats& run(const std::vector<std::vector<ChipObserver*>>& observers = {}, unsigned threads = 1);
    NpyArray array(size_t chip, const std::string& name) const;
    std::string stats_json() const;
    // "ran system S: N chips, I instructions, C2C V vectors in T us (E ps); simulated in W s".
    std::string report() const;

private:
    struct ChipProgram {
        std::unique_ptr<Program> program;
        std::string name;
        std::unique_ptr<ProgramTensors> tensors;
    };
    struct Output {
        size_t chip;
        std::string name, file;
    };
    ProgramTensors& tensors(size_t chip) const;
    std::string link_json(size_t l) const;
    std::string links_trace() const;

    std::unique_ptr<System> system_;
    std::vector<ChipProgram> programs_;
    std::vector<Output> dumps_;
    std::string stats_file_, trace_file_;
    SystemStats stats_;
    bool ran_ = false;
    double wall_s_ = 0;
};

}  // namespace lpu
