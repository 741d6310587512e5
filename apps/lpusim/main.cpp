// lpusim: the command line. Exit codes: 0 success, 1 a check failed (divergence, schedule
// error), 2 bad command-line usage, 3 bad input (config file, output path).
#include "apps/lpusim/ArgParser.h"
#include "apps/lpusim/CompileCommand.h"
#include "apps/lpusim/ProgramCommands.h"
#include "apps/lpusim/RunCoverage.h"
#include "apps/lpusim/SystemCommand.h"
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/spec/ChipInfo.h"
#include "models/spec/ChipSpec.h"
#include "tb/mxm/MxmCosim.h"
#include "tb/mxm/MxmStimulus.h"

#include <systemc>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

using lpu::ArgParser;
using lpu::UsageError;

constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInput = 3;

const char* kTopHelp = R"(usage: lpusim COMMAND [options]

lpusim: a SystemC/TLM-2.0 model of a Groq-style LPU, co-simulated cycle-exactly against RTL.

commands:
  cosim mxm     co-simulate the MXM plane model against its Verilated RTL
  config        print a chip config resolved, with every parameter's description
  info          print a chip config's derived figures: peak rates, SRAM, bandwidths
  asm           assemble a program (errors give file:line:column)
  disasm        print a program (object file or assembly) as canonical assembly
  run           run a program on the chip: .npy tensors in and out, stats, Perfetto trace
  compile       compile a workload (YAML) into a program, with its exact predicted cycles
  system        load a system of chips (YAML): its topology's figures and the published checks
  help          this text

Run 'lpusim COMMAND --help' for a command's options.
exit codes: 0 success, 1 check failed, 2 bad usage, 3 bad input file
)";

int cmd_config(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim config CONFIG", "Validates CONFIG and prints it resolved: every parameter with its value, "
                                         "type, range, description and whether it came from the file or a default.");
    ap.add_positional("CONFIG", "chip description (YAML), e.g. configs/tiny.yaml");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (ap.positionals().size() != 1)
        throw UsageError("config: expected one CONFIG file (see --help)");
    std::cout << lpu::load_chip_spec(ap.positionals()[0]).config->describe();
    return 0;
}

int cmd_info(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim info --config CONFIG [--json FILE]",
                 "Prints the figures that follow from a chip config (peak int8 and fp16 rates, SRAM capacity and "
                 "bandwidth, stream and chip-to-chip bandwidth), each with the formula behind it.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("json", "FILE",
                  "also write the figures as JSON (written atomically): per figure its value in SI base units "
                  "(Hz, ops/s, B, B/s), its unit and its formula");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config"))
        throw UsageError("info: --config CONFIG is required");
    if (ap.has("json"))
        lpu::check_writable(ap.get("json"));
    const lpu::ChipSpec spec = lpu::load_chip_spec(ap.get("config"));
    const std::vector<lpu::ChipFigure> figures = lpu::chip_figures(spec);
    std::cout << "# " << spec.chip.name << " (" << ap.get("config") << ")\n" << lpu::format_chip_figures(figures);
    if (ap.has("json"))
        lpu::write_file_atomic(ap.get("json"), lpu::chip_figures_json(figures, spec.chip.name, ap.get("config")));
    return 0;
}

