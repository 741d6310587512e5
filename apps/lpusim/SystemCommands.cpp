#include "SystemCommands.h"

#include "apps/lpusim/ArgParser.h"
#include "apps/lpusim/ProgramCommands.h"
#include "apps/lpusim/RunCoverage.h"
#include "apps/lpusim/RunWave.h"
#include "apps/lpusim/SramFaultArgs.h"
#include "models/common/Error.h"
#include "models/common/ErrorPolicy.h"
#include "models/mpi/MpiExchange.h"
#include "models/session/SystemSession.h"
#include "models/topology/SystemSpec.h"
#include "tb/mxm/MxmChipCosim.h"

#include <algorithm>
#include <iostream>
#include <memory>

namespace lpu {

namespace {

constexpr uint64_t kMaxThreads = 256;

// --load/--dump CHIP:NAME=FILE (chip names may hold '.', tensor names no ':').
struct ChipTensorArg {
    std::string chip, name, file;
};

ChipTensorArg chip_tensor(const std::string& arg, const char* flag)
{
    const auto [left, file] = name_and_file(arg, flag);
    const auto colon = left.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == left.size())
        throw UsageError(std::string("--") + flag + ": expected CHIP:NAME=FILE.npy, got " + quote_token(arg));
    return {left.substr(0, colon), left.substr(colon + 1), file};
}

ArgParser system_parser()
{
    ArgParser ap("lpusim run --system SYSTEM [--programs DIR] [--program CHIP=FILE ...] [options]",
                 "Runs a system of chips joined by C2C links (docs/system.md) cycle-exactly, every chip on its own "
                 "clock on one picosecond time base. Each chip runs its own program; a chip without one runs "
                 "nothing. Under mpirun the chips are spread over the ranks (whole chips per rank) with the same "
                 "results, statistics and trace as one process: mpirun -np N lpusim run --system ...");
    ap.add_option("system", "SYSTEM", "system description (YAML, configs/systems/)");
    ap.add_option("programs", "DIR", "a program per chip: DIR/<chip name>.s or .lpo (other files are not programs)");
    ap.add_repeatable("program", "CHIP=FILE", "chip CHIP runs FILE (.s or .lpo)");
    ap.add_repeatable("load", "CHIP:NAME=FILE.npy", "load tensor NAME of chip CHIP before the run");
    ap.add_repeatable("dump", "CHIP:NAME=FILE.npy", "write tensor NAME of chip CHIP after the run");
    ap.add_option("stats", "FILE.json",
                  "statistics: a section per chip (as lpusim run --stats) and per link direction (vectors, "
                  "bytes, utilisation)");
    ap.add_option("trace", "FILE.json",
                  "Chrome trace-event JSON (open in Perfetto): a process per chip on the system's time base, "
                  "a track per link direction");
    ap.add_option("wave", "DIR",
                  "a waveform per chip, DIR/<chip>.vcd and .gtkw, each chip's cycles at their picoseconds on "
                  "the system's time base (also through the failing cycle of a failing run); with --cosim mxm "
                  "also DIR/<chip>/<plane>.fst for every MXM plane a chip's program uses");
    ap.add_option("wave-window", "FROM:TO",
                  "dump only cycles FROM..TO of every chip (with --wave), the MXM planes' too");
    ap.add_option("cosim", "UNIT", "run UNIT's Verilated RTL in lockstep in every chip (UNIT: mxm)");
    ap.add_option("link-errors", "POLICY",
                  "a vector an uncorrectable FEC codeword touched (links with a ber, docs/link-errors.md): fail "
                  "stops the run naming link, cycle, vector and receiving stream; poison delivers it marked and "
                  "reports the output elements it reached (found by running again with those vectors complemented)",
                  "fail");
    ap.add_option("threads", "N", "threads advancing the chips of this process (results do not depend on it)", "1");
    ap.add_option("coverage", "FILE.json",
                  "functional coverage of the MXM and the ISA over every chip, merged (docs/coverage.md); also for a "
                  "run that stops on a schedule error (its rule is a bin); the same bytes for any --threads or ranks");
    add_sram_fault_options(ap, false);  // every chip, its index mixed into the seed
    return ap;
}

// What watches each of this rank's chips: its waveform and its MXM co-simulation.
struct ChipWatchers {
    std::vector<std::unique_ptr<RunWave>> waves;  // per chip; null: not watched
    std::vector<std::unique_ptr<MxmChipCosim>> cosims;
    std::unique_ptr<RunCoverage> coverage;  // with --coverage: a collector per local chip

