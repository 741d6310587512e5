// A program for the whole chip: one instruction list per ICU queue, and the tensors it keeps
// in MEM (so `lpusim run --load/--dump` can move .npy files in and out by name).
#pragma once

#include "Instr.h"
#include "common/NpyReader.h"

#include <string>
#include <utility>
#include <vector>

namespace lpu {

class Config;

enum class QueueKind : uint8_t { MEM, VXM, SXM, MXM_W, MXM_A, MXM_C };

const char* queue_kind_name(QueueKind kind);

struct QueueInfo {
    std::string name;   // "MEM_W3", "VXM.0", "SXM_E0.5", "MXM_W1.a"
    QueueKind kind;
    unsigned position;  // floorplan position of its slice
    unsigned unit;      // MEM: slice index (west 0..n/2-1 outward, then east); MXM: plane index
};

// Every queue of a chip config, in a fixed order (MEM, VXM, SXM, MXM), with their slices.
class QueueMap {
public:
    explicit QueueMap(const Config& cfg);

    const std::vector<QueueInfo>& queues() const { return queues_; }
    // Index of the queue called `name`, or -1.
    int find(const std::string& name) const;
    unsigned positions() const { return positions_; }

private:
    std::vector<QueueInfo> queues_;
    unsigned positions_ = 0;
};

// The numeric values are the object file encoding: append new types, never renumber.
enum class TensorType : uint8_t { I8, U8, I32, F16, F32 };

// A tensor of `rows` x lanes elements in MEM. Element byte k of row r is byte lane of word
// addr + r in MEM slice slice + k: wider elements spread their byte planes over neighbouring
// slices (counted outward from the VXM), because an int32 result leaves the MXM as 4 byte
// streams in one cycle and each slice writes one word per cycle (docs/isa.md section 3).
// f16/f32 (IEEE 754 binary16/binary32, little-endian bytes) use the same layout as i32.
unsigned tensor_type_bytes(TensorType t);  // 1, 2 or 4

struct TensorDecl {
    std::string name;
    unsigned slice = 0;       // MEM slice of byte plane 0 (QueueInfo::unit of its MEM queue)
    std::string slice_name;
    uint32_t addr = 0;        // first word
    uint32_t rows = 0;        // rows of `lanes` elements, one word each
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

const char* tensor_type_name(TensorType t);
// The .npy dtype descr of a tensor type: "|i1", "|u1", "<i4", "<f2", "<f4", and the reader's
// dtype.
const char* tensor_npy_descr(TensorType t);
NpyDtype tensor_npy_dtype(TensorType t);

// Instructions kept in MEM as text for an Ifetch to bring into a queue (docs/isa.md 3.2):
// `.block NAME QUEUE SLICE ADDR` ... `.end`. The canonical assembly of its instructions, one per
// line, fills words ADDR.. of the slice (zero-padded), written there before cycle 0.
struct InstrBlock {
    std::string name;
    std::string queue;  // the queue it was assembled for
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
