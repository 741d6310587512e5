// The lowering behind `lpusim compile` (docs/compiler.md): one Lowering per compile holds the
// booking table, the MEM allocator and where every tensor lives, and lowers the workload's layers
// in order. Internal to compiler/: Compiler.cpp lowers matmuls, element-wise chains and
// reductions; Transpose.cpp lowers transposes through the SXM.
#pragma once

#include "models/common/Error.h"
#include "compiler/Compiler.h"
#include "compiler/MemAllocator.h"
#include "compiler/ScheduleBuilder.h"
#include "models/vxm/VxmAlu.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
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
inline unsigned block_for(const Placement& p, unsigned j)
{
    return p.blocks.size() == 1 ? 0 : j;
}

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

// The element type field of LW and ABC (Instr.h): 0 u8, 1 i8, 2 f16.
inline int64_t mxm_type_code(TensorType t)
{
    return t == TensorType::F16 ? 2 : t == TensorType::I8 ? 1 : 0;
}

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


class Lowering {
public:
    Lowering(const ChipSpec& spec, const Workload& w) : sb_(spec), alloc_(sb_.mem()), w_(w), lanes_(sb_.lanes()) {}

    CompileResult run();

private:
    using Chain = std::vector<const WorkloadLayer*>;

    // Whether to give up on a piece of work that found no cycle up to `cycle`: that is `slack`
    // cycles past the end of everything booked, where nothing else is in its way.
    bool hopeless(uint64_t cycle, uint64_t slack = kMaxTries) const { return cycle > sb_.predicted_cycles() + slack; }
    unsigned blocks_of(int64_t cols) const { return static_cast<unsigned>((cols + lanes_ - 1) / lanes_); }
    Placement& place_tensor(const WorkloadTensor& t);
    const Placement& placed(const std::string& name, const WorkloadLayer& l) const;
    std::vector<ChainOp> chain_ops(const Chain& chain, size_t from, TensorType type);

    // The lowest group of consecutive streams on which byte plane k, driven at from[k] in cycle
    // drive[k], is free up to to[k] (all in one direction), or none.
    std::optional<StreamId> free_group(const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                                       const std::vector<uint64_t>& drive) const;
    // Books one MEM access per byte plane k of block b: `op` (Read or Write) of `word` on slice
    // b.slice + k issued in issue[k], its value on stream group + k from from[k] to to[k],
    // driven in drive[k].
    void book_planes(Opcode op, const MemBlock& b, uint32_t word, StreamId group, const std::vector<uint64_t>& issue,
                     const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                     const std::vector<uint64_t>& drive);
    // Reads every byte plane of `r` so that all land at position `to` in cycle `at`, on a group of
    // consecutive streams (returned); false (nothing booked) if that does not fit.
    bool read_row(const RowRef& r, unsigned to, uint64_t at, StreamId& group);
    // Writes a value driven at `from` in cycle `drive` into every byte plane of `r`.
    bool write_row(const RowRef& r, unsigned from, uint64_t drive, StreamId& group);
    // The zero word for weight rows beyond K, read so that it lands at `to` in `at`.
    bool read_zero(unsigned to, uint64_t at, StreamId& stream, unsigned planes = 1, unsigned copy = 0);
    // A row of zeros in MEM (never written: MEM reads zero where nothing was written).
    // `copy` picks one of several (each plane loading weights reads its own: planes reach
    // their last K block together).
    Placement zero_row(unsigned planes, unsigned copy = 0);
    // ops[0] takes `x` (a stream group at the VXM in c0, or none: from `x_row`); each next op
    // chains from the previous ALU; the last one's result goes to `dst`.
    bool vxm_chain(std::optional<StreamId> x, const RowRef* x_row, uint64_t c0, const std::vector<ChainOp>& ops,
                   uint32_t row, unsigned block, const RowRef& dst);

