#include "CompileCommand.h"

#include "apps/lpusim/ArgParser.h"
#include "compiler/Compiler.h"
#include "compiler/Workload.h"
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/spec/ChipSpec.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

namespace lpu {

namespace {

// Every input and weight of `w` as DIR/NAME.npy.
void write_inputs(const Workload& w, const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw InputError(dir.string() + ": cannot create the inputs directory");
    for (const auto& t : w.tensors)
        if (t.source != WorkloadTensor::Source::Layer)
            write_npy_raw((dir / (t.name + ".npy")).string(), tensor_npy_descr(t.type),
                          {static_cast<size_t>(t.rows), static_cast<size_t>(t.cols)}, workload_tensor_data(t));
}

}  // namespace

int cmd_compile(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim compile --config CONFIG --workload WORKLOAD.yaml -o PROGRAM.s [--inputs DIR]",
                 "Compiles a workload (docs/workload.md) into a statically scheduled program for CONFIG and "
                 "prints its predicted cycle count, which `lpusim run` reproduces exactly, its MXM utilisation and "
                 "its SRAM use. Nothing is written when the workload cannot be compiled.");
    ap.add_option("config", "CONFIG", "chip description (YAML)");
    ap.add_option("workload", "FILE", "workload description (YAML, docs/workload.md)");
    ap.add_option("output", "FILE", "the program (assembly) to write; also -o");
    ap.add_option("report", "FILE.json",
                  "also write the predicted cycles, instructions, MACs, MXM utilisation and SRAM "
                  "use as JSON (for scripts comparing configs)");
    ap.add_option("inputs", "DIR",
                  "also write every input and weight tensor as DIR/NAME.npy (its file or its "
                  "seeded values), ready for `lpusim run --load NAME=DIR/NAME.npy`");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("config") || !ap.has("workload") || !ap.has("output"))
        throw UsageError("compile: --config, --workload and -o/--output are required (see --help)");
    const ChipSpec spec = load_chip_spec(ap.get("config"));
    const Workload w = load_workload(ap.get("workload"));
    const std::string out = ap.get("output");
    check_writable(out);
    if (ap.has("report"))
        check_writable(ap.get("report"));
    // The program goes to a temporary file as it is emitted (a large one is never held whole),
    // which replaces `out` only once everything else is written: nothing is written on an error.
    const std::string tmp = out + ".tmp." + std::to_string(::getpid());
    CompileResult r;
    try {
        {
            std::ofstream program(tmp, std::ios::binary | std::ios::trunc);
            if (!program)
                throw InputError(out + ": cannot write (" + std::strerror(errno) + ")");
            r = compile_workload(spec, w, program);
            program.flush();
            if (!program)
                throw InputError(out + ": write failed");
        }
        if (ap.has("inputs"))
            write_inputs(w, ap.get("inputs"));
        if (std::rename(tmp.c_str(), out.c_str()) != 0)
            throw InputError(out + ": cannot replace (" + std::strerror(errno) + ")");
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
    if (ap.has("report"))
        write_file_atomic(ap.get("report"), r.report_json(w.name, spec.chip.name));
    std::cout << "compiled " << w.name << " (" << w.layers.size() << " layers) for " << spec.chip.name << " into "
              << out << "\n"
              << r.summary();
    return 0;
}

}  // namespace lpu
