// The binary form of an assembled program (`lpusim asm -o prog.lpo`), so a program can be
// assembled once and run or disassembled later. Little-endian, versioned; every field is
// checked when read and the decoded program is validated by the assembler's own rules.
#pragma once

#include "models/isa/Program.h"

#include <string>

namespace lpu {

struct ChipSpec;

std::string encode_program(const Program& program);
// Throws InputError "name: reason" for anything malformed or not valid on `spec`.
Program decode_program(const std::string& bytes, const std::string& name, const ChipSpec& spec);
// True if `bytes` starts like an object file (else treat it as assembly text).
bool is_object_file(const std::string& bytes);

}  // namespace lpu
