#include "ProgramCommands.h"

#include "ArgParser.h"
#include "chip/Chip.h"
#include "chip/PerfettoTrace.h"
#include "chip/ChipSchema.h"
#include "common/Error.h"
#include "common/Npy.h"
#include "common/NpyReader.h"
#include "icu/Assembler.h"
#include "icu/ObjectFile.h"
#include "mxm/MxmChipCosim.h"
#include "wave/ChipWaveWriter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace lpu {

namespace {

std::string read_all(const std::string& path, const char* what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open " + what);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A program file is either assembly text or an object file from `lpusim asm -o`.
Program load_program(const std::string& path, const Config& cfg)
{
    const std::string bytes = read_all(path, "program");
    return is_object_file(bytes) ? decode_program(bytes, path, cfg) : assemble(bytes, path, cfg);
}

std::pair<std::string, std::string> name_and_file(const std::string& arg, const char* flag)
{
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
        throw UsageError(std::string("--") + flag + ": expected NAME=FILE.npy, got " + quote_token(arg));
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

const TensorDecl& tensor_named(const Program& p, const std::string& name, const std::string& program)
{
    const TensorDecl* t = p.tensor(name);
    if (!t) {
        std::string names;
        for (size_t i = 0; i < p.tensors.size() && i < 12; ++i)
            names += (names.empty() ? "" : ", ") + cut_token(p.tensors[i].name);
        if (p.tensors.size() > 12)
            names += ", ... (" + std::to_string(p.tensors.size()) + " in all)";
        throw InputError(program + ": no tensor " + quote_token(name) + " (declared: " + (names.empty() ? "none" : names) + ")");
    }
    return *t;
}

}  // namespace

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
    const Config cfg = load_chip_config(ap.get("config"));
    const std::string src = ap.positionals()[0];
    const Program p = assemble(read_all(src, "program"), src, cfg);
    if (ap.has("output"))
        write_file_atomic(ap.get("output"), encode_program(p));
    std::cout << src << ": " << p.instruction_count() << " instructions, " << p.tensors.size() << " tensors"
              << (ap.has("output") ? " -> " + ap.get("output") : std::string()) << "\n";
    return 0;
}

int cmd_disasm(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim disasm --config CONFIG PROGRAM", "Prints PROGRAM (object file or assembly) as canonical assembly.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_positional("PROGRAM", "object file from lpusim asm -o, or assembly text");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || ap.positionals().size() != 1)
        throw UsageError("disasm: expected --config CONFIG and one PROGRAM (see --help)");
    const Config cfg = load_chip_config(ap.get("config"));
    std::cout << disassemble(load_program(ap.positionals()[0], cfg), cfg);
    return 0;
}

