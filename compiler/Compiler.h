// `lpusim compile`: a Workload lowered to a statically scheduled Program for a chip config
// (docs/compiler.md). Every instruction is booked in a ScheduleBuilder at an exact cycle, so
// the program's length is known before it runs: `predicted_cycles` equals what `lpusim run`
// reports, and a test holds the compiler to that.
#pragma once

#include "compiler/Workload.h"
#include "models/spec/ChipSpec.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace lpu {

struct CompiledTensor {
    std::string name;
    int64_t rows = 0, cols = 0;
    TensorType type = TensorType::I8;
    bool input = false;   // loaded before the run (an input or weight)
    bool output = false;  // dumped after it
};

// Where one lowered group of layers (a layer and the element-wise layers fused into it) issues.
struct LayerSpan {
    std::string layers;            // their names, joined by '+'
    uint64_t first = 0, last = 0;  // the cycles its first and last instruction issue
    size_t instructions = 0;
};

struct CompileResult {
    std::string assembly;  // the program, ready for `lpusim asm` / `lpusim run` (empty when streamed)
    uint64_t predicted_cycles = 0;
    uint64_t mxm_macs = 0;       // MACs the planes execute (whole plane-sized tiles)
    uint64_t useful_macs = 0;    // M x K x N summed over matmuls
    double mxm_utilisation = 0;  // mxm_macs / (planes x rows x cols x cycles)
    uint64_t sram_bytes = 0;     // MEM allocated to tensors (the high-water mark)
    // The tensors did not all fit at once: intermediates shared words, freed after their last
    // reader, and are not in the program (only inputs and outputs can be loaded and dumped).
    bool mem_reused = false;
    size_t instructions = 0;
    std::vector<CompiledTensor> tensors;  // the workload tensors that live in MEM
    std::vector<LayerSpan> layers;        // in workload order

    std::string summary() const;  // what `lpusim compile` prints
    // The same figures as JSON, for scripts sweeping configs (`lpusim compile --report`).
    std::string report_json(const std::string& workload, const std::string& chip) const;
};

// Throws InputError naming the layer for a workload the compiler cannot place or lower. When
// its tensors do not all fit in MEM at once, it compiles again with intermediates sharing words.
CompileResult compile_workload(const ChipSpec& spec, const Workload& workload);
// The same, the program written to `program` as it is emitted instead of held in the result.
CompileResult compile_workload(const ChipSpec& spec, const Workload& workload, std::ostream& program);

}  // namespace lpu
