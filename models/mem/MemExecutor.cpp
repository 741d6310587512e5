#include "MemExecutor.h"

#include "models/spec/Timing.h"
#include <memory>

namespace lpu {

MemExecutor::MemExecutor(const MemParams& params, MemSystem& mem, AgentDescriber describe)
    : p_(params), mem_(mem), ports_(params, std::move(describe))
{
    if (const SramFaultParams* f = mem.faults())
        faults_ = std::make_unique<SramFaultModel>(params, *f, mem.fault_chip());
}

void MemExecutor::checked(const Issue& is, ExecContext& ctx, const std::string& uncorrectable) const
{
    if (!uncorrectable.empty() && faults_->policy() == ErrorPolicy::fail)
        ctx.fail(is, ScheduleRule::MemEccUncorrectable, uncorrectable);
}

void MemExecutor::execute(const Issue& is, ExecContext& ctx)
{
    const Instr& in = *is.in;
    const unsigned slice = is.slice->unit, lanes = ctx.lanes;
    const uint64_t t = is.cycle;
    switch (in.op) {
    case Opcode::Read: {
        const auto word = static_cast<uint32_t>(ctx.operand(is, in.a, p_.words_per_slice(), "address"));
        ports_.read(t, slice, word, is.who);
        auto data = make_vector_for_overwrite(lanes);
        mem_.slice(slice).read(word, data->data());
        // The slice's next read is mostly the next word (a Repeat stepping by one, a tensor's
        // rows), many instructions from now: time enough to bring it into the cache.
        mem_.slice(slice).prefetch(word + 1);
        if (faults_)
            checked(is, ctx, faults_->read(t, slice, word, data->data()));
        ctx.stats.sram_bytes_read += lanes;
        ctx.drive(is, in.streams[0], timing::read_drives(p_, t), std::move(data));
        break;
    }
    case Opcode::Write: {
        const auto word = static_cast<uint32_t>(ctx.operand(is, in.a, p_.words_per_slice(), "address"));
        const VectorRef data = ctx.read(is, in.streams[0]);
        ports_.write(t, slice, word, is.who);
        mem_.slice(slice).prefetch(word);  // committed write_latency cycles on
        ctx.stats.sram_bytes_written += lanes;
        writes_.add(timing::write_commits(p_, t), PendingWrite{slice, word, data, {}});
        break;
    }
    case Opcode::Gather: {
        const VectorRef map = ctx.read(is, in.streams[0]);
        const std::vector<uint32_t> tiles = decode_tile_map(p_, map->data());
        ports_.access(t, slice, MemPort::Read, tiles.data(), tiles.size(), is.who);
        auto data = make_vector_for_overwrite(lanes);
        mem_.slice(slice).gather(tiles.data(), data->data());
        if (faults_)
            checked(is, ctx, faults_->gather(t, slice, tiles.data(), data->data()));
        ctx.stats.sram_bytes_read += lanes;
        ctx.drive(is, in.streams[1], timing::read_drives(p_, t), std::move(data));
        break;
    }
    case Opcode::Scatter: {
        const VectorRef data = ctx.read(is, in.streams[0]);
        const VectorRef map = ctx.read(is, in.streams[1]);
        std::vector<uint32_t> tiles = decode_tile_map(p_, map->data());
        ports_.access(t, slice, MemPort::Write, tiles.data(), tiles.size(), is.who);
        ctx.stats.sram_bytes_written += lanes;
        writes_.add(timing::write_commits(p_, t), PendingWrite{slice, 0, data, std::move(tiles)});
        break;
    }
    default: ctx.fail(is, ScheduleRule::WrongSlice, "not a MEM instruction");
    }
}

void MemExecutor::advance(uint64_t cycle)
{
    // A write committed in cycle t is visible to Reads of cycle t (docs/isa.md 2.2).
    if (writes_.next() != cycle)
        return;
    for (const PendingWrite& w : writes_.take(cycle)) {
        // A write replaces its words' stored bits, upsets included (SramFaultModel).
        if (w.tiles.empty()) {
            mem_.slice(w.slice).write(w.word, w.value->data());
            if (faults_)
                faults_->write(cycle, w.slice, w.word);
        } else {
            mem_.slice(w.slice).scatter(w.tiles.data(), w.value->data());
            if (faults_)
                faults_->scatter(cycle, w.slice, w.tiles.data());
        }
    }
}

void MemExecutor::finish(uint64_t, RunStats& stats)
{
    if (faults_)
        stats.sram_faults = faults_->counters();
}

}  // namespace lpu
