#include "VxmExecutor.h"

#include "models/spec/Timing.h"
#include "models/vxm/VxmAlu.h"

#include <memory>

namespace lpu {

namespace {

// Byte plane k of 32-bit lanes and back (byte k of lane l on stream s + k). Free functions with
// restrict pointers and a local count, so the compiler vectorises them.
void pack_plane(uint32_t* __restrict words, const uint8_t* __restrict bytes, unsigned n, unsigned shift)
{
    for (unsigned l = 0; l < n; ++l)
        words[l] |= uint32_t{bytes[l]} << shift;
}

void unpack_plane(uint8_t* __restrict bytes, const uint32_t* __restrict words, unsigned n, unsigned shift)
{
    for (unsigned l = 0; l < n; ++l)
        bytes[l] = static_cast<uint8_t>(words[l] >> shift);
}

}  // namespace

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
    words.assign(ctx.lanes, 0);
    for (unsigned k = 0; k < vxm_type_bits(in.alu.type) / 8; ++k) {
        const Vector& v = *ctx.read(is, StreamId{s.dir, s.index + k});
        pack_plane(words.data(), v.data(), ctx.lanes, 8 * k);
    }
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
            auto plane = make_vector(lanes);
            unpack_plane(plane->data(), z_.data(), lanes, 8 * k);
            ctx.drive(is, StreamId{dst.dir, dst.index + k}, done, std::move(plane));
        }
    }
    ctx.stats.vxm_lane_ops += lanes;
}

}  // namespace lpu
