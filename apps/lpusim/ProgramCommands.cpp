#include "ProgramCommands.h"

#include "apps/lpusim/ArgParser.h"
#include "apps/lpusim/RunCoverage.h"
#include "apps/lpusim/RunWave.h"
#include "apps/lpusim/SramFaultArgs.h"
#include "apps/lpusim/SystemCommands.h"
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/common/NpyReader.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/session/ChipSession.h"
#include "models/spec/ChipSpec.h"
#include "tb/mxm/MxmChipCosim.h"
#include "tb/wave/ChipWaveWriter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

namespace lpu {

std::pair<std::string, std::string> name_and_file(const std::string& arg, const char* flag)
{
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
        throw UsageError(std::string("--") + flag + ": expected NAME=FILE.npy, got " + quote_token(arg));
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

// `run --cosim UNIT`: every MXM plane of the chip on its Verilated RTL.
std::unique_ptr<MxmChipCosim> make_cosim(const std::string& unit, Chip& chip, const ChipClock& clock,
                                         const std::string& wave_dir, std::pair<uint64_t, uint64_t> window)
{
    if (unit != "mxm")
        throw UsageError("--cosim: unknown unit '" + unit + "' (available: mxm)");
    std::vector<std::string> planes;
    for (const auto& q : chip.queues().queues())
        if (q.kind == QueueKind::MXM_W)
            planes.push_back(q.name.substr(0, q.name.find('.')));
    if (!wave_dir.empty())
        RunWave::prepare(wave_dir);
    return std::make_unique<MxmChipCosim>(chip.spec().mxm, clock, planes, wave_dir, window.first, window.second);
}

std::pair<uint64_t, uint64_t> wave_window(const ArgParser& ap)
{
    if (!ap.has("wave-window"))
        return {0, ~uint64_t{0}};
    if (!ap.has("wave"))
        throw UsageError("--wave-window needs --wave DIR");
    return ap.get_range("wave-window");
}

int cmd_asm(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim asm --config CONFIG PROGRAM.s [-o|--output PROGRAM.lpo]",
                 "Assembles PROGRAM.s for CONFIG (errors name file:line:column) and writes the object file, "
                 "or only checks it when no output is given.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("output", "FILE", "object file to write");
    ap.add_positional("PROGRAM.s", "assembly source (docs/isa.md section 3)");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || ap.positionals().size() != 1)
        throw UsageError("asm: expected --config CONFIG and one PROGRAM.s (see --help)");
    const ChipSpec spec = load_chip_spec(ap.get("config"));
    const std::string src = ap.positionals()[0];
    const Program p = assemble_file(src, spec);
    if (ap.has("output"))
        write_file_atomic(ap.get("output"), encode_program(p));
    std::cout << src << ": " << p.instruction_count() << " instructions, " << p.tensors.size() << " tensors"
              << (ap.has("output") ? " -> " + ap.get("output") : std::string()) << "\n";
    return 0;
}

int cmd_disasm(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim disasm --config CONFIG PROGRAM",
                 "Prints PROGRAM (object file or assembly) as canonical assembly.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_positional("PROGRAM", "object file from lpusim asm -o, or assembly text");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || ap.positionals().size() != 1)
        throw UsageError("disasm: expected --config CONFIG and one PROGRAM (see --help)");
    const ChipSpec spec = load_chip_spec(ap.get("config"));
    std::cout << disassemble(load_program_file(ap.positionals()[0], spec), spec);
    return 0;
}

namespace {

// The options of a single chip's `lpusim run`.
ArgParser run_arg_parser()
{
    ArgParser ap("lpusim run --config CONFIG --program PROGRAM [options]",
                 "Runs a statically scheduled program on the chip cycle-exactly. Tensors declared with .tensor move "
                 "in and out as .npy files (shape rows x lanes, dtype int8, uint8, int32, float16 or float32). A "
                 "schedule error stops the run naming the cycle, slice, stream and instructions.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("program", "PROGRAM", "assembly (.s) or object file (lpusim asm -o)");
    ap.add_option("system", "SYSTEM", "run a system of chips instead: see lpusim run --system SYSTEM --help");
    ap.add_repeatable("load", "NAME=FILE.npy", "load a tensor before the run");
    ap.add_repeatable("dump", "NAME=FILE.npy", "write a tensor after the run");
    ap.add_option("stats", "FILE.json",
                  "statistics: cycles, per-queue busy cycles and utilisation, stream occupancy, "
                  "SRAM bytes, MACs, achieved vs peak ops");
    ap.add_option("trace", "FILE.json", "Chrome trace-event JSON (open in Perfetto): one track per queue");
    ap.add_option("cosim", "UNIT",
                  "also run UNIT's Verilated RTL in lockstep and check every result beat, "
                  "value and cycle (UNIT: mxm)");
    ap.add_option("wave", "DIR",
                  "write DIR/chip.vcd and DIR/chip.gtkw (open: gtkwave DIR/chip.gtkw): every queue's "
                  "instructions and every stream's values, cycle by cycle, also up to the failing cycle "
                  "of a failing run; with --cosim mxm also DIR/<plane>.fst and .gtkw for every MXM plane "
                  "the program uses (RTL pins, internals and the checker's expected values)");
    ap.add_option("threads", "N",
                  "threads: 2 computes the MXM's integer products that no batch made on a thread of their own "
                  "beside the engine's (results, stats and traces do not depend on it)",
                  "1");
    ap.add_option("wave-window", "FROM:TO", "dump only cycles FROM..TO (with --wave), the MXM planes' too");
    ap.add_option("coverage", "FILE.json",
                  "functional coverage of the MXM and the ISA (docs/coverage.md): every bin with its hit count, "
                  "also for a run that stops on a schedule error (its rule is a bin); merge and report with "
                  "scripts/coverage.py");
    add_sram_fault_options(ap, true);
    return ap;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args)
{
    if (names_system(args))
        return cmd_run_system(args);
    ArgParser ap = run_arg_parser();
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || !ap.has("program"))
        throw UsageError("run: --config CONFIG and --program PROGRAM are required (see --help)");
    const uint64_t threads = ap.get_u64("threads", 1);
    if (threads == 0 || threads > 2)
        throw UsageError("--threads: " + std::to_string(threads) + " is not 1 or 2 (a chip alone uses at most two)");
    const ChipSpec spec = load_chip_spec(ap.get("config"));
    const std::optional<SramFaultParams> sram_faults = sram_faults_from(ap, spec.mem);
    const std::string path = ap.get("program");
    ChipSession session(spec, load_program_file(path, spec), path);
    session.chip().set_threads(static_cast<unsigned>(threads));
    if (sram_faults)
        session.chip().mem().inject_faults(*sram_faults, session.chip().id());
    const ChipClock clock = ChipClock::every_ps(spec.chip.period_ps());
    for (const auto& d : ap.get_all("dump")) {
        const auto [name, file] = name_and_file(d, "dump");
        session.dump_after(name, file);
    }
    if (ap.has("stats"))
        session.stats_after(ap.get("stats"));
    if (ap.has("trace"))
        session.trace_after(ap.get("trace"));
    // --wave: checked and opened before the run, so a bad directory costs no simulation.
    std::unique_ptr<RunWave> wave;
    const auto window = wave_window(ap);
    if (ap.has("wave"))
        wave = std::make_unique<RunWave>(ap.get("wave"), "chip", clock, session.chip().spec().chip.name + ", " + path,
                                         window);
    for (const auto& l : ap.get_all("load")) {
        const auto [name, file] = name_and_file(l, "load");
        session.load(name, file);
    }
    std::unique_ptr<MxmChipCosim> cosim;
    if (ap.has("cosim"))
        cosim = make_cosim(ap.get("cosim"), session.chip(), clock, ap.get("wave"), window);
    // --coverage: checked before the run; observers only when asked for (no cost otherwise).
    std::unique_ptr<RunCoverage> coverage;
    std::vector<ChipObserver*> observers{wave ? &wave->writer : nullptr};
    MxmObserver* mxm_observer = cosim.get();
    if (ap.has("coverage")) {
        coverage = std::make_unique<RunCoverage>(ap.get("coverage"),
                                                 "run --config " + ap.get("config") + " --program " + path);
        observers.push_back(&coverage->collector(0, spec));
        mxm_observer = coverage->mxm(0, cosim.get());
    }

    RunStats st;
    try {
        st = session.run(observers, mxm_observer);
    } catch (const std::exception& e) {
        if (coverage) {  // a failing run's coverage: its schedule error is a bin
            try {
                coverage->write(std::current_exception());
            } catch (const std::exception& c) {
                std::cerr << "lpusim: the coverage file could not be written: " << c.what() << "\n";
            }
        }
        if (wave) {  // a failing run is when the waveform matters most
            try {
                const uint64_t cycle = wave->complete_failed(e.what());
                std::cout << "waves: " << wave->vcd << ", through failing cycle " << cycle << " (open: gtkwave "
                          << wave->gtkw << ")" << std::endl;
            } catch (const std::exception& w) {
                std::cerr << "lpusim: the waveform could not be completed: " << w.what() << "\n";
            }
        }
        throw;
    }
    if (wave)
        wave->complete(st.cycles);
    if (coverage)
        coverage->write(nullptr);
    std::cout << session.report() << "\n";
    if (sram_faults)
        std::cout << sram_fault_report(spec.mem.ecc, st.sram_faults) << "\n";
    if (cosim) {
        std::cout << "MXM co-simulation: " << cosim->beats_checked() << " result beats checked, value and cycle, "
                  << "against RTL variant " << cosim->variant() << ": PASS\n";
        for (const auto& w : cosim->waves())
            std::cout << "waves: " << w << " (open: gtkwave " << w.substr(0, w.size() - 4) << ".gtkw)\n";
    }
    if (wave)
        std::cout << "waves: " << wave->vcd << " (open: gtkwave " << wave->gtkw << ")\n";
    return 0;
}

}  // namespace lpu