    std::vector<ChipWatch> watch(System& sys) const
    {
        std::vector<ChipWatch> w(waves.size());
        for (size_t i = 0; i < w.size(); ++i) {
            if (waves[i])
                w[i].observers.push_back(&waves[i]->writer);
            w[i].mxm = cosims[i].get();
            if (coverage && sys.local(i)) {
                w[i].observers.push_back(&coverage->collector(i, sys.chip(i).spec()));
                w[i].mxm = coverage->mxm(i, w[i].mxm);
            }
        }
        return w;
    }
};

void add_watchers(SystemSession& session, const ArgParser& ap, ChipWatchers& cw)
{
    System& sys = session.system();
    cw.waves.resize(sys.chips());
    cw.cosims.resize(sys.chips());
    const auto window = wave_window(ap);
    if (ap.has("coverage"))  // rank 0 writes it: its path is checked there, as a set-up step
        session.step([&] {
            cw.coverage = std::make_unique<RunCoverage>(session.writer() ? ap.get("coverage") : std::string(),
                                                        "run --system " + ap.get("system"));
        });
    for (size_t i = 0; i < sys.chips(); ++i) {
        if (!sys.local(i))
            continue;
        const std::string name = sys.spec().chips[i].name;
        const std::string stem = RunWave::stem_of(name);
        if (ap.has("wave"))
            session.step([&] {
                cw.waves[i] = std::make_unique<RunWave>(ap.get("wave"), stem, sys.clock(i),
                                                        name + " (" + sys.chip(i).spec().chip.name + ")", window);
            });
        if (ap.has("cosim"))
            session.step([&] {
                const std::string dir = ap.has("wave") ? ap.get("wave") + "/" + stem : "";
                cw.cosims[i] = make_cosim(ap.get("cosim"), sys.chip(i), sys.clock(i), dir, window);
            });
    }
}

// After a run that failed: every waveform through the cycle its chip reached, the failing chip's
// showing the error. Only this rank's chips; the writer prints where they are.
void complete_failed_waves(SystemSession& session, ChipWatchers& cw, const std::string& what)
{
    const auto& failure = session.exchange().agreed_failure();
    const size_t failing = failure ? failure->second : 0;
    for (size_t i = 0; i < cw.waves.size(); ++i) {
        if (!cw.waves[i])
            continue;
        try {
            const uint64_t cycle = cw.waves[i]->complete_failed(what, i == failing);
            std::cout << "waves: " << cw.waves[i]->vcd << ", through " << (i == failing ? "failing cycle " : "cycle ")
                      << cycle << std::endl;
        } catch (const std::exception& w) {
            std::cerr << "lpusim: the waveform of chip " << session.system().spec().chips[i].name
                      << " could not be completed: " << w.what() << "\n";
        }
    }
}

void complete_waves(SystemSession& session, ChipWatchers& cw)
{
    for (size_t i = 0; i < cw.waves.size(); ++i)
        if (cw.waves[i])
            cw.waves[i]->complete(session.stats().chips.at(i).cycles);
}

void print_cosim(SystemSession& session, const ChipWatchers& cw)
{
    uint64_t beats = 0;
    std::string variant;
    for (const auto& c : cw.cosims)
        if (c) {
            beats += c->beats_checked();
            variant = c->variant();
        }
    // Every rank's count and variant, summed and named by the writer.
    const std::vector<std::string> all = session.exchange().all_gather(std::to_string(beats) + " " + variant);
    if (!session.writer())
        return;
    beats = 0;
    for (const std::string& s : all) {
        beats += std::stoull(s.substr(0, s.find(' ')));
        if (variant.empty())
            variant = s.substr(s.find(' ') + 1);
    }
    std::cout << "MXM co-simulation in every chip: " << beats << " result beats checked, value and cycle, against "
              << "RTL variant " << variant << ": PASS\n";
}

// `alike` turns false once the ranks may meet different errors (their own chips' files).
int run_system(const ArgParser& ap, RankExchange* exchange, bool& alike)
{
    const uint64_t threads = ap.get_u64("threads", 1);
    if (threads == 0 || threads > kMaxThreads)
        throw UsageError("--threads: " + std::to_string(threads) + " is not in [1, " + std::to_string(kMaxThreads) +
                         "]");
    const std::string policy = ap.get("link-errors", "fail");
    const std::optional<ErrorPolicy> link_policy = parse_error_policy(policy);
    if (!link_policy)
        throw UsageError("--link-errors: unknown policy " + quote_token(policy) + error_policy_choices());
    if (ap.has("cosim") && ap.get("cosim") != "mxm")
        throw UsageError("--cosim: unknown unit " + quote_token(ap.get("cosim")) + " (available: mxm)");
    std::vector<std::pair<std::string, std::string>> programs;
    for (const auto& p : ap.get_all("program"))
        programs.push_back(name_and_file(p, "program"));
    std::vector<ChipTensorArg> loads, dumps;
    for (const auto& l : ap.get_all("load"))
        loads.push_back(chip_tensor(l, "load"));
    for (const auto& d : ap.get_all("dump"))
        dumps.push_back(chip_tensor(d, "dump"));

    SystemSession session(load_system_spec(ap.get("system")), exchange);
    alike = false;
    session.set_link_error_policy(*link_policy);
    if (const auto faults = sram_faults_from(ap, session.system().spec().types.front().spec.mem))
        for (size_t i = 0; i < session.system().chips(); ++i)
            if (session.local(i))
                session.system().chip(i).mem().inject_faults(*faults, session.system().chip(i).id());
    if (ap.has("programs"))
        session.programs_from(ap.get("programs"), static_cast<unsigned>(threads));
    for (const auto& [chip, file] : programs)
        session.step([&] { session.program_file(session.chip_index(chip), file); });
    for (const auto& d : dumps)
        session.step([&] { session.dump_after(session.chip_index(d.chip), d.name, d.file); });
    if (ap.has("stats"))
        session.stats_after(ap.get("stats"));
    if (ap.has("trace"))
        session.trace_after(ap.get("trace"));
    ChipWatchers cw;
    add_watchers(session, ap, cw);  // --wave: checked before the run, so a bad directory costs no simulation
    for (const auto& l : loads)
        session.step([&] { session.load(session.chip_index(l.chip), l.name, l.file); });

    try {
        session.run(cw.watch(session.system()), static_cast<unsigned>(threads));
    } catch (const std::exception& e) {
        if (session.ran())  // ran to the end, an output could not be written: the waves are whole
            complete_waves(session, cw);
        else if (session.started())
            complete_failed_waves(session, cw, e.what());
        if (cw.coverage && session.started()) {  // every rank is here, with the same error
            try {
                cw.coverage->write_system(session, std::current_exception());
            } catch (const std::exception& c) {
                std::cerr << "lpusim: the coverage file could not be written: " << c.what() << "\n";
            }
        }
        throw;
    }
    complete_waves(session, cw);
    if (cw.coverage)
        cw.coverage->write_system(session, nullptr);
    if (session.writer()) {
        std::cout << session.report() << "\n";
        if (const std::string poison = session.poison_report(); !poison.empty())
            std::cout << poison << (poison.back() == '\n' ? "" : "\n");
    }
    if (ap.has("cosim"))
        print_cosim(session, cw);
    if (ap.has("wave") && session.writer())
        std::cout << "waves: " << ap.get("wave") << "/<chip>.vcd, a waveform per chip (open: gtkwave " << ap.get("wave")
                  << "/<chip>.gtkw)\n";
    return 0;
}

}  // namespace

