// lpusim assembly (docs/isa.md section 3) to Program and back. Errors name
// file:line:column and the reason; disassemble(assemble(x)) assembles to the same program.
#pragma once

#include "models/isa/Program.h"

#include <string>

namespace lpu {

struct ChipSpec;

// Throws InputError "file:line:col: reason" for the first error.
Program assemble(const std::string& source, const std::string& file, const ChipSpec& spec);
Program assemble_file(const std::string& path, const ChipSpec& spec);
// The same for instruction text fetched into `queue` (an Ifetch): instructions before any
// .queue directive belong to that queue.
Program assemble_for_queue(const std::string& source, const std::string& file, const ChipSpec& spec,
                           const std::string& queue);
// One instruction's text for `queue`, as the assembler reads it on line `line` of `file`, without
// the rules on a queue's sequence (check_sequence): for checking decoded instructions. Throws
// InputError "file:line:col: reason".
Instr assemble_instruction(const std::string& text, const std::string& file, int line, const ChipSpec& spec,
                           const std::string& queue);
// Canonical text: tensors, instruction blocks, then each non-empty queue in QueueMap order.
std::string disassemble(const Program& program, const ChipSpec& spec);

}  // namespace lpu
