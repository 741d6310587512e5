#include "MxmExecutor.h"

#include "models/common/BytePlanes.h"

#include <algorithm>
#include <memory>

namespace lpu {

MxmExecutor::MxmExecutor(const MxmParams& params, MxmObserver* observer, AgentDescriber describe,
                         ProductWorker* products)
    : p_(params), observer_(observer), describe_(std::move(describe))
{
    for (unsigned p = 0; p < p_.planes; ++p) {
        planes_.push_back(std::make_unique<MxmCore>(p_));
        planes_.back()->set_worker(products);
        planes_.back()->count_wraps(observer_ != nullptr);
        // The cores name the instructions a rule error refers to (by MxmInstr::id, the run's
        // sequence number) as the chip does: queue, text, source line.
        planes_.back()->set_namer([this](uint64_t id) {
            const auto it = std::find_if(recent_.begin(), recent_.end(), [id](const auto& r) { return r.first == id; });
            return it == recent_.end() ? "#" + std::to_string(id) : describe_(it->second);
        });
    }
}

void MxmExecutor::execute(const Issue& is, ExecContext& ctx)
{
    recent_.emplace_back(is.seq, is.who);
    if (recent_.size() > kRecent)
        recent_.pop_front();
    const Instr& in = *is.in;
    const unsigned plane = is.slice->unit;
    MxmInstr mi;
    mi.id = is.seq;
    switch (in.op) {
    case Opcode::LW:
    case Opcode::ABC: {
        mi.op = in.op == Opcode::LW ? MxmOpcode::LW : MxmOpcode::ABC;
        mi.row = in.op == Opcode::LW ? static_cast<uint32_t>(ctx.operand(is, in.a, p_.rows, "row")) : 0;
        mi.type = in.b == 2 ? MxmType::F16 : in.b == 1 ? MxmType::I8 : MxmType::U8;
        const VectorRef low = ctx.read(is, in.streams[0]);
        const uint8_t* data = low->data();
        size_t len = low->size();
        if (mi.type == MxmType::F16) {
            // Byte k of lane l is on stream s + k; the core takes lane l's fp16 at bytes 2l, 2l+1.
            const VectorRef high = ctx.read(is, StreamId{in.streams[0].dir, in.streams[0].index + 1});
            f16_.resize(2 * len);
            for (size_t l = 0; l < len; ++l) {
                f16_[2 * l] = (*low)[l];
                f16_[2 * l + 1] = (*high)[l];
            }
            data = f16_.data();
            len = f16_.size();
        }
        if (mi.op == MxmOpcode::ABC && mi.type != MxmType::F16)
            offer_lookahead(is, ctx, *planes_[plane], len);
        MxmResult unused;
        planes_[plane]->issue(mi, is.cycle, data, len, unused);
        if (observer_)
            observer_->on_issue(plane, mi, is.cycle, data, len);
        break;
    }
    case Opcode::IW:
    case Opcode::ACC: {
        mi.op = in.op == Opcode::IW ? MxmOpcode::IW : MxmOpcode::ACC;
        mi.slot = static_cast<uint32_t>(in.a);
        mi.add = in.b != 0;
        mi.emit = in.c != 0;
        MxmResult& r = result_;  // a member: its values keep their buffer from ACC to ACC
        const bool emitted = planes_[plane]->issue(mi, is.cycle, nullptr, 0, r);
        if (observer_) {
            observer_->on_issue(plane, mi, is.cycle, nullptr, 0);
            if (mi.op == MxmOpcode::ACC)
                observer_->on_accumulate(plane, planes_[plane]->last_accumulate());
            if (emitted)
                observer_->on_result(plane, r);
        }
        if (!emitted)
            break;
        // An int32 result leaves as 4 byte planes on 4 consecutive streams.
        const auto* words = reinterpret_cast<const uint32_t*>(r.values.data());
        for (unsigned k = 0; k < 4; ++k) {
            auto bytes = make_vector_for_overwrite(ctx.lanes);
            scatter_plane(bytes->data(), words, k, ctx.lanes);
            ctx.drive(is, StreamId{in.streams[0].dir, in.streams[0].index + k}, r.first_cycle, std::move(bytes));
        }
        break;
    }
    default: ctx.fail(is, ScheduleRule::WrongSlice, "not an MXM instruction");
    }
}

void MxmExecutor::offer_lookahead(const Issue& is, ExecContext& ctx, MxmCore& core, size_t len)
{
    if (!core.wants_lookahead(is.cycle))
        return;
    // A plane's ABCs mostly come one per cycle from one stream (a Repeat), so the guess is the
    // value that stream brings in each next cycle, as far as it is already on its way.
    const uint8_t* next[MxmPackedWeights::kMaxBatch - 1];
    unsigned n = 0;
    for (; n < MxmPackedWeights::kMaxBatch - 1; ++n) {
        const Vector* v = ctx.peek(is, is.in->streams[0], is.cycle + 1 + n);
        if (!v || v->size() != len)
            break;
        next[n] = v->data();
    }
    core.lookahead(is.cycle, next, n);
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
    for (const auto& p : planes_) {
        stats.macs += p->stats().macs;
        stats.macs_fp16 += p->stats().macs_fp16;
    }
}

}  // namespace lpu
