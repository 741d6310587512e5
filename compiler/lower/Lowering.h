// The lowering behind `lpusim compile` (docs/compiler.md): one Lowering per compile holds the
// booking table, the MEM allocator and where every tensor lives, and lowers the workload's layers
// in order. Internal to compiler/; its members are defined by topic, one file each in
// compiler/lower/ (the section comments below name them; docs/compiler.md, "Source layout").
#pragma once

#include "compiler/Compiler.h"
#include "compiler/MatmulPlan.h"
#include "compiler/MemAllocator.h"
#include "compiler/ScheduleBuilder.h"
#include "compiler/lower/LoweringTypes.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lpu::lowering {

class Lowering {
public:
    // `reuse_mem`: intermediates are placed when their chain is lowered and their words freed
    // after their last reader (for workloads whose tensors do not all fit at once); otherwise
    // every tensor has words of its own for the whole run and can be dumped after it.
    Lowering(const ChipSpec& spec, const Workload& w, bool reuse_mem = false)
        : sb_(spec), alloc_(sb_.mem()), w_(w), lanes_(sb_.lanes()), reuse_mem_(reuse_mem)
    {}

    // Lowers the workload and writes the program to `program`.
    CompileResult run(std::ostream& program);

private:
    // ---- Driver.cpp: placement of the workload's tensors, each chain lowered, the program ----
    // The tensors that live in MEM: inputs, outputs, and results a later layer reads other than
    // as the next step of a fused chain.
    void place_workload(const std::vector<Chain>& chains);
    void lower_chain(const Chain& chain);
    // With reuse_mem_: places chain i's result before it is lowered, and frees the intermediates
    // no chain after i reads once it is.
    void place_result(const std::vector<Chain>& chains, size_t i);
    void free_dead(const std::vector<Chain>& chains, size_t i);
    // The program's directives: .matrix, .tensor, .fill and .data lines.
    std::string program_header() const;
    // `.tensor NAME SLICE ADDR ROWS TYPE`: a column block (or the only block) in MEM.
    std::string tensor_line(const std::string& name, const MemBlock& b, uint32_t rows, TensorType type) const;
    // The figures of the compiled program (everything but its assembly).
    void fill_result(CompileResult& r, const std::vector<Chain>& chains) const;

    // ---- Placement.cpp: what lives where in MEM ----
    unsigned blocks_of(int64_t cols) const { return static_cast<unsigned>((cols + lanes_ - 1) / lanes_); }
    // Every column block of `t` (`what` names it in an error), clear of `avoid` if possible, on
    // hemisphere `side` if given (MemAllocator::allocate).
    Placement& place(const WorkloadTensor& t, const std::string& what, const std::vector<unsigned>& avoid = {},
                     int side = -1);
    Placement& place_tensor(const WorkloadTensor& t);
    const Placement& placed(const std::string& name, const WorkloadLayer& l) const;
    // A one-row tensor whose every element is the bit pattern `bits` (.fill): the constants
    // of the float layers (1/n, eps, -inf, ...), one per value.
    const Placement& constant(TensorType type, uint32_t bits, std::vector<unsigned>* avoid = nullptr, int side = -1);
    Placement& scratch(const std::string& name, uint32_t rows, unsigned blocks, TensorType type,
                       std::vector<unsigned>& avoid, int side = -1);
    // The slices a placement uses.
    static void slices_of(const Placement& p, std::vector<unsigned>& into);
    // A row of zeros in MEM (never written: MEM reads zero where nothing was written).
    // `copy` picks one of several (each plane loading weights reads its own: planes reach
    // their last K block together).
    Placement zero_row(unsigned planes, unsigned copy = 0);

