// A program for the whole chip: one instruction list per ICU queue, and the tensors it keeps
// in MEM (so `lpusim run --load/--dump` can move .npy files in and out by name).
#pragma once

#include "models/isa/Instr.h"
#include "models/spec/QueueMap.h"
#include "models/spec/TensorType.h"

#include <string>
#include <utility>
#include <vector>

namespace lpu {

// A tensor of `rows` x lanes elements in MEM. Element byte k of row r is byte lane of word
// addr + r in MEM slice slice + k: wider elements spread their byte planes over neighbouring
// slices (counted outward from the VXM), because an int32 result leaves the MXM as 4 byte
// streams in one cycle and each slice writes one word per cycle (docs/isa.md section 3).
// f16/f32 (IEEE 754 binary16/binary32, little-endian bytes) use the same layout as i32.
struct TensorDecl {
    std::string name;
    unsigned slice = 0;  // MEM slice of byte plane 0 (QueueInfo::unit of its MEM queue)
    std::string slice_name;
    uint32_t addr = 0;  // first word
    uint32_t rows = 0;  // rows of `lanes` elements, one word each
    TensorType type = TensorType::I8;
    SourcePos pos;
    // `.fill NAME BITS`: every element holds the bit pattern `fill` before cycle 0 (constants
    // the program needs, e.g. an f32 1/n), as part of the program image like instruction blocks.
    bool filled = false;
    uint32_t fill = 0;
    // `.data NAME ROW V...`: rows whose lanes hold different constants (e.g. MEM Gather maps),
    // written after the fill, so they replace it in those rows. Element values (not bytes), lane 0
    // first, trailing zeros dropped (lanes not given are 0); in source order, each row once.
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> data;

    unsigned element_bytes() const { return tensor_type_bytes(type); }
};

// Instructions kept in MEM as text for an Ifetch to bring into a queue (docs/isa.md 3.2):
// `.block NAME QUEUE SLICE ADDR` ... `.end`. The canonical assembly of its instructions, one per
// line, fills words ADDR.. of the slice (zero-padded), written there before cycle 0.
struct InstrBlock {
    std::string name;
    std::string queue;   // the queue it was assembled for
    unsigned slice = 0;  // MEM slice (QueueInfo::unit)
    std::string slice_name;
    uint32_t addr = 0;
    std::string text;
    SourcePos pos;

    uint32_t words(unsigned word_bytes) const
    {
        return static_cast<uint32_t>((text.size() + word_bytes - 1) / word_bytes);
    }
};

// A matrix of any width as the compiler lays it out (`.matrix NAME ROWS COLS TYPE`): column
// block j (columns j * lanes ..) is the tensor NAME@cj of at least ROWS rows; lanes past COLS
// are padding. `lpusim run --load/--dump NAME=FILE.npy` moves it as one (ROWS, COLS) array.
struct MatrixDecl {
    std::string name;
    uint32_t rows = 0, cols = 0;
    TensorType type = TensorType::I8;
    SourcePos pos;

    std::string block_name(unsigned j) const { return name + "@c" + std::to_string(j); }
    unsigned blocks(unsigned lanes) const { return (cols + lanes - 1) / lanes; }
};

// A name a program declares (tensor, matrix, instruction block): one assembler token of printable
// ASCII, no blanks, commas or comment characters, so its disassembly reads back as the same name.
// The assembler and the object file reader hold names to this one rule.
bool is_program_name(const std::string& name);

struct Program {
    std::vector<std::vector<Instr>> queues;  // indexed like QueueMap::queues()
    std::vector<TensorDecl> tensors;
    std::vector<InstrBlock> blocks;
    std::vector<MatrixDecl> matrices;

    const TensorDecl* tensor(const std::string& name) const;
    const MatrixDecl* matrix(const std::string& name) const;
    size_t instruction_count() const;
};

}  // namespace lpu