int cmd_cosim_mxm(const std::string& program, const std::vector<std::string>& args)
{
    std::string kinds;
    for (const auto& [name, what] : lpu::MxmStimulus::kinds())
        kinds += "\n        " + name + ": " + what;
    ArgParser ap("lpusim cosim mxm --config CONFIG [options]",
                 "Runs the same instruction stream through the MXM plane model (TLM-2.0) and its Verilated RTL and "
                 "checks every result beat for value and cycle of arrival. On the first divergence it prints the "
                 "cycle, instruction, lanes, expected and actual values and the command that replays it.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("seed", "S", "stimulus seed", "1");
    ap.add_option("ops", "N", "instructions to issue", "2000");
    ap.add_option("stimulus", "KIND", "stimulus program:" + kinds, "random");
    ap.add_option("wave", "DIR", "write DIR/mxm.fst (RTL pins and checker view, one time base) and DIR/mxm.gtkw");
    ap.add_option("wave-window", "FROM:TO", "dump only cycles FROM..TO (with --wave)");
    ap.add_option("inject", "FAULT",
                  "inject a fault to see the checker catch it: corrupt-input:N (invert the N-th ABC's "
                  "activations, counting from 0, on the RTL pins only), corrupt-output:N (flip a bit of result beat N "
                  "before the checker), "
                  "late-output:N (deliver result beat N one cycle late)");
    ap.add_option("log", "FILE", "write every instruction and result, with cycles, to FILE");
    ap.add_option("results", "FILE.npy", "write the result vectors (int32, results x N) to FILE.npy");
    ap.add_flag("model-only", "run the TLM model alone (no RTL, nothing checked): for speed measurements");
    ap.add_flag("rtl-thread", "run the Verilated RTL on a thread of its own, overlapping the model and checker "
                              "(same results; faster when a second core is free)");
    ap.add_option("coverage", "FILE.json",
                  "functional coverage of the MXM and the ISA (docs/coverage.md): every bin with its hit count, "
                  "written whatever the verdict; merge and report with scripts/coverage.py");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config"))
        throw UsageError("cosim mxm: --config CONFIG is required (e.g. --config configs/tiny.yaml)");
    lpu::MxmCosimOptions o;
    o.program = program;
    o.config_path = ap.get("config");
    o.seed = ap.get_u64("seed", 1);
    o.ops = ap.get_u64("ops", 2000);
    o.stimulus = ap.get("stimulus", "random");
    bool known = false;
    for (const auto& k : lpu::MxmStimulus::kinds())
        known = known || k.first == o.stimulus;
    if (!known)
        throw UsageError("--stimulus: unknown kind " + lpu::quote_token(o.stimulus) + " (see --help)");
    o.wave_dir = ap.get("wave");
    if (ap.has("wave-window")) {
        if (!ap.has("wave"))
            throw UsageError("--wave-window needs --wave DIR");
        std::tie(o.wave_from, o.wave_to) = ap.get_range("wave-window");
        o.wave_window = true;
    }
    if (ap.has("inject")) {
        try {
            o.fault = lpu::MxmFault::parse(ap.get("inject"));
        } catch (const lpu::InputError& e) {
            throw UsageError(e.what());
        }
    }
    o.model_only = ap.has("model-only");
    if (o.model_only && (ap.has("wave") || ap.has("inject")))
        throw UsageError("--model-only runs no RTL: --wave and --inject need the RTL");
    o.rtl_thread = ap.has("rtl-thread");
    if (o.model_only && o.rtl_thread)
        throw UsageError("--model-only runs no RTL: --rtl-thread needs the RTL");
    o.log_path = ap.get("log");
    o.results_path = ap.get("results");
    std::unique_ptr<lpu::RunCoverage> coverage;
    if (ap.has("coverage")) {
        lpu::MxmCosimOptions named = o;  // what ran, whatever path the binary was called by
        named.program = "lpusim";
        coverage = std::make_unique<lpu::RunCoverage>(ap.get("coverage"), named.command_line());
        coverage->collector(0, lpu::load_chip_spec(o.config_path));
        o.observer = coverage->mxm(0, nullptr);
    }
    const int verdict = lpu::run_mxm_cosim(o, std::cout, std::cerr);
    if (coverage)
        coverage->write(nullptr);
    return verdict;
}

int dispatch(const std::string& program, const std::vector<std::string>& args)
{
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        std::cout << kTopHelp;
        return args.empty() ? kExitUsage : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "config")
        return cmd_config(rest);
    if (args[0] == "info")
        return cmd_info(rest);
    if (args[0] == "asm")
        return lpu::cmd_asm(rest);
    if (args[0] == "disasm")
        return lpu::cmd_disasm(rest);
    if (args[0] == "run")
        return lpu::cmd_run(rest);
    if (args[0] == "compile")
        return lpu::cmd_compile(rest);
    if (args[0] == "system")
        return lpu::cmd_system(rest);
    if (args[0] == "cosim") {
        if (rest.empty() || rest[0] == "--help" || rest[0] == "-h") {
            std::cout << "usage: lpusim cosim UNIT [options]\n\nunits:\n  mxm   the matrix unit plane\n";
            return rest.empty() ? kExitUsage : 0;
        }
        if (rest[0] == "mxm")
            return cmd_cosim_mxm(program, std::vector<std::string>(rest.begin() + 1, rest.end()));
        throw UsageError("cosim: unknown unit " + lpu::quote_token(rest[0]) + " (available: mxm)");
    }
    throw UsageError("unknown command " + lpu::quote_token(args[0]) + " (see lpusim --help)");
}

}  // namespace

int sc_main(int argc, char* argv[])
{
    // sc_stop() reports "Simulation stopped by user" as info: noise in a tool's output.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return dispatch(argv[0], args);
    } catch (const UsageError& e) {
        std::cerr << "lpusim: " << e.what() << "\n";
        return kExitUsage;
    } catch (const lpu::InputError& e) {
        std::cerr << "lpusim: error: " << e.what() << "\n";
        return kExitInput;
    } catch (const lpu::CheckError& e) {
        std::cerr << "lpusim: FAIL " << e.what();
        return kExitFail;
    } catch (const lpu::ScheduleError& e) {
        std::cerr << "lpusim: " << e.what() << "\n";
        return kExitFail;
    } catch (const std::exception& e) {
        std::cerr << "lpusim: internal error: " << e.what() << "\n";
        return kExitFail;
    }
}

// Our own main() rather than libsystemc's: the SystemC banner is printed before sc_main runs
// unless this variable is set, and it is noise in every command's output.
int main(int argc, char* argv[])
{
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