    // ---- Rows.cpp: rows between MEM and the streams ----
    // Whether to give up on a piece of work that found no cycle up to `cycle`: that is `slack`
    // cycles past the end of everything booked, where nothing else is in its way.
    bool hopeless(uint64_t cycle, uint64_t slack = kMaxTries) const { return cycle > sb_.predicted_cycles() + slack; }
    // Books `step` in the first cycle from `cursor` on where it fits (step(c) books all of it, or
    // returns false and what it booked is taken back), then moves the cursor past that cycle. A
    // step that fits nowhere up to far past everything booked is an internal error naming `what`
    // (and the row, if given).
    template <class Step>
    void first_fit(uint64_t& cursor, const WorkloadLayer& l, const char* what, Step&& step, int64_t row = -1)
    {
        for (;; ++cursor) {
            if (hopeless(cursor))
                no_cycle(l, what, row);
            const size_t mark = sb_.mark();
            if (step(cursor)) {
                sb_.commit();
                ++cursor;
                return;
            }
            sb_.rollback(mark);
        }
    }
    [[noreturn]] static void no_cycle(const WorkloadLayer& l, const char* what, int64_t row);
    // The lowest group of consecutive streams on which byte plane k, driven at from[k] in cycle
    // drive[k], is free up to to[k] (all in one direction), or none.
    std::optional<StreamId> free_group(unsigned n, const unsigned* from, const unsigned* to,
                                       const uint64_t* drive) const;
    std::optional<StreamId> free_group(const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                                       const std::vector<uint64_t>& drive) const;
    // Books one MEM access per byte plane k < acc.n of block b: `op` (Read or Write) of `word` on
    // slice b.slice + k issued in acc.issue[k], its value on stream group + k from acc.from[k] to
    // acc.to[k], driven in acc.drive[k], on the lowest free group (returned); false, nothing
    // booked, if none.
    bool book_planes(Opcode op, const MemBlock& b, uint32_t word, const PlaneAccess& acc, StreamId& group);
    // book_planes for row `r` (its block and word).
    bool book_row(Opcode op, const RowRef& r, const PlaneAccess& acc, StreamId& group);
    // Reads every byte plane of `r` so that all land at position `to` in cycle `at`, on a group of
    // consecutive streams (returned); false (nothing booked) if that does not fit.
    bool read_row(const RowRef& r, unsigned to, uint64_t at, StreamId& group);
    // Writes a value driven at `from` in cycle `drive` into every byte plane of `r`.
    bool write_row(const RowRef& r, unsigned from, uint64_t drive, StreamId& group);
    // Their MEM parts, booking nothing: whether every byte plane's access can issue (the slice's
    // queue free, the bank rule, the word's last write and read); `acc` gets the issues.
    bool read_access(const RowRef& r, unsigned to, uint64_t at, PlaneAccess& acc) const;
    bool write_access(const RowRef& r, unsigned from, uint64_t drive, PlaneAccess& acc) const;
    // The zero word for weight rows beyond K, read so that it lands at `to` in `at`.
    bool read_zero(unsigned to, uint64_t at, StreamId& stream, unsigned planes = 1, unsigned copy = 0);
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

    // ---- VxmChain.cpp: fused chains of VXM operations ----
    std::vector<ChainOp> chain_ops(const Chain& chain, size_t from, TensorType type);
    std::vector<ChainOp> gelu_ops(const WorkloadLayer& l);
    // A chain of `steps` VXM operations linked by ALU chaining needs `alus` different ALUs at
    // once; a config with fewer VXM queues cannot run it.
    void need_alus(const WorkloadLayer& l, unsigned alus, const char* what) const;
    // ops[0] takes `x` (a stream group at the VXM in c0, or none: from `x_row`); each next op
    // chains from the previous ALU; the last one's result goes to `dst`.
    bool vxm_chain(std::optional<StreamId> x, const RowRef* x_row, uint64_t c0, const std::vector<ChainOp>& ops,
                   uint32_t row, unsigned block, const RowRef& dst);
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

    // ---- LowerElementwise.cpp: element-wise chains that do not start at a matmul ----
    void lower_elementwise(const Chain& chain);
    // Element-wise chain `ops` over every row of block j of X into `out`.
    void rows_through(const Placement& X, unsigned j, const std::vector<ChainOp>& ops, const Placement& out,
                      const WorkloadLayer& l);
    // The rows of block j, each at its first cycle from `cursor` on (moved past the last).
    void chain_rows(const Placement& X, unsigned j, const std::vector<ChainOp>& ops, const Placement& out,
                    const WorkloadLayer& l, uint64_t& cursor);

