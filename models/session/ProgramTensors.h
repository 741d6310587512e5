// The tensors and matrices a program declares, moved between .npy arrays and a chip's MEM by
// name (`--load NAME=FILE.npy`, `--dump NAME=FILE.npy`): the name must be declared, the array's
// dtype and shape the declaration's (a .matrix moves as one rows x cols array). What a chip
// session and each chip of a system session share.
#pragma once

#include "models/chip/Chip.h"
#include "models/common/NpyReader.h"
#include "models/isa/Program.h"

#include <string>

namespace lpu {

class ProgramTensors {
public:
    // `program_name` names the program in messages (its file, usually).
    ProgramTensors(Chip& chip, const Program& program, std::string program_name)
        : chip_(chip), program_(program), program_name_(std::move(program_name))
    {}

    // Throws InputError for a name the program does not declare (listing what it declares).
    void check(const std::string& name) const;
    void load(const std::string& name, const NpyArray& array);
    // What MEM holds now.
    NpyArray array(const std::string& name) const;

private:
    const TensorDecl& tensor(const std::string& name) const;

    Chip& chip_;
    const Program& program_;
    std::string program_name_;
};

}  // namespace lpu
