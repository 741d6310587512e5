// Fused chains of VXM operations (docs/compiler.md, "Fusion"): element-wise layers as ChainOps,
// and their booking on the VXM's ALUs, linked by ALU chaining so that only a chain's first input
// and last result use streams.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

#include <algorithm>

namespace lpu::lowering {

std::vector<ChainOp> Lowering::chain_ops(const Chain& chain, size_t from, TensorType type)
{
    std::vector<ChainOp> ops;
    for (size_t i = from; i < chain.size(); ++i) {
        const WorkloadLayer& l = *chain[i];
        ChainOp op;
        switch (l.op) {
        case LayerOp::Add:
        case LayerOp::Sub:
        case LayerOp::Mul:
        case LayerOp::Max:
        case LayerOp::Min: {
            op.alu = VxmAluOp::make_binary(layer_binary_op(l.op), vxm_type(type, l));
            if (l.inputs.at(1) == l.inputs.at(0)) {
                op.square = true;  // x op x: one read feeds both operands
                break;
            }
            op.other = &placed(l.inputs.at(1), l);
            const WorkloadTensor& a = *w_.tensor(l.inputs.at(0));
            op.broadcast = op.other->t->rows == 1 && a.rows > 1;
            break;
        }
        case LayerOp::Relu: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Relu, vxm_type(type, l)); break;
        case LayerOp::Tanh: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Tanh, vxm_type(type, l)); break;
        case LayerOp::Exp: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Exp, vxm_type(type, l)); break;
        case LayerOp::Requant: {
            VxmRequant rq = l.requant;
            rq.out_unsigned = l.to == TensorType::U8;
            op.alu = VxmAluOp::make_requant(rq);
            break;
        }
        case LayerOp::Convert: op.alu = VxmAluOp::make_convert(vxm_type(type, l), vxm_type(l.to, l)); break;
        case LayerOp::Gelu: {
            if (i != 0)
                layer_error(l, "internal: gelu must start its chain");
            const std::vector<ChainOp> g = gelu_ops(l);
            ops.insert(ops.end(), g.begin(), g.end());
            type = TensorType::F32;
            continue;
        }
        default: layer_error(l, "not supported by the compiler yet (see docs/compiler.md)");
        }
        try {
            op.alu.validate();
        } catch (const InputError& e) {
            layer_error(l, e.what());
        }
        type = w_.tensor(l.output)->type;
        ops.push_back(op);
    }
    return ops;
}

std::vector<ChainOp> Lowering::gelu_ops(const WorkloadLayer& l)
{
    // 0.5 x (1 + tanh(c2 (x + c1 x^3))) as nine f32 operations in this order (docs/workload.md);
    // x itself is re-read from MEM where the formula needs it again.
    const Placement* x = &placed(l.inputs[0], l);
    auto cst = [&](float v) { return &constant(TensorType::F32, f32_bits(v)); };
    return {square(),
            binary(VxmBinaryOp::Mul, x, false),
            binary(VxmBinaryOp::Mul, cst(0.044715f), true),
            binary(VxmBinaryOp::Add, x, false),
            binary(VxmBinaryOp::Mul, cst(0.7978845608f), true),
            unary(VxmUnaryOp::Tanh),
            binary(VxmBinaryOp::Add, cst(1.0f), true),
            binary(VxmBinaryOp::Mul, x, false),
            binary(VxmBinaryOp::Mul, cst(0.5f), true)};
}

void Lowering::need_alus(const WorkloadLayer& l, unsigned alus, const char* what) const
{
    if (sb_.icu().vxm_queues < alus)
        layer_error(l, std::string(what) + " needs " + std::to_string(alus) +
                           " VXM ALUs working at once; this config has " + std::to_string(sb_.icu().vxm_queues) +
                           " (chip.icu.vxm_queues)");
}

