// lpusim assembly (docs/isa.md section 3) to Program and back. Errors name
// file:line:column and the reason; disassemble(assemble(x)) assembles to the same program.
#pragma once

#include "Program.h"

#include <string>

namespace lpu {

class Config;

// Throws InputError "file:line:col: reason" for the first error.
Program assemble(const std::string& source, const std::string& file, const Config& cfg);
Program assemble_file(const std::string& path, const Config& cfg);
// Canonical text: tensors, then each non-empty queue in QueueMap order.
std::string disassemble(const Program& program, const Config& cfg);

}  // namespace lpu
