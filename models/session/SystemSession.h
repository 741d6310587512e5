// A run of a system of chips, the sequence behind `lpusim run --system` (docs/system.md): a
// program for every chip that has one, tensors in and out per chip, the run (on a thread pool,
// and over MPI ranks), the statistics with a section per chip and per link, one Perfetto trace
// with a process per chip and a track per link direction, and a one-line report. As in a chip's
// session, output paths are checked when named and outputs written atomically after a successful
// run only.
//
// Over several ranks each rank holds its own chips: it reads their programs and input tensors,
// and rank 0 writes every output. A set-up step that fails on one rank cannot stop the others at
// once, so every step's error is kept and run() throws, on every rank, the one a single process
// would have met first. Results, statistics and traces are the same bytes for any ranks.
#pragma once

#include "models/isa/Program.h"
#include "models/session/ProgramTensors.h"
#include "models/system/System.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lpu {

class PoisonReach;

// Who watches one chip of a run: observers of the chip, and of its MXM (co-simulation).
struct ChipWatch {
    std::vector<ChipObserver*> observers;
    MxmObserver* mxm = nullptr;
};

class SystemSession {
public:
    // The whole system in this process, or this rank's share of it (`exchange` joins the ranks).
    explicit SystemSession(const SystemSpec& spec, RankExchange* exchange = nullptr);
    ~SystemSession();

    System& system() { return *system_; }
    RankExchange& exchange() { return *exchange_; }
    bool local(size_t chip) const { return system_->local(chip); }
    // Rank 0 writes the outputs and prints the report.
    bool writer() const { return exchange_->rank() == 0; }
    // The index of the chip called `name`; InputError naming the system's chips otherwise.
    size_t chip_index(const std::string& name) const;

    // Chip `chip` runs `program` (`name` names it in messages). Chips with none run nothing.
    void program(size_t chip, Program program, std::string name);
    // Chip `chip` runs the program in `file` (.s or .lpo), read by the chip's rank.
    void program_file(size_t chip, const std::string& file);
    // Every file DIR/<chip name>.s or .lpo is that chip's program (a name that is no chip is an
    // error); other files are not programs. They are read and assembled on `threads` threads.
    void programs_from(const std::string& dir, unsigned threads = 1);

    void load(size_t chip, const std::string& name, const std::string& npy_file);
    void dump_after(size_t chip, const std::string& name, const std::string& npy_file);
    void stats_after(const std::string& file);
    // What a Receive does with a vector an uncorrectable FEC codeword touched (docs/link-errors.md):
    // fail the run naming it (the default), or take it marked and report the output elements it
    // reached (poison_report(), and the statistics' "poison" section).
    void set_link_error_policy(ErrorPolicy policy);
    void trace_after(const std::string& file);
    // Runs `step` as a set-up step of this session: its error is thrown now in a single process,
    // by run() over several ranks (the first in step order, on every rank).
    void step(const std::function<void()>& step);

    // Runs every chip watched by `watch[chip]` (may be shorter or empty; this rank's chips only)
    // on `threads` threads, then writes every output named so far. Throws ScheduleError,
    // InputError or CheckError, outputs untouched.
    const SystemStats& run(const std::vector<ChipWatch>& watch = {}, unsigned threads = 1);
    // Whether run() started the system (every set-up step succeeded), and whether it ran it to
    // its end (its outputs may still have failed to be written).
    bool started() const { return started_; }
    bool ran() const { return ran_; }
    // After run(): this rank's figures.
    const SystemStats& stats() const { return stats_; }
    // A tensor of one of this rank's chips.
    NpyArray array(size_t chip, const std::string& name) const;
    // After run(), on the writer: the statistics file's text.
    std::string stats_json() const;
    // "ran system S: N chips, I instructions, V vectors over C2C links, in T us; simulated in W s".
    std::string report() const;
    // After run() on the writer, with the poison policy: how many vectors were poisoned and a line
    // per tensor they reached; "" without the poison policy.
    std::string poison_report() const;

private:
    // Chip `chip`'s program comes from `file`: InputError if it has one already.
    void claim(size_t chip, const std::string& file);
    struct ChipProgram {
        std::unique_ptr<Program> program;
        std::string name;
        std::unique_ptr<ProgramTensors> tensors;
        bool named = false;  // some rank has its program (known on every rank)
    };
    struct Output {
        size_t chip;
        std::string name, file;
    };
    // What rank 0 gathers after the run.
    struct Gathered {
        std::vector<std::string> chip_json, chip_trace, direction_trace, dumps;
        std::vector<uint64_t> instructions;
    };
    ProgramTensors& tensors(size_t chip) const;
    void check_tensor(size_t chip, const std::string& name) const;
    std::string collect_mine(const std::vector<std::string>& chip_traces) const;
    void take_gathered(const std::vector<std::string>& parts);
    void write_outputs() const;
    std::string link_json(size_t l) const;
    std::string direction_trace(size_t d) const;

    std::unique_ptr<RankExchange> solo_;
    RankExchange* exchange_;
    std::unique_ptr<System> system_;
    std::vector<ChipProgram> programs_;
    std::vector<Output> dumps_;
    std::string stats_file_, trace_file_;
    uint64_t steps_ = 0;
    std::optional<RankFailure> setup_failure_;
    SystemStats stats_;
    Gathered gathered_;
    bool started_ = false, ran_ = false;
    double wall_s_ = 0;
    std::unique_ptr<PoisonReach> reach_;  // with the poison policy
};

}  // namespace lpu
