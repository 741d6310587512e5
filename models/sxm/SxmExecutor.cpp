#include "SxmExecutor.h"

#include "models/spec/Timing.h"
#include "models/sxm/SxmOps.h"

#include <memory>

namespace lpu {

SxmExecutor::SxmExecutor(const SxmSliceParams& params, unsigned lanes_per_superlane)
    : p_(params), group_(lanes_per_superlane)
{}

void SxmExecutor::execute(const Issue& is, ExecContext& ctx)
{
    const Instr& in = *is.in;
    const SxmOp& op = in.sxm;
    const bool transpose = op.kind == SxmOp::Kind::Transpose;
    const unsigned ni = op.inputs(group_), no = op.outputs(group_);
    // Operand i is stream i of the input group (transpose) or the i-th stream named.
    auto input = [&](unsigned i) {
        return transpose ? StreamId{in.streams[0].dir, in.streams[0].index + i} : in.streams[i];
    };
    auto output = [&](unsigned i) {
        return transpose ? StreamId{in.streams[1].dir, in.streams[1].index + i} : in.streams[ni + i];
    };
    held_.resize(ni);
    ins_.resize(ni);
    for (unsigned i = 0; i < ni; ++i) {
        held_[i] = ctx.read(is, input(i));
        ins_[i] = held_[i]->data();
    }
    std::vector<std::shared_ptr<Vector>> results(no);
    std::vector<uint8_t*> outs(no);
    for (unsigned i = 0; i < no; ++i) {
        results[i] = make_vector(ctx.lanes);
        outs[i] = results[i]->data();
    }
    sxm_apply(op, ins_.data(), outs.data(), ctx.lanes, group_);
    for (unsigned i = 0; i < no; ++i)
        ctx.drive(is, output(i), timing::sxm_result(p_, is.cycle), std::move(results[i]));
    held_.clear();  // release the stream values now, not at the next SXM instruction
}

}  // namespace lpu