    // ---- LowerMatmul.cpp: matmuls booked to a MatmulPlan (docs/compiler.md, "Matmul") ----
    void lower_matmul(const Chain& chain);
    MatmulShape matmul_shape(const WorkloadLayer& mm) const;
    // Everything booking a matmul changes besides the booking table (restored between ways).
    struct MatmulState;
    MatmulState matmul_state() const;
    MatmulState take_matmul_state();  // leaves the booking table empty, to be restored
    void restore(MatmulState s);
    // A way that ends later than this cannot be the fastest: matmul_with stops.
    uint64_t give_up_after_ = ~uint64_t{0};
    // Per plane, the ABCs of the matmul being booked not booked yet.
    std::vector<uint64_t> abcs_left_;
    // A matmul being booked: its operands, result, plan and fused epilogue.
    struct MatmulLayer {
        const WorkloadLayer& mm;
        const Placement &A, &B, &out;
        const MatmulPlan& plan;
        std::vector<ChainOp> epilogue;
        unsigned abc_every = 1;  // cycles per ABC and plane (an fp16 ABC holds the port longer)
    };
    // A plane's step of a round with its weights installed.
    struct PlaneStep {
        MatmulStep s;
        const MatmulJob* job = nullptr;
        unsigned kt = 0;
        size_t qa = 0, qc = 0;  // its activation and result queues
        unsigned pp = 0;        // its position
        uint64_t ready = 0;     // first cycle for an ABC with the new weights
    };
    // The first way's state after so many rounds, for the ways that share them (shared_rounds).
    using MatmulPrefixes = std::map<size_t, std::optional<MatmulState>>;
    // How a way of several is booked.
    struct MatmulBooking {
        std::vector<bool> finisher_sums;     // per plane: its buffers 2 and 3 (empty: as its plan needs)
        size_t from = 0;                     // rounds restored from the way that shared them
        MatmulPrefixes* prefixes = nullptr;  // filled at their round counts
    };
    // Books the plan's rounds. False if it stopped, given up (given_up).
    bool matmul_with(const Chain& chain, const MatmulPlan& plan, const MatmulBooking& how);
    // Whether the way being booked will end after give_up_after_: what it has committed does,
    // or a plane's ABCs left do (each issues at least abc_every cycles after the one before,
    // from its last one on; the program ends after the last).
    bool given_up(const MatmulLayer& ml) const;
    // The plan's running-sum buffers, as tall as this matmul: 2 and 3 (a finisher's reads) for
    // the planes finisher_sums names (empty: those the plan's finishers read).
    void sum_buffers(const MatmulLayer& ml, const std::vector<bool>& finisher_sums);
    Placement& sum_buffer(unsigned plane, unsigned buffer) { return partials_[plane * 4 + buffer]; }
    // Loads and installs the weights of one step (rows kt*lanes .. of column block nt of B).
    PlaneStep load_weights(const MatmulLayer& ml, const MatmulStep& s);
    // Whether two steps' planes are on the same side of the slice of A they read (for the plan's
    // read_groups: the steps of a round that share each read of A, in booking order).
    MatmulPlan::SameSide sides_of_a(const MatmulLayer& ml) const;
    // Rows m_from.. of a group; returns where it stopped: the end, or (a group of several planes
    // that finds no cycle for a row together, e.g. two of its accesses colliding in a bank at
    // every offset) the row its planes must then take one by one.
    uint32_t book_rows(const MatmulLayer& ml, std::vector<const PlaneStep*> grp, uint32_t m_from);
    // Row m of every plane of the group (sorted, nearest A's slice first), the lead's ABC in t,
    // in one attempt; false, nothing booked, if it does not fit.
    bool group_row(const MatmulLayer& ml, const std::vector<const PlaneStep*>& grp, uint32_t m, uint64_t t,
                   unsigned a_pos);
    // Row m of step a: ABC in `at`, its A row from `with` (a value already on its way past this
    // plane) or a read of its own (returned in sa); ACC, emit, and the result to the running sum,
    // the epilogue or MEM. False, nothing booked, if anything does not fit.
    bool matmul_row(const MatmulLayer& ml, const PlaneStep& a, uint32_t m, uint64_t at, const SharedRead* with,
                    StreamId& sa);
    // Row m's result, on its way from the plane in `first`, into its running sum or the result
    // (through the sums it adds and the epilogue); the streams it leaves on in `so`.
    bool matmul_result(const MatmulLayer& ml, const PlaneStep& a, uint32_t m, uint64_t first, StreamId& so);