int cmd_run(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim run --config CONFIG --program PROGRAM [options]",
                 "Runs a statically scheduled program on the chip cycle-exactly. Tensors declared with .tensor move "
                 "in and out as .npy files (shape rows x lanes, dtype int8, uint8, int32, float16 or float32). A "
                 "schedule error stops the run naming the cycle, slice, stream and instructions.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("program", "PROGRAM", "assembly (.s) or object file (lpusim asm -o)");
    ap.add_repeatable("load", "NAME=FILE.npy", "load a tensor before the run");
    ap.add_repeatable("dump", "NAME=FILE.npy", "write a tensor after the run");
    ap.add_option("stats", "FILE.json", "statistics: cycles, per-queue busy cycles and utilisation, stream occupancy, "
                                        "SRAM bytes, MACs, achieved vs peak ops");
    ap.add_option("trace", "FILE.json", "Chrome trace-event JSON (open in Perfetto): one track per queue");
    ap.add_option("cosim", "UNIT", "also run UNIT's Verilated RTL in lockstep and check every result beat, "
                                   "value and cycle (UNIT: mxm)");
    ap.add_option("wave", "DIR", "write DIR/chip.vcd and DIR/chip.gtkw (open: gtkwave DIR/chip.gtkw): every queue's "
                                 "instructions and every stream's values, cycle by cycle, also up to the failing cycle "
                                 "of a failing run; with --cosim mxm also DIR/<plane>.fst and .gtkw for every MXM plane "
                                 "the program uses (RTL pins, internals and the checker's expected values)");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || !ap.has("program"))
        throw UsageError("run: --config CONFIG and --program PROGRAM are required (see --help)");
    const Config cfg = load_chip_config(ap.get("config"));
    const std::string path = ap.get("program");
    const Program program = load_program(path, cfg);
    // A name is a matrix (.matrix, moved as one array of its logical shape) or a tensor.
    struct Dump {
        const MatrixDecl* matrix;
        const TensorDecl* tensor;
        std::string file;
    };
    std::vector<Dump> dumps;
    for (const auto& d : ap.get_all("dump")) {
        const auto [name, file] = name_and_file(d, "dump");
        const MatrixDecl* m = program.matrix(name);
        dumps.push_back(Dump{m, m ? nullptr : &tensor_named(program, name, path), file});
        check_writable(file);
    }
    for (const char* f : {"stats", "trace"})
        if (ap.has(f))
            check_writable(ap.get(f));
    // --wave: checked and opened before the run, so a bad directory costs no simulation.
    std::unique_ptr<ChipWaveWriter> wave;
    std::string wave_vcd, wave_gtkw;
    if (ap.has("wave")) {
        const std::filesystem::path dir = ap.get("wave");
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec || !std::filesystem::is_directory(dir))
            throw InputError(dir.string() + ": cannot create wave directory (" +
                             (ec ? ec.message() : std::string("not a directory")) + ")");
        wave_vcd = (dir / "chip.vcd").string();
        wave_gtkw = (dir / "chip.gtkw").string();
        check_writable(wave_gtkw);
        wave = std::make_unique<ChipWaveWriter>(wave_vcd, ChipParams::from_config(cfg).period_ps(),
                                                cfg.get_string("chip.name") + ", " + path);
    }

    Chip chip("chip", cfg);
    const unsigned lanes = static_cast<unsigned>(cfg.get_int("chip.geometry.superlanes") *
                                                 cfg.get_int("chip.geometry.lanes_per_superlane"));
    for (const auto& l : ap.get_all("load")) {
        const auto [name, file] = name_and_file(l, "load");
        if (const MatrixDecl* m = program.matrix(name)) {
            const NpyArray a = read_npy(file);
            const std::vector<size_t> want{m->rows, m->cols}, flat{m->cols};
            if (a.dtype != tensor_npy_dtype(m->type) || (a.shape != want && !(m->rows == 1 && a.shape == flat)))
                throw InputError(file + ": matrix " + quote_token(name) + " is " + std::to_string(m->rows) + " x " +
                                 std::to_string(m->cols) + " " + npy_dtype_name(tensor_npy_dtype(m->type)) +
                                 ", the file holds " + a.shape_text() + " " + npy_dtype_name(a.dtype));
            chip.load_matrix(program, *m, a.data);
            continue;
        }
        const TensorDecl& t = tensor_named(program, name, path);
        const NpyArray a = read_npy(file);
        const std::vector<size_t> want{t.rows, lanes};
        if (a.dtype != tensor_npy_dtype(t.type) || a.shape != want)
            throw InputError(file + ": tensor " + quote_token(name) + " is " + std::to_string(t.rows) + " x " +
                             std::to_string(lanes) + " " + npy_dtype_name(tensor_npy_dtype(t.type)) + ", the file holds " +
                             a.shape_text() + " " + npy_dtype_name(a.dtype));
        chip.load_tensor(t, a.data);
    }

    std::unique_ptr<MxmChipCosim> cosim;
    if (ap.has("cosim")) {
        if (ap.get("cosim") != "mxm")
            throw UsageError("--cosim: unknown unit '" + ap.get("cosim") + "' (available: mxm)");
        std::vector<std::string> planes;
        for (const auto& q : chip.queues().queues())
            if (q.kind == QueueKind::MXM_W)
                planes.push_back(q.name.substr(0, q.name.find('.')));
        const std::string wave_dir = ap.get("wave");
        if (!wave_dir.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(wave_dir, ec);
            if (ec)
                throw InputError(wave_dir + ": cannot create wave directory (" + ec.message() + ")");
        }
        cosim = std::make_unique<MxmChipCosim>(MxmParams::from_config(cfg), ChipParams::from_config(cfg).period_ps(),
                                               planes, wave_dir);
    }

    std::ostringstream trace;
    std::unique_ptr<PerfettoTrace> tracer;
    if (ap.has("trace"))
        tracer = std::make_unique<PerfettoTrace>(trace, chip.spec());
    const auto t0 = std::chrono::steady_clock::now();
    RunStats st;
    try {
        st = chip.run(program, {tracer.get(), wave.get()}, cosim.get());
    } catch (const std::exception& e) {
        // A failing run is when the waveform matters most: complete it through the failing cycle.
        if (wave) {  // on_error has completed it through the failing cycle, or fail() does now
            try {
                const uint64_t cycle = wave->fail(e.what());
                wave->write_gtkw(wave_gtkw);
                std::cout << "waves: " << wave_vcd << ", through failing cycle " << cycle << " (open: gtkwave "
                          << wave_gtkw << ")" << std::endl;
            } catch (const std::exception& w) {
                std::cerr << "lpusim: the waveform could not be completed: " << w.what() << "\n";
            }
        }
        throw;
    }
    if (wave) {
        if (!wave->closed())
            wave->end(st.cycles);
        wave->write_gtkw(wave_gtkw);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    for (const Dump& d : dumps) {
        if (d.matrix)
            write_npy_raw(d.file, tensor_npy_descr(d.matrix->type), {d.matrix->rows, d.matrix->cols},
                          chip.dump_matrix(program, *d.matrix));
        else
            write_npy_raw(d.file, tensor_npy_descr(d.tensor->type), {d.tensor->rows, lanes}, chip.dump_tensor(*d.tensor));
    }
    if (ap.has("stats"))
        write_file_atomic(ap.get("stats"), chip.stats_json(st));
    if (ap.has("trace"))
        write_file_atomic(ap.get("trace"), trace.str());
    const double clock = cfg.get_float("chip.clock_mhz");
    std::cout << "ran " << path << ": " << st.instructions << " instructions in " << st.cycles << " cycles ("
              << std::fixed << std::setprecision(3) << st.cycles / clock << " us at " << clock << " MHz), "
              << st.macs + st.macs_fp16 << " MACs, MXM utilisation " << std::setprecision(4)
              << chip.mxm_utilisation(st) << std::setprecision(3) << "; simulated in " << wall << " s\n";
    if (cosim) {
        std::cout << "MXM co-simulation: " << cosim->beats_checked() << " result beats checked, value and cycle, "
                  << "against RTL variant " << cosim->variant() << ": PASS\n";
        for (const auto& w : cosim->waves())
            std::cout << "waves: " << w << " (open: gtkwave " << w.substr(0, w.size() - 4) << ".gtkw)\n";
    }
    if (wave)
        std::cout << "waves: " << wave_vcd << " (open: gtkwave " << wave_gtkw << ")\n";
    return 0;
}

}  // namespace lpu
