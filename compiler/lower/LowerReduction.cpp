// Softmax, RMSNorm and LayerNorm (docs/compiler.md, "Softmax, RMSNorm, LayerNorm along axis 0"):
// running reductions down each column, one row every alu_latency cycles with the running value
// on a stream at the VXM, then the rows through the result. Along axis 1 the rows are transposed
// into columns first and the result transposed back.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

#include <algorithm>

namespace lpu::lowering {

void Lowering::lower_reduction(const WorkloadLayer& l)
{
    const Placement& X = placed(l.inputs[0], l);
    const Placement& out = placed(l.output, l);
    if (l.axis == 0) {
        reduce_columns(X, out, l);
        return;
    }
    // Along each row: the lanes of a row cannot be summed without crossing lanes, so the rows are
    // turned into columns (transpose), reduced down the columns, and turned back.
    const Placement& xt = transposed_scratch(l, X, "xT");
    const Placement& yt = transposed_scratch(l, X, "yT");
    transpose(X, xt, l);
    reduce_columns(xt, yt, l);
    transpose(yt, out, l);
}

Placement& Lowering::transposed_scratch(const WorkloadLayer& l, const Placement& X, const std::string& suffix)
{
    WorkloadTensor& t = scratch_tensors_["~" + l.name + "_" + suffix];
    t.name = "~" + l.name + "_" + suffix;
    t.rows = X.t->cols;
    t.cols = X.t->rows;
    t.type = X.t->type;
    return own_scratch(place(t, "the transposed rows of layer '" + l.name + "'"));
}

void Lowering::reduce_columns(const Placement& X, const Placement& out, const WorkloadLayer& l)
{
    // A running reduction issues one row's steps in every cycle: k steps before the combining
    // operation (k = 2 for softmax and layer_norm, 1 for rms_norm) need k + 1 ALUs at once.
    need_alus(l, l.op == LayerOp::RmsNorm ? 2 : 3, "a running reduction");
    std::vector<unsigned> all;
    slices_of(X, all);
    ReductionKit shared = reduction_kit(X, l, all, "");
    for (unsigned j = 0; j < X.blocks.size(); ++j) {
        const size_t mark = sb_.mark();
        sb_.begin_trial();
        bool ok = reduce_block(shared, X, out, l, j);
        if (!ok) {
            // With few slices a wide X leaves its scratch and constants no slices of their own.
            // This block's own, clear of its slices only.
            sb_.rollback(mark);
            std::vector<unsigned> mine;
            for (unsigned k = 0; k < X.planes; ++k)
                mine.push_back(X.blocks[j].slice + k);
            ReductionKit own = reduction_kit(X, l, mine, "@" + std::to_string(j));
            ok = reduce_block(own, X, out, l, j);
        }
        sb_.end_trial();
        if (!ok)
            layer_error(l, "the running reduction of column block " + std::to_string(j) +
                               " found no cycle in which all its reads, streams and ALUs are free, with the running "
                               "value on a stream or parked in MEM (a config with few streams per direction; see "
                               "docs/compiler.md)");
        sb_.commit();
    }
}

Lowering::ReductionKit Lowering::reduction_kit(const Placement& X, const WorkloadLayer& l, std::vector<unsigned> avoid,
                                               const std::string& suffix)
{
    // The scratch is one column block, which the blocks of X use in turn (the booking orders the
    // reuse), so a wide tensor does not run out of slices. Scratch and constants go to the other
    // hemisphere when they can, so that the values read together reach the VXM from both
    // directions (a config may have few streams per direction).
    ReductionKit k;
    k.avoid = std::move(avoid);
    k.side = 1 - static_cast<int>(alloc_.side_of(X.blocks[0].slice));
    k.suffix = suffix;
    k.zero = &constant(TensorType::F32, 0, &k.avoid, k.side);
    if (l.op != LayerOp::Softmax) {
        const float inv_n = static_cast<float>(1.0 / static_cast<double>(X.rows));
        k.one_over_n = &constant(TensorType::F32, f32_bits(inv_n), &k.avoid, k.side);
        k.eps = &constant(TensorType::F32, f32_bits(static_cast<float>(l.eps)), &k.avoid, k.side);
    } else {
        k.neg_inf = &constant(TensorType::F32, 0xff800000u, &k.avoid, k.side);
    }
    // "~": no workload tensor can be called that.
    auto row = [&](const char* name, uint32_t rows) {
        return &scratch("~" + l.name + "_" + name + suffix, rows, 1, TensorType::F32, k.avoid, k.side);
    };
    if (l.op == LayerOp::Softmax) {
        k.s1 = row("max", 1);
        k.s2 = row("exp", X.rows);
        k.s3 = row("inv", 1);
    } else if (l.op == LayerOp::RmsNorm) {
        k.s3 = row("inv", 1);
    } else {
        k.s1 = row("mean", 1);
        k.s3 = row("inv", 1);
    }
    return k;
}

bool Lowering::reduce_block(ReductionKit& kit, const Placement& X, const Placement& out, const WorkloadLayer& l,
                            unsigned j)
{
    const VxmAluOp add = VxmAluOp::make_binary(VxmBinaryOp::Add, VxmType::F32);
    // inv = rsqrt(v * 1/n + eps), v the reduced sum (RMSNorm, LayerNorm).
    const std::vector<ChainOp> inv_of_mean = {binary(VxmBinaryOp::Mul, kit.one_over_n, true),
                                              binary(VxmBinaryOp::Add, kit.eps, true), unary(VxmUnaryOp::Rsqrt)};
    if (l.op == LayerOp::Softmax) {
        const Placement &mx = *kit.s1, &e = *kit.s2, &inv = *kit.s3;
        if (!reduce(kit, X, j, l,
                    Reduce{{}, VxmAluOp::make_binary(VxmBinaryOp::Max, VxmType::F32), kit.neg_inf, nullptr, {}, &mx}) ||
            !reduce(kit, X, j, l,
                    Reduce{{binary(VxmBinaryOp::Sub, &mx, true), unary(VxmUnaryOp::Exp)},
                           add,
                           kit.zero,
                           &e,
                           {square(), unary(VxmUnaryOp::Rsqrt)},
                           &inv}))
            return false;
        rows_through(e, j, {binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
    } else if (l.op == LayerOp::RmsNorm) {
        const Placement& inv = *kit.s3;
        if (!reduce(kit, X, j, l, Reduce{{square()}, add, kit.zero, nullptr, inv_of_mean, &inv}))
            return false;
        rows_through(X, j, {binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
    } else {  // LayerNorm
        const Placement &mean = *kit.s1, &inv = *kit.s3;
        if (!reduce(kit, X, j, l,
                    Reduce{{}, add, kit.zero, nullptr, {binary(VxmBinaryOp::Mul, kit.one_over_n, true)}, &mean}) ||
            !reduce(
                kit, X, j, l,
                Reduce{{binary(VxmBinaryOp::Sub, &mean, true), square()}, add, kit.zero, nullptr, inv_of_mean, &inv}))
            return false;
        rows_through(X, j, {binary(VxmBinaryOp::Sub, &mean, true), binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
    }
    return true;
}

bool Lowering::reduce(ReductionKit& kit, const Placement& X, unsigned j, const WorkloadLayer& l, const Reduce& rd)
{
    // Nothing fits before X's first row is written.
    uint64_t floor = 0;
    const MemBlock& b = X.blocks[block_for(X, j)];
    for (unsigned k = 0; k < X.planes; ++k)
        if (const auto w = sb_.last_write(b.slice + k, b.addr))
            floor = std::max(floor, *w);
    auto attempt = [&](uint64_t u0, const Placement* parked, unsigned period) {
        const size_t mark = sb_.mark();
        if (reduce_rows(X, j, rd, u0, parked, period)) {
            sb_.commit();
            return true;
        }
        sb_.rollback(mark);
        return false;
    };
    for (uint64_t u0 = floor; !hopeless(u0, kMaxTries / 16); ++u0)
        if (attempt(u0, nullptr, 0))
            return true;
    // One row every alu_latency cycles is rigid: every row's values sit at the same offsets, and
    // on a config with few streams or slices two of them can collide at every start. Rows
    // further apart, the running value parked in MEM between them, change the offsets.
    if (!kit.park)
        kit.park = &scratch("~" + l.name + "_acc" + kit.suffix, 1, 1, TensorType::F32, kit.avoid, kit.side);
    // Tried past the end of everything booked, where only such collisions are left.
    const unsigned V = sb_.vxm().alu_latency;
    for (unsigned period = V + 1; period <= V + 64; ++period)
        for (uint64_t u0 = std::max(floor, sb_.predicted_cycles()); !hopeless(u0, 256); ++u0)
            if (attempt(u0, kit.park, period))
                return true;
    return false;
}

bool Lowering::reduce_rows(const Placement& X, unsigned j, const Reduce& rd, uint64_t u0, const Placement* park,
                           unsigned period)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    const uint64_t P = park ? period : V;
    if (u0 < rd.pre.size() * V)
        return false;
    // The last combine's result: written to `out`, or the post steps chained from it.
    const uint64_t end = u0 + uint64_t{X.rows - 1} * P + V;
    const RowRef out{rd.dst, block_for(*rd.dst, j), 0};
    // The end's MEM accesses first, booking nothing: where they cannot issue, every row would
    // be booked and taken back for nothing (bookings only take resources away, so such a start
    // fails anyway; the start chosen and the program are the same).
    if (!reduction_end_fits(rd, j, end, out))
        return false;
    StreamId acc;
    if (!read_row(RowRef{rd.init, 0, 0}, vp, u0, acc))
        return false;
    int alu = -1;
    for (uint32_t r = 0; r < X.rows; ++r)
        if (!combine_row(X, j, rd, r, u0 + uint64_t{r} * P, acc, park, alu))
            return false;
    StepOut step;
    step.alu = alu;
    for (size_t i = 0; i < rd.post.size(); ++i)
        if (!chain_step(rd.post[i], end + i * V, std::nullopt, step.alu, j, 0, i + 1 == rd.post.size() ? &out : nullptr,
                        step))
            return false;
    return true;
}

bool Lowering::reduction_end_fits(const Reduce& rd, unsigned j, uint64_t end, const RowRef& out) const
{
    // As reduce_rows books them: without post steps the last combine's result is driven to `out`
    // in `end`; else the post steps issue from `end`, alu_latency apart, the last writing `out`.
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    PlaneAccess acc;
    if (rd.post.empty())
        return write_access(out, vp, end, acc);
    for (size_t i = 0; i < rd.post.size(); ++i) {
        const ChainOp& op = rd.post[i];
        const uint64_t t = end + i * V;
        if (!op.square && op.other && !read_access(RowRef{op.other, op.block_of(j), 0}, vp, t, acc))
            return false;
        if (i + 1 == rd.post.size() && !write_access(out, vp, timing::vxm_result(sb_.vxm(), t), acc))
            return false;
    }
    return true;
}

bool Lowering::combine_row(const Placement& X, unsigned j, const Reduce& rd, uint32_t r, uint64_t u, StreamId& acc,
                           const Placement* park, int& alu)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    // A parked running value comes back from MEM for this row's combine.
    if (park && r > 0 && !read_row(RowRef{park, 0, 0}, vp, u, acc))
        return false;
    Instr comb;
    comb.op = Opcode::Vxm;
    comb.alu = rd.combine;
    comb.streams.push_back(acc);
    int prev = -1;
    if (!reduce_operand(X, j, rd, r, u, comb, prev))
        return false;
    const bool final_step = r + 1 == X.rows;
    if (final_step && !rd.post.empty()) {
        comb.chain_out = true;
    } else if (final_step || park) {
        StreamId g;
        if (!write_row(final_step ? RowRef{rd.dst, block_for(*rd.dst, j), 0} : RowRef{park, 0, 0}, vp, u + V, g))
            return false;
        comb.streams.push_back(g);
    } else {
        // The running value takes the direction X's rows do not arrive in: they come every cycle,
        // in a direction fixed by X's slices.
        const unsigned width = vxm_type_bits(rd.combine.result_type()) / 8;
        const StreamDir x_dir =
            ScheduleBuilder::direction(sb_.position(sb_.mem_queue(X.blocks[block_for(X, j)].slice)), vp);
        const auto g = vxm_local_streams(width, u + V, x_dir == StreamDir::East ? StreamDir::West : StreamDir::East);
        if (!g)
            return false;
        acc = *g;
        comb.streams.push_back(acc);
    }
    alu = place_vxm(u, comb, prev);
    return alu >= 0;
}

bool Lowering::reduce_operand(const Placement& X, unsigned j, const Reduce& rd, uint32_t r, uint64_t u, Instr& comb,
                              int& prev)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    if (rd.pre.empty()) {
        StreamId g;
        if (!read_row(RowRef{&X, j, r}, vp, u, g))
            return false;
        comb.streams.push_back(g);
        return true;
    }
    // pre(x_r) as a chain ending in this cycle.
    const uint64_t k = rd.pre.size();
    StepOut step;
    for (size_t i = 0; i < k; ++i) {
        const uint64_t t = u - (k - i) * V;
        std::optional<StreamId> first;
        if (i == 0) {
            StreamId g;
            if (!read_row(RowRef{&X, j, r}, vp, t, g))
                return false;
            first = g;
        }
        // The last step's result is kept in MEM when asked, and read from that stream by the
        // combining ALU at the VXM in the same cycle; else it is chained.
        const RowRef kept{rd.keep, rd.keep ? block_for(*rd.keep, j) : 0, r};
        const bool to_keep = i + 1 == k && rd.keep;
        if (!chain_step(rd.pre[i], t, first, step.alu, j, r, to_keep ? &kept : nullptr, step))
            return false;
        if (to_keep)
            comb.streams.push_back(step.group);
    }
    prev = step.alu;
    if (!rd.keep)
        comb.chain_src[1] = static_cast<int8_t>(prev);
    return true;
}

}  // namespace lpu::lowering