    // ---- LowerReduction.cpp: softmax, RMSNorm, LayerNorm ----
    void lower_reduction(const WorkloadLayer& l);
    // A scratch tensor of X's type for the rows of layer l turned into columns.
    Placement& transposed_scratch(const WorkloadLayer& l, const Placement& X, const std::string& suffix);
    // Softmax, RMSNorm or LayerNorm (l.op) down each column of X into `out` (axis 0).
    void reduce_columns(const Placement& X, const Placement& out, const WorkloadLayer& l);
    // A running reduction reads X, its scratch rows and its constants at fixed relative cycles:
    // they must not share a slice. Only the constants the layer uses: each takes slices.
    struct ReductionKit {
        std::vector<unsigned> avoid;
        int side = -1;
        const Placement *zero = nullptr, *one_over_n = nullptr, *eps = nullptr, *neg_inf = nullptr;
        Placement *s1 = nullptr, *s2 = nullptr, *s3 = nullptr;  // softmax: max, exp, inv; else mean, inv
        Placement* park = nullptr;                              // made when needed
        std::string suffix;
    };
    ReductionKit reduction_kit(const Placement& X, const WorkloadLayer& l, std::vector<unsigned> avoid,
                               const std::string& suffix);
    // One running reduction: acc := init; then acc := combine(acc, pre(x_r)) for every row r.
    // pre(x_r) also goes to row r of `keep` when given. The final acc goes through `post` (first op
    // chained from it) into row 0 of `dst`.
    struct Reduce {
        std::vector<ChainOp> pre;
        VxmAluOp combine;
        const Placement* init = nullptr;
        const Placement* keep = nullptr;
        std::vector<ChainOp> post;
        const Placement* dst = nullptr;
    };
    // Block j's reductions and its rows through the result; false if a reduction finds no cycle.
    bool reduce_block(ReductionKit& kit, const Placement& X, const Placement& out, const WorkloadLayer& l, unsigned j);
    // One running reduction of block j, at its first cycle, else with its rows spaced out.
    bool reduce(ReductionKit& kit, const Placement& X, unsigned j, const WorkloadLayer& l, const Reduce& rd);
    // rd over block j of X from u0, one row every alu_latency cycles (the running value is on a
    // stream at the VXM for exactly the cycle the next step reads it). With `park`, rows are
    // `period` cycles apart and the running value waits in row 0 of `park` (written after each
    // combine, read back for the next).
    bool reduce_rows(const Placement& X, unsigned j, const Reduce& rd, uint64_t u0, const Placement* park = nullptr,
                     unsigned period = 0);
    // Whether the MEM accesses that end rd on block j from cycle `end` (the post steps' reads,
    // the write of `out`) can issue, booking nothing.
    bool reduction_end_fits(const Reduce& rd, unsigned j, uint64_t end, const RowRef& out) const;
    // Row r's combine in cycle u, its running value arriving on `acc` (replaced by where it
    // goes next); the combining ALU in `alu`.
    bool combine_row(const Placement& X, unsigned j, const Reduce& rd, uint32_t r, uint64_t u, StreamId& acc,
                     const Placement* park, int& alu);
    // Row r's pre(x_r) (or x_r itself) as the combine's second operand: a chain ending in cycle u
    // whose last ALU is returned in `prev`, or a stream.
    bool reduce_operand(const Placement& X, unsigned j, const Reduce& rd, uint32_t r, uint64_t u, Instr& comb,
                        int& prev);