    // A value read from MEM at position `from`, driven there in `drive` on `width` streams from
    // `group`, booked up to position `end`: later consumers beyond `end` extend it.
    struct SharedRead {
        StreamId group;
        unsigned from = 0;
        uint64_t drive = 0;
        unsigned end = 0;
        unsigned width = 1;
        void reach(unsigned pos)
        {
            if (ScheduleBuilder::hops(from, pos) > ScheduleBuilder::hops(from, end))
                end = pos;
        }
    };
    // Books r's streams on to position `to` (nothing if the value passes `to` inside what is
    // booked); false, nothing booked, if `to` is not on its way or a register is taken.
    bool extend_read(const SharedRead& r, unsigned to);

    void lower_matmul(const Chain& chain);
    // The matmul with `share` planes on each column block (1: one plane per block).
    // share_last: with share 1, this many last column blocks (a partial round) are shared by
    // all planes (0: none).
    // split_rows: the sharing planes split the block's rows instead of its K blocks.
    void matmul_with(const Chain& chain, unsigned share, unsigned share_last = 0, bool split_rows = false);
    void lower_elementwise(const Chain& chain);
    void lower_reduction(const WorkloadLayer& l);
    // Softmax, RMSNorm or LayerNorm (l.op) down each column of X into `out` (axis 0).
    void reduce_columns(const Placement& X, const Placement& out, const WorkloadLayer& l);
    void lower_transpose(const WorkloadLayer& l);

    // Transpose.cpp: X [R, C] into O [C, R] through the SXM, byte plane by byte plane
    // (docs/compiler.md, "Transpose").
    void transpose(const Placement& X, const Placement& O, const WorkloadLayer& l);
    // The SXM a transpose uses: its position, queues and latency.
    struct SxmSide {
        unsigned position = 0, latency = 0;
        std::vector<size_t> queues;
    };
    // The G staging slices (one address in each) and gather maps of the SXM of hemisphere
    // `side`, made by the first transpose that needs them (clear of `avoid` if possible).
    struct TransposeStage {
        unsigned side = 0;
        std::vector<MemBlock> blocks;
        std::vector<Placement> rows;       // blocks[i] as a one-plane placement
        std::vector<unsigned> positions;   // of blocks[i]'s slice
        unsigned nearest = 0;              // the position nearest the SXM
        struct Map {
            const Placement* place = nullptr;  // 2 x S rows
            unsigned position = 0;
        };
        std::map<unsigned, Map> maps;      // by the number of row groups a tile has (none with S = 1)
        unsigned units = 0;                // tiles moved so far: regions alternate
        std::vector<bool> dirty[2];        // per region: the input rows a tile may have left non-zero
    };
    TransposeStage& transpose_stage(unsigned side, const SxmSide& sxm, const std::vector<unsigned>& avoid,
                                    const WorkloadLayer& l);
    // The gather maps for tiles of `groups` row groups (of G rows): a tile's missing groups read
    // the staging slices' zero word.
    const TransposeStage::Map& gather_map(TransposeStage& st, unsigned groups, const SxmSide& sxm,
                                          const WorkloadLayer& l);
    std::map<unsigned, TransposeStage> stages_;
    // One-plane row `src` copied to `dst` on one stream, the read issued in `c`.
    bool copy_row(const RowRef& src, const RowRef& dst, uint64_t c);
    // One-plane row `src` through operation `op` of the SXM, issued in `u`, into `dst`.
    bool sxm_row(const RowRef& src, const RowRef& dst, const SxmOp& op, const SxmSide& sxm, uint64_t u);
    // Places an SXM instruction on the first of `queues` free in `cycle`.
    bool place_sxm(const std::vector<size_t>& queues, uint64_t cycle, const Instr& in);
    // A chain of `steps` VXM operations linked by ALU chaining needs `alus` different ALUs at
    // once; a config with fewer VXM queues cannot run it.
    void need_alus(const WorkloadLayer& l, unsigned alus, const char* what) const;

