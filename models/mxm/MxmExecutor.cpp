#include "MxmExecutor.h"

#include <memory>

namespace lpu {

namespace {

// Byte plane k of 32-bit lanes (byte k of lane l goes to stream s + k). A free function with
// restrict pointers and a local count, so the compiler vectorises it.
void unpack_plane(uint8_t* __restrict bytes, const uint32_t* __restrict words, unsigned n, unsigned shift)
{
    for (unsigned l = 0; l < n; ++l)
        bytes[l] = static_cast<uint8_t>(words[l] >> shift);
}

}  // namespace

MxmExecutor::MxmExecutor(const MxmParams& params, MxmObserver* observer) : p_(params), observer_(observer)
{
    for (unsigned p = 0; p < p_.planes; ++p)
        planes_.push_back(std::make_unique<MxmCore>(p_));
}

void MxmExecutor::execute(const Issue& is, ExecContext& ctx)
{
    const Instr& in = *is.in;
    const unsigned plane = is.slice->unit;
    MxmInstr mi;
    mi.id = is.seq;
    switch (in.op) {
    case Opcode::LW:
    case Opcode::ABC: {
        const VectorRef data = ctx.read(is, in.streams[0]);
        mi.op = in.op == Opcode::LW ? MxmOpcode::LW : MxmOpcode::ABC;
        mi.row = in.op == Opcode::LW ? static_cast<uint32_t>(ctx.operand(is, in.a, p_.rows, "row")) : 0;
        mi.type = in.b != 0 ? MxmType::I8 : MxmType::U8;
        MxmResult unused;
        planes_[plane]->issue(mi, is.cycle, data->data(), data->size(), unused);
        if (observer_)
            observer_->on_issue(plane, mi, is.cycle, data->data(), data->size());
        break;
    }
    case Opcode::IW:
    case Opcode::ACC: {
        mi.op = in.op == Opcode::IW ? MxmOpcode::IW : MxmOpcode::ACC;
        mi.slot = static_cast<uint32_t>(in.a);
        mi.add = in.b != 0;
        mi.emit = in.c != 0;
        MxmResult r;
        const bool emitted = planes_[plane]->issue(mi, is.cycle, nullptr, 0, r);
        if (observer_) {
            observer_->on_issue(plane, mi, is.cycle, nullptr, 0);
            if (emitted)
                observer_->on_result(plane, r);
        }
        if (!emitted)
            break;
        // An int32 result leaves as 4 byte planes on 4 consecutive streams.
        const auto* words = reinterpret_cast<const uint32_t*>(r.values.data());
        for (unsigned k = 0; k < 4; ++k) {
            auto bytes = std::make_shared<Vector>(ctx.lanes);
            unpack_plane(bytes->data(), words, ctx.lanes, 8 * k);
            ctx.drive(is, StreamId{in.streams[0].dir, in.streams[0].index + k}, r.first_cycle, std::move(bytes));
        }
        break;
    }
    default: ctx.fail(is, "not an MXM instruction");
    }
}

void MxmExecutor::advance(uint64_t cycle)
{
    if (observer_)
        observer_->advance(cycle);
}

void MxmExecutor::finish(uint64_t last_cycle, RunStats& stats)
{
    if (observer_)
        observer_->finish(last_cycle);
    for (const auto& p : planes_)
        stats.macs += p->stats().macs;
}

}  // namespace lpu
