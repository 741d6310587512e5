#include "VxmExecutor.h"

#include "models/common/BytePlanes.h"

#include "models/spec/Timing.h"
#include "models/vxm/VxmAlu.h"

#include <memory>

namespace lpu {

VxmExecutor::VxmExecutor(const VxmSliceParams& params, unsigned alus) : p_(params), outputs_(alus) {}

void VxmExecutor::operand(const Issue& is, ExecContext& ctx, unsigned i, size_t& next_stream,
                          std::vector<uint32_t>& words)
{
    const Instr& in = *is.in;
    const int src = in.chain_src[i];
    if (src >= 0) {
        auto& out = outputs_.at(static_cast<size_t>(src));
        while (!out.empty() && out.front().cycle < is.cycle)
            out.pop_front();
        if (out.empty() || out.front().cycle != is.cycle)
            ctx.fail(is, ScheduleRule::VxmChainEmpty,
                     "ALU " + std::to_string(src) + " has no result in this cycle" +
                         (out.empty() ? std::string()
                                      : " (its next one, from " + ctx.describe(out.front().who) +
                                            ", is there in cycle " + std::to_string(out.front().cycle) + ")"));
        words = out.front().lanes;
        return;
    }
    const StreamId s = in.streams.at(next_stream++);
    const uint8_t* planes[4];  // a lane is at most 32 bits
    const unsigned count = vxm_type_bits(in.alu.type) / 8;
    for (unsigned k = 0; k < count; ++k)
        planes[k] = ctx.read(is, StreamId{s.dir, s.index + k})->data();
    words.resize(ctx.lanes);
    gather_planes(words.data(), planes, count, ctx.lanes);
}

void VxmExecutor::execute(const Issue& is, ExecContext& ctx)
{
    const Instr& in = *is.in;
    const VxmAluOp& alu = in.alu;
    const unsigned lanes = ctx.lanes;
    size_t next_stream = 0;
    operand(is, ctx, 0, next_stream, x_);
    if (alu.operands() == 2)
        operand(is, ctx, 1, next_stream, y_);
    z_.resize(lanes);
    vxm_apply(alu, x_.data(), alu.operands() == 2 ? y_.data() : nullptr, z_.data(), lanes);
    const uint64_t done = timing::vxm_result(p_, is.cycle);
    if (in.chain_out) {
        outputs_.at(is.slice->unit).push_back(AluResult{done, is.who, z_});
    } else {
        const StreamId dst = in.streams.back();
        for (unsigned k = 0; k < vxm_type_bits(alu.result_type()) / 8; ++k) {
            auto plane = make_vector_for_overwrite(lanes);
            scatter_plane(plane->data(), z_.data(), k, lanes);
            ctx.drive(is, StreamId{dst.dir, dst.index + k}, done, std::move(plane));
        }
    }
    ctx.stats.vxm_lane_ops += lanes;
}

}  // namespace lpu