bool Lowering::chain_step(const ChainOp& op, uint64_t t, const std::optional<StreamId>& x, int prev, unsigned block,
                          uint32_t row, const RowRef* dst, StepOut& out)
{
    const unsigned vp = sb_.vxm_position();
    // Reused from call to call, as book_planes' (only these fields are ever set): its stream list
    // (at most two operands and the result) keeps its buffer.
    Instr& in = chain_instr_;
    in.op = Opcode::Vxm;
    in.alu = op.alu;
    in.streams.clear();
    in.chain_src[0] = in.chain_src[1] = -1;
    in.chain_out = false;
    if (x)
        in.streams.push_back(*x);
    else
        in.chain_src[0] = static_cast<int8_t>(prev);
    if (op.square) {
        if (x)
            in.streams.push_back(*x);
        else
            in.chain_src[1] = in.chain_src[0];
    } else if (op.other) {
        StreamId g;
        if (!read_row(RowRef{op.other, op.block_of(block), op.broadcast ? 0 : row}, vp, t, g))
            return false;
        in.streams.push_back(g);
    }
    if (dst) {
        if (!write_row(*dst, vp, timing::vxm_result(sb_.vxm(), t), out.group))
            return false;
        in.streams.push_back(out.group);
    } else {
        in.chain_out = true;
    }
    out.alu = place_vxm(t, in, prev);
    return out.alu >= 0;
}

bool Lowering::vxm_chain(std::optional<StreamId> x, const RowRef* x_row, uint64_t c0, const std::vector<ChainOp>& ops,
                         uint32_t row, unsigned block, const RowRef& dst)
{
    const unsigned vp = sb_.vxm_position();
    StepOut step;
    for (size_t i = 0; i < ops.size(); ++i) {
        const uint64_t t = timing::vxm_result(sb_.vxm(), c0, static_cast<unsigned>(i));  // the i-th ALU of the chain
        std::optional<StreamId> first;
        if (i == 0) {
            StreamId g;
            if (x)
                g = *x;
            else if (!read_row(*x_row, vp, t, g))
                return false;
            first = g;
        }
        if (!chain_step(ops[i], t, first, step.alu, block, row, i + 1 == ops.size() ? &dst : nullptr, step))
            return false;
    }
    return true;
}

int Lowering::place_vxm(uint64_t cycle, Instr& in, int avoid)
{
    for (unsigned a = 0; a < sb_.icu().vxm_queues; ++a)
        if (static_cast<int>(a) != avoid && sb_.queue_free(sb_.vxm_queue(a), cycle)) {
            sb_.place(sb_.vxm_queue(a), cycle, in);
            return static_cast<int>(a);
        }
    return -1;
}

std::optional<StreamId> Lowering::vxm_local_streams(unsigned width, uint64_t cycle, StreamDir prefer)
{
    const unsigned vp = sb_.vxm_position();
    const auto g = sb_.find_streams(width, vp, vp, cycle, prefer);
    if (g)
        for (unsigned k = 0; k < width; ++k)
            sb_.book_stream(StreamId{g->dir, g->index + k}, vp, vp, cycle);
    return g;
}

std::vector<ChainOp> Lowering::operands_apart(const Placement& X, std::vector<ChainOp> ops, const WorkloadLayer& l)
{
    // Both operands of the first operation land in one cycle; from one slice they cannot (one
    // read per slice per cycle), so then x first passes an identity max one cycle earlier.
    if (ops.empty() || !ops[0].other)
        return ops;
    std::vector<unsigned> x_slices, other_slices;
    slices_of(X, x_slices);
    slices_of(*ops[0].other, other_slices);
    bool shared = false;
    for (unsigned sl : x_slices)
        shared = shared || std::find(other_slices.begin(), other_slices.end(), sl) != other_slices.end();
    if (shared) {
        ChainOp pass;
        pass.alu = VxmAluOp::make_binary(VxmBinaryOp::Max, vxm_type(X.t->type, l));
        pass.square = true;
        ops.insert(ops.begin(), pass);
    }
    return ops;
}

}  // namespace lpu::lowering