    // A one-row tensor whose every element is the bit pattern `bits` (.fill): the constants
    // of the float layers (1/n, eps, -inf, ...), one per value.
    const Placement& constant(TensorType type, uint32_t bits, std::vector<unsigned>* avoid = nullptr, int side = -1);
    Placement& scratch(const std::string& name, uint32_t rows, unsigned blocks, TensorType type,
                       std::vector<unsigned>& avoid, int side = -1);
    // The slices a placement uses.
    static void slices_of(const Placement& p, std::vector<unsigned>& into);
    // acc := init; then acc := combine(acc, pre(x_r)) for every row r of block j of X, one row
    // every alu_latency cycles (the running value is on a stream at the VXM for exactly the
    // cycle the next step reads it). pre(x_r) also goes to row r of `keep` when given. The final
    // acc goes through `post` (first op chained from it) into row 0 of `dst` (block j).
    // With `park`, rows are `period` cycles apart and the running value waits in row 0 of
    // `park` (written after each combine, read back for the next).
    bool reduce_rows(const Placement& X, unsigned j, const std::vector<ChainOp>& pre, const VxmAluOp& combine,
                     const Placement& init, const Placement* keep, const std::vector<ChainOp>& post,
                     const Placement& dst, uint64_t u0, const Placement* park = nullptr, unsigned period = 0);
    // One operation of a chain in cycle t on a free ALU other than `prev`: its first operand is
    // the stream group `x` or, chained, ALU `prev`'s result; its second is the same again
    // (square), a row of `op.other`, or none; its result goes to `dst` (written there, the
    // stream group in out.group) or stays in the ALU for the next step. False if it does not fit.
    struct StepOut {
        int alu = -1;
        StreamId group;
    };
    bool chain_step(const ChainOp& op, uint64_t t, const std::optional<StreamId>& x, int prev, unsigned block,
                    uint32_t row, const RowRef* dst, StepOut& out);
    // Places a VXM instruction on a free ALU other than `avoid` in `cycle`; the ALU, or -1.
    int place_vxm(uint64_t cycle, Instr& in, int avoid);
    // Books a group of `width` streams driven at the VXM in `cycle` and read there only.
    std::optional<StreamId> vxm_local_streams(unsigned width, uint64_t cycle, StreamDir prefer);
    // `ops` for rows of X, with an identity step first when its first operation's other operand
    // shares a slice with X (both would be read in one cycle).
    std::vector<ChainOp> operands_apart(const Placement& X, std::vector<ChainOp> ops, const WorkloadLayer& l);
    // Element-wise chain `ops` over every row of block j of X into `out`, from cycle `c`.
    void rows_through(const Placement& X, unsigned j, const std::vector<ChainOp>& ops, const Placement& out,
                      const WorkloadLayer& l);

    ScheduleBuilder sb_;
    MemAllocator alloc_;
    const Workload& w_;
    unsigned lanes_;
    std::map<std::string, Placement> placed_;
    struct Constant {
        TensorType type;
        uint32_t bits;
        WorkloadTensor tensor;
        Placement place;
    };
    std::vector<std::unique_ptr<Constant>> constants_;
    std::map<std::string, WorkloadTensor> scratch_tensors_;  // what scratch placements describe
    // Tensors whose rows are constants that differ by lane (`.data`): gather maps.
    struct DataTensor {
        WorkloadTensor tensor;
        Placement place;
        std::vector<std::vector<uint32_t>> rows;  // element values, lane 0 first
    };
    std::vector<std::unique_ptr<DataTensor>> data_;
    std::vector<Placement> partials_;  // per MXM plane: four running-sum buffers (int32 or f32)
    // Per MXM plane, across layers: its last install, last ABC, and the first cycle an LW for
    // the next install may issue (docs/isa.md 1.3).
    struct PlaneState {
        uint64_t last_iw = 0, last_abc = 0, lw_floor = 0;
        bool installed = false;
    };
    std::vector<PlaneState> planes_;
    std::map<std::pair<unsigned, unsigned>, MemBlock> zeros_;  // zero rows by (byte planes, copy)
    uint64_t macs_ = 0, useful_ = 0;
    uint64_t slots_ = 0;  // int8 MAC slots the planes are busy: an fp16 MAC takes fp16_issue_interval
};

}  // namespace lpu::lowering