    // ---- Transpose.cpp: transposes through the SXM (docs/compiler.md, "Transpose") ----
    void lower_transpose(const WorkloadLayer& l);
    // X [R, C] into O [C, R], byte plane by byte plane.
    void transpose(const Placement& X, const Placement& O, const WorkloadLayer& l);
    // The SXM a transpose uses: its position, queues and latency.
    struct SxmSide {
        unsigned position = 0;
        std::vector<size_t> queues;
    };
    // The G staging slices (one address in each) and gather maps of the SXM of hemisphere
    // `side`, made by the first transpose that needs them (clear of `avoid` if possible).
    struct TransposeStage {
        unsigned side = 0;
        std::vector<MemBlock> blocks;
        std::vector<Placement> rows;      // blocks[i] as a one-plane placement
        std::vector<unsigned> positions;  // of blocks[i]'s slice
        unsigned nearest = 0;             // the position nearest the SXM
        struct Map {
            const Placement* place = nullptr;  // 2 x S rows
            unsigned position = 0;
        };
        std::map<unsigned, Map> maps;  // by the number of row groups a tile has (none with S = 1)
        unsigned units = 0;            // tiles moved so far: regions alternate
        std::vector<bool> dirty[2];    // per region: the input rows a tile may have left non-zero
    };
    TransposeStage& transpose_stage(unsigned side, const SxmSide& sxm, const std::vector<unsigned>& avoid,
                                    const WorkloadLayer& l);
    // The gather maps for tiles of `groups` row groups (of G rows): a tile's missing groups read
    // the staging slices' zero word.
    const TransposeStage::Map& gather_map(TransposeStage& st, unsigned groups, const SxmSide& sxm,
                                          const WorkloadLayer& l);
    // An SXM a transpose goes through, its staging and each pass's cursor.
    struct TransposeWay {
        SxmSide sxm;
        TransposeStage* st = nullptr;
        uint64_t c1 = 0, c2 = 0, c3 = 0;
    };
    // Every SXM whose streams can carry G rows (and a map) into it and G out, with G MEM slices of
    // its hemisphere to stage them in; an error naming the layer if there is none.
    std::vector<TransposeWay> transpose_ways(const Placement& X, const Placement& O, const WorkloadLayer& l);
    // One byte plane of tile (a, b) of X through way w (docs/compiler.md, "Transpose": the three
    // passes).
    // (`zero`: a one-plane zero row for the staging rows a tile leaves short.)
    void transpose_tile(TransposeWay& w, const Placement& Xk, const Placement& Ok, unsigned a, unsigned b,
                        const Placement& zero, const WorkloadLayer& l);
    // Pass 2 through way w for output group q of region r, the map read (or, S = 1, the farthest
    // read) in t; false, nothing booked, if it does not fit.
    bool transpose_group(const TransposeWay& w, unsigned r, unsigned q, unsigned groups, uint64_t t,
                         const WorkloadLayer& l);
    struct TransposeGroup;
    // Its reads, streams and writes, once everything is known to fit.
    void book_transpose_group(const TransposeWay& w, const TransposeGroup& g);
    // Pass 1 or 3: a row copied, or rotated up by `rot` lanes through w's SXM on the way.
    bool move_row(const TransposeWay& w, const RowRef& src, const RowRef& dst, unsigned rot, uint64_t c);
    // One-plane row `src` copied to `dst` on one stream, the read issued in `c`.
    bool copy_row(const RowRef& src, const RowRef& dst, uint64_t c);
    // One-plane row `src` through operation `op` of the SXM, issued in `u`, into `dst`.
    bool sxm_row(const RowRef& src, const RowRef& dst, const SxmOp& op, const SxmSide& sxm, uint64_t u);
    // Places an SXM instruction on the first of `queues` free in `cycle`.
    bool place_sxm(const std::vector<size_t>& queues, uint64_t cycle, const Instr& in);
    std::map<unsigned, TransposeStage> stages_;

    ScheduleBuilder sb_;
    Instr plane_instr_, chain_instr_;  // book_planes' and chain_step's instructions, reused (see there)
    MemAllocator alloc_;
    const Workload& w_;
    unsigned lanes_;
    std::map<std::string, Placement> placed_;
    bool reuse_mem_;
    std::map<std::string, size_t> last_use_;  // intermediates: the last chain that reads each
    std::set<std::string> freed_;             // intermediates whose words were given back (not declared)
    std::vector<Placement> chain_scratch_;    // with reuse_mem_: the scratch of the chain being lowered
    // With reuse_mem_, scratch placed for one chain is given back after it (free_dead).
    Placement& own_scratch(Placement& p);
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
