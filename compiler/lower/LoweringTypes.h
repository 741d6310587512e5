// The values the lowerings pass around (internal to compiler/lower/): where a tensor lives, a row
// of it, one VXM operation of a fused chain, and the small conversions between workload and
// machine types. The Lowering class itself is in Lowering.h.
#pragma once

#include "compiler/MemAllocator.h"
#include "compiler/Workload.h"
#include "models/common/Error.h"
#include "models/vxm/VxmAlu.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace lpu::lowering {

// How far past the end of everything booked so far a piece of work is tried before the compiler
// gives up: from there on every queue, stream and bank is free, so only a piece that conflicts
// with itself (a bug, or a rigid reduction on a config too small for it) gets that far.
inline constexpr uint64_t kMaxTries = uint64_t{1} << 18;

[[noreturn]] inline void layer_error(const WorkloadLayer& l, const std::string& why)
{
    throw InputError(l.pos.text() + ": layer '" + l.name + "' (" + layer_op_name(l.op) + "): " + why);
}

inline VxmType vxm_type(TensorType t, const WorkloadLayer& l)
{
    switch (t) {
    case TensorType::I8: return VxmType::I8;
    case TensorType::I32: return VxmType::I32;
    case TensorType::F16: return VxmType::F16;
    case TensorType::F32: return VxmType::F32;
    case TensorType::U8: break;
    }
    layer_error(l, "the VXM has no uint8 arithmetic (convert or requantise to i8 first)");
}

// A layer and the element-wise layers fused into it (docs/compiler.md, "Fusion").
using Chain = std::vector<const WorkloadLayer*>;

// A tensor in MEM: column block j (columns j*lanes ..) is `rows` words from blocks[j].addr in
// `planes` consecutive slices from blocks[j].slice.
struct Placement {
    const WorkloadTensor* t = nullptr;
    uint32_t rows = 0;
    unsigned planes = 1;
    std::vector<MemBlock> blocks;
};

// The column block of `p` that goes with a chain's block j: p's own, or its only one (scratch
// rows and constants are one block, reused by every block in turn).
inline unsigned block_for(const Placement& p, unsigned j) { return p.blocks.size() == 1 ? 0 : j; }

// One VXM operation of a fused chain; binary operations take their second operand from MEM.
struct ChainOp {
    VxmAluOp alu;
    const Placement* other = nullptr;
    bool broadcast = false;  // `other` has one row, used for every row
    bool block0 = false;     // `other` has one column block (a running sum), not the chain's
    bool square = false;     // binary with the chained value as both operands (x * x)

    // The column block of `other` to read for the chain's block j: a running sum or a
    // constant has only one.
    unsigned block_of(unsigned j) const { return block0 ? 0 : block_for(*other, j); }
};

// A row of one column block of a placed tensor.
struct RowRef {
    const Placement* p = nullptr;
    unsigned block = 0;
    uint32_t row = 0;
};

// The accesses of a row's byte planes (at most four: an int32 or f32 word) in fixed arrays: rows
// are read and written millions of times, and vectors cost an allocation each.
struct PlaneAccess {
    static constexpr unsigned kMax = 4;
    unsigned n = 0;
    std::array<unsigned, kMax> from{}, to{};
    std::array<uint64_t, kMax> issue{}, drive{};
};

// The element type field of LW and ABC (Instr.h): 0 u8, 1 i8, 2 f16.
inline int64_t mxm_type_code(TensorType t) { return t == TensorType::F16 ? 2 : t == TensorType::I8 ? 1 : 0; }

inline uint32_t f32_bits(float f)
{
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

inline ChainOp binary(VxmBinaryOp op, const Placement* other, bool broadcast)
{
    ChainOp c;
    c.alu = VxmAluOp::make_binary(op, VxmType::F32);
    c.other = other;
    c.broadcast = broadcast;
    return c;
}

inline ChainOp unary(VxmUnaryOp op)
{
    ChainOp c;
    c.alu = VxmAluOp::make_unary(op, VxmType::F32);
    return c;
}

inline ChainOp square()
{
    ChainOp c = binary(VxmBinaryOp::Mul, nullptr, false);
    c.square = true;
    return c;
}

}  // namespace lpu::lowering