bool names_system(const std::vector<std::string>& args)
{
    return std::any_of(args.begin(), args.end(),
                       [](const std::string& a) { return a == "--system" || a.rfind("--system=", 0) == 0; });
}

// Over MPI, an error every rank meets alike (a bad flag, a bad system file, one agreed on) is
// printed by rank 0 alone; any other error of one rank stops them all at once (the others may
// be waiting for it in a collective), after it is printed.
int cmd_run_system(const std::vector<std::string>& args)
{
    std::unique_ptr<MpiExchange> mpi = MpiExchange::launched() ? std::make_unique<MpiExchange>() : nullptr;
    ArgParser ap = system_parser();
    bool alike = true;  // until the session exists, every rank does the same
    try {
        if (!ap.parse(args)) {
            if (!mpi || mpi->rank() == 0)
                std::cout << ap.help();
            return 0;
        }
        if (!ap.has("system"))
            throw UsageError("run: --system SYSTEM is required (see --help)");
        return run_system(ap, mpi.get(), alike);
    } catch (const std::exception& e) {
        if (!mpi)
            throw;
        if (!alike && !mpi->failure_agreed() && mpi->ranks() > 1) {
            std::cerr << "lpusim: rank " << mpi->rank() << ": " << e.what() << "\n";
            std::cerr.flush();
            mpi->abort(1);
        }
        if (mpi->rank() != 0)
            std::cerr.setstate(std::ios::badbit);
        throw;
    }
}

}  // namespace lpu
