#include "ChipEngine.h"

#include "models/chip/Chip.h"
#include "models/chip/SliceKinds.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"

#include <algorithm>
#include <stdexcept>

namespace lpu {

namespace {

std::vector<ChipObserver*> present(const std::vector<ChipObserver*>& observers)
{
    std::vector<ChipObserver*> all;
    std::copy_if(observers.begin(), observers.end(), std::back_inserter(all), [](ChipObserver* o) { return o; });
    return all;
}

}  // namespace

ChipEngine::ChipEngine(Chip& chip, const Program& program, const std::vector<ChipObserver*>& observers,
                       MxmObserver* mxm_observer)
    : chip_(chip), program_(program), counter_(st_, chip.spec().icu.config_latency), observers_(present(observers)),
      streams_(chip.spec().stream.east, chip.spec().stream.west, chip.queues().positions(),
               [this](AgentId id) { return describe(id); }),
      ctx_(
          streams_, [this](AgentId id) { return describe(id); }, st_, chip.spec().mem.word_bytes(),
          observers_.empty() ? nullptr : &observers_)
{
    const auto& queues = chip.queues().queues();
    if (program.queues.size() != queues.size())
        throw std::logic_error("program was assembled for another config");
    chip.load_blocks(program);
    const ExecutorDeps deps{
        chip.spec(),          chip.mem(), mxm_observer, chip.c2c(), [this](AgentId id) { return describe(id); },
        chip.product_worker()};
    exec_of_queue_.assign(queues.size(), nullptr);
    for (const SliceKindEntry& kind : slice_kinds()) {
        executors_.push_back(kind.make(deps));
        for (size_t q = 0; q < queues.size(); ++q)
            if (std::find(kind.queues.begin(), kind.queues.end(), queues[q].kind) != kind.queues.end())
                exec_of_queue_[q] = executors_.back().get();
    }
    queues_.reserve(queues.size());
    for (size_t q = 0; q < queues.size(); ++q) {
        if (!exec_of_queue_[q])
            throw std::logic_error("no slice kind executes queue " + queues[q].name);
        queues_.emplace_back(q, queues[q], program.queues[q], chip.spec().icu, static_cast<IcuHost&>(*this));
        if (!queues_.back().done())
            live_.push_back(static_cast<uint32_t>(q));
    }
    counter_.begin(chip.queues(), program);
    observers_.begin(chip.queues(), program);
}

ChipEngine::~ChipEngine() = default;

uint64_t ChipEngine::next_event() const
{
    uint64_t t = ctx_.next_landing();
    for (const auto& e : executors_)
        t = std::min(t, e->next_event());
    for (uint32_t q : live_)
        if (queues_[q].active())
            t = std::min(t, queues_[q].next());
    return t;
}

void ChipEngine::advance_to(uint64_t cycle)
{
    if (broken_ || finished_)
        throw std::logic_error(broken_ ? "the chip's run stopped with an error" : "the chip's run has finished");
    try {
        for (uint64_t t = next_event(); t < cycle; t = next_event())
            visit(t);
    } catch (const std::exception& e) {
        failed(e);
    }
}

// Everything that happens in cycle t, in the order of docs/isa.md 2.2: the slices' own work
// (SRAM writes committing), then values landing on streams, then the queues' issues (which
// see both), then the queues a Notify released.
void ChipEngine::visit(uint64_t t)
{
    last_cycle_ = t;
    for (const auto& e : executors_)
        e->advance(t);
    ctx_.land(t);
    bool notify = false;
    for (uint32_t q : live_)
        if (queues_[q].active() && queues_[q].next() == t)
            notify |= queues_[q].step(t);
    if (notify)
        for (uint32_t q : live_)
            if (queues_[q].parked()) {
                queues_[q].release(t + chip_.spec().icu.notify_latency);
                observers_.on_release(q, queues_[q].next());
            }
    // A finished queue never runs again: keep only the others, in queue order.
    live_.erase(std::remove_if(live_.begin(), live_.end(), [this](uint32_t q) { return queues_[q].done(); }),
                live_.end());
    // Every visited cycle: the values still on the chip then stay in the host's caches.
    streams_.retire_before(t);
}

// The observers see where the run stopped (a waveform completes through that cycle); a
// schedule error names the chip it happened on.
void ChipEngine::failed(const std::exception& e)
{
    broken_ = true;
    if (const auto* s = dynamic_cast<const ScheduleError*>(&e)) {
        const std::string what = chip_.label() + ": " + e.what();
        observers_.on_error(last_cycle_, what);
        throw ScheduleError(s->rule(), what);
    }
    observers_.on_error(last_cycle_, e.what());
    throw;
}

RunStats ChipEngine::finish()
{
    advance_to(kNever);
    finished_ = true;
    const auto& queues = chip_.queues().queues();
    for (size_t q = 0; q < queues_.size(); ++q)
        if (const Instr* sync = queues_[q].parked_at())
            throw ScheduleError(ScheduleRule::IcuParked, chip_.label() + ": queue " + queues[q].name +
                                                             " is parked at a Sync (" + sync->pos.text() +
                                                             ") that no Notify releases");
    try {
        for (const auto& e : executors_)
            e->finish(last_cycle_, st_);
    } catch (const std::exception& e) {
        failed(e);
    }
    st_.cycles = last_cycle_ + 1;
    counter_.end(st_.cycles);
    observers_.end(st_.cycles);
    st_.streams = streams_.stats();
    return st_;
}

AgentId ChipEngine::agent(size_t q, uint32_t index, int64_t offset) const
{
    return AgentId{static_cast<uint16_t>(chip_.id()), static_cast<uint16_t>(q), index, offset};
}

// Slice, instruction as executed and source position: "MEM_E3: 'Write 0x0, s0e' (p.s:5:2)".
std::string ChipEngine::describe(const AgentId& id) const
{
    const Instr& in = (id.index & kFetchedIndex) ? fetched_store_.at(id.index & ~kFetchedIndex)
                                                 : program_.queues.at(id.queue).at(id.index);
    return chip_.queues().queues().at(id.queue).name + ": '" + in.executed(id.offset).disasm() + "' (" + in.pos.text() +
           ")";
}

void ChipEngine::execute(size_t q, const Instr& in, uint32_t index, uint64_t t, int64_t offset)
{
    const Issue is{q, &chip_.queues().queues()[q], &in, t, offset, agent(q, index, offset), seq_};
    exec_of_queue_[q]->execute(is, ctx_);
    ++seq_;
    counter_.on_issue(q, index, in, offset, t);
    observers_.on_issue(q, index, in, offset, t);
}

void ChipEngine::issued(size_t q, const Instr& in, uint32_t index, uint64_t t)
{
    if (is_counted_issue(in.op))
        ++seq_;
    counter_.on_issue(q, index, in, 0, t);
    observers_.on_issue(q, index, in, 0, t);
}

const HacClock& ChipEngine::hac() const { return chip_.hac(); }

const Vector& ChipEngine::fetch_read(size_t q, uint32_t index, StreamId s, uint64_t t)
{
    return *streams_.read(s, chip_.queues().queues()[q].position, t, agent(q, index, 0));
}

std::vector<QueuedInstr> ChipEngine::fetched(size_t q, uint32_t index, uint64_t start, const std::string& text)
{
    const auto& queues = chip_.queues().queues();
    Program p;
    try {
        p = assemble_for_queue(text, "fetched by " + queues[q].name + " at cycle " + std::to_string(start),
                               chip_.spec(), queues[q].name);
    } catch (const InputError& e) {
        fail(q, index, start, ScheduleRule::IcuFetchInvalid,
             "the fetched text is not a valid instruction block: " + std::string(e.what()));
    }
    if (!p.tensors.empty() || !p.blocks.empty())
        fail(q, index, start, ScheduleRule::IcuFetchInvalid,
             "the fetched text declares tensors or blocks; only instructions can be fetched");
    for (size_t o = 0; o < p.queues.size(); ++o)
        if (o != q && !p.queues[o].empty())
            fail(q, index, start, ScheduleRule::IcuFetchInvalid,
                 "the fetched text switches to queue " + queues[o].name);
    std::vector<QueuedInstr> block;
    for (Instr& f : p.queues[q]) {
        if (fetched_store_.size() >= kFetchedIndex)
            fail(q, index, start, ScheduleRule::IcuFetchLimit, "more than 8,388,608 fetched instructions in one run");
        fetched_store_.push_back(std::move(f));
        block.emplace_back(&fetched_store_.back(), kFetchedIndex | static_cast<uint32_t>(fetched_store_.size() - 1));
    }
    st_.fetched_instructions += block.size();
    return block;
}

void ChipEngine::fail(size_t q, uint32_t index, uint64_t t, ScheduleRule rule, const std::string& why)
{
    throw ScheduleError(rule, "cycle " + std::to_string(t) + ": " + describe(agent(q, index, 0)) + ": " + why);
}

}  // namespace lpu
