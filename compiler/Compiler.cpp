// `lpusim compile` (Compiler.h): the lowering does the work (compiler/lower/, docs/compiler.md,
// "Source layout"); here are its entry point and the two ways its figures are printed.
#include "Compiler.h"

#include "compiler/lower/Lowering.h"

#include <iomanip>
#include <sstream>

namespace lpu {

std::string CompileResult::summary() const
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(4);
    os << "predicted cycles: " << predicted_cycles << "\n";
    os << "instructions: " << instructions << "\n";
    os << "MXM MACs: " << mxm_macs << " (useful " << useful_macs << ")\n";
    os << "MXM utilisation: " << mxm_utilisation << "\n";
    os << "SRAM: " << sram_bytes << " bytes"
       << (mem_reused ? " (intermediates share words: only inputs and outputs are declared)" : "") << "\n";
    os << "layers (first and last issue cycle, instructions):\n";
    for (const LayerSpan& l : layers)
        os << "  " << std::left << std::setw(32) << l.layers << std::right << " " << std::setw(9) << l.first << " "
           << std::setw(9) << l.last << " " << std::setw(10) << l.instructions << "\n";
    return os.str();
}

std::string CompileResult::report_json(const std::string& workload, const std::string& chip) const
{
    auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        return out + "\"";
    };
    std::ostringstream os;
    os << std::setprecision(6);
    os << "{\n  \"workload\": " << quoted(workload) << ",\n  \"chip\": " << quoted(chip) << ",\n";
    os << "  \"predicted_cycles\": " << predicted_cycles << ",\n";
    os << "  \"instructions\": " << instructions << ",\n";
    os << "  \"mxm_macs\": " << mxm_macs << ",\n";
    os << "  \"useful_macs\": " << useful_macs << ",\n";
    os << "  \"mxm_utilisation\": " << mxm_utilisation << ",\n";
    os << "  \"sram_bytes\": " << sram_bytes << ",\n";
    os << "  \"layers\": [";
    for (size_t i = 0; i < layers.size(); ++i)
        os << (i ? ",\n" : "\n") << "    {\"layers\": " << quoted(layers[i].layers)
           << ", \"first_cycle\": " << layers[i].first << ", \"last_cycle\": " << layers[i].last
           << ", \"instructions\": " << layers[i].instructions << "}";
    os << "\n  ]\n}\n";
    return os.str();
}

CompileResult compile_workload(const ChipSpec& spec, const Workload& workload)
{
    std::ostringstream program;
    CompileResult r = compile_workload(spec, workload, program);
    r.assembly = program.str();
    return r;
}

CompileResult compile_workload(const ChipSpec& spec, const Workload& workload, std::ostream& program)
{
    // The program is written only once the lowering has succeeded, so a first attempt that runs
    // out of MEM leaves nothing behind.
    try {
        return lowering::Lowering(spec, workload).run(program);
    } catch (const MemFullError&) {
        return lowering::Lowering(spec, workload, true).run(program);
    }
}

}  // namespace lpu
