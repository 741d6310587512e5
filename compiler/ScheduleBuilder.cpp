#include "ScheduleBuilder.h"

#include "models/spec/Timing.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace lpu {

ScheduleBuilder::ScheduleBuilder(const ChipSpec& spec)
    : spec_(spec), chip_(spec.chip), mxm_(spec.mxm), memp_(spec.mem), streamp_(spec.stream), vxmp_(spec.vxm),
      icu_(spec.icu), map_(spec)
{
    const auto& qs = map_.queues();
    mem_queue_.assign(memp_.slices, 0);
    for (size_t q = 0; q < qs.size(); ++q) {
        if (qs[q].kind == QueueKind::MEM)
            mem_queue_.at(qs[q].unit) = q;
        if (qs[q].kind == QueueKind::VXM) {
            vxm_queue_.push_back(q);
            vxm_position_ = qs[q].position;
        }
    }
    placed_.resize(qs.size());
    stream_use_.resize(streamp_.east + streamp_.west);
    bank_use_.resize(memp_.slices);
}

size_t ScheduleBuilder::queue(const std::string& name) const
{
    const int q = map_.find(name);
    if (q < 0)
        throw std::logic_error("no queue " + name);
    return static_cast<size_t>(q);
}

size_t ScheduleBuilder::mxm_queue(unsigned plane, QueueKind kind) const
{
    const auto& qs = map_.queues();
    for (size_t q = 0; q < qs.size(); ++q)
        if (qs[q].kind == kind && qs[q].unit == plane)
            return q;
    throw std::logic_error("no MXM plane " + std::to_string(plane));
}

bool ScheduleBuilder::queue_free(size_t q, uint64_t cycle) const { return placed_.at(q).count(cycle) == 0; }

void ScheduleBuilder::place(size_t q, uint64_t cycle, const Instr& in)
{
    if (!placed_.at(q).emplace(cycle, Placed{in, owner_}).second)
        throw std::logic_error("two instructions booked on " + map_.queues()[q].name + " in cycle " +
                               std::to_string(cycle));
    ++instructions_;
    undo_.push_back(Undo{Undo::Place, q, cycle, 0});
    note(cycle);
}

int64_t ScheduleBuilder::diagonal(StreamId s, unsigned position, uint64_t cycle) const
{
    // The same numbering as models/stream/StreamFile: constant along a value's travel.
    return s.dir == StreamDir::East ? static_cast<int64_t>(cycle) - position : static_cast<int64_t>(cycle) + position;
}

bool ScheduleBuilder::stream_free(StreamId s, unsigned from, unsigned to, uint64_t cycle) const
{
    const auto& use = stream_use_.at(stream_slot(s));
    const auto it = use.find(diagonal(s, from, cycle));
    if (it == use.end())
        return true;
    const unsigned lo = std::min(from, to), hi = std::max(from, to);
    for (const auto& [a, b] : it->second)
        if (a <= hi && lo <= b)
            return false;
    return true;
}

void ScheduleBuilder::book_stream(StreamId s, unsigned from, unsigned to, uint64_t cycle)
{
    if (!stream_free(s, from, to, cycle))
        throw std::logic_error("stream " + s.text() + " booked twice");
    const int64_t d = diagonal(s, from, cycle);
    stream_use_.at(stream_slot(s))[d].emplace_back(std::min(from, to), std::max(from, to));
    undo_.push_back(Undo{Undo::Stream, stream_slot(s), static_cast<uint64_t>(d), 0});
    note(cycle);  // the chip visits the cycle a value lands
}

std::optional<StreamId> ScheduleBuilder::find_streams(unsigned width, unsigned from, unsigned to, uint64_t cycle,
                                                      StreamDir local) const
{
    // A value read where it is driven (from == to) may use either direction: `local` first.
    const StreamDir other = local == StreamDir::East ? StreamDir::West : StreamDir::East;
    for (const StreamDir dir : {from == to ? local : direction(from, to), other}) {
        const unsigned count = dir == StreamDir::East ? streamp_.east : streamp_.west;
        for (unsigned first = 0; first + width <= count; ++first) {
            bool ok = true;
            for (unsigned k = 0; k < width && ok; ++k)
                ok = stream_free(StreamId{dir, first + k}, from, to, cycle);
            if (ok)
                return StreamId{dir, first};
        }
        if (from != to)
            break;
    }
    return std::nullopt;
}

// Whether a booked access of bank `bank` (-1: none) clashes with one of `word`.
bool ScheduleBuilder::clash(int bank, uint32_t word) const
{
    return bank >= 0 && timing::banks_clash(memp_, word, static_cast<uint32_t>(bank) * memp_.words_per_bank);
}

bool ScheduleBuilder::mem_read_ok(unsigned slice, uint32_t word, uint64_t cycle) const
{
    const auto& use = bank_use_.at(slice);
    const auto it = use.find(cycle);
    return it == use.end() || (it->second.read < 0 && !clash(it->second.write, word));
}

bool ScheduleBuilder::mem_write_ok(unsigned slice, uint32_t word, uint64_t cycle) const
{
    const auto& use = bank_use_.at(slice);
    const auto it = use.find(timing::bank_cycle(memp_, cycle, true));
    return it == use.end() || (it->second.write < 0 && !clash(it->second.read, word));
}

bool ScheduleBuilder::can_read(unsigned slice, uint32_t word, uint64_t cycle) const
{
    const auto w = last_write(slice, word);
    return !(w && cycle < timing::write_commits(memp_, *w)) && queue_free(mem_queue(slice), cycle) &&
           mem_read_ok(slice, word, cycle);
}

bool ScheduleBuilder::can_write(unsigned slice, uint32_t word, uint64_t cycle) const
{
    const auto r = last_read(slice, word), w = last_write(slice, word);
    return !(r && cycle < *r) && !(w && cycle <= *w) && queue_free(mem_queue(slice), cycle) &&
           mem_write_ok(slice, word, cycle);
}

void ScheduleBuilder::book_mem_read(unsigned slice, uint32_t word, uint64_t cycle)
{
    BankUse& u = bank_use_.at(slice)[cycle];
    undo_.push_back(Undo{Undo::Bank, slice, cycle, (u.read + 1) * 256 + (u.write + 1)});
    u.read = static_cast<int>(memp_.bank_of(word));
    const auto it = last_read_.find({slice, word});
    undo_.push_back(Undo{Undo::LastRead, slice, word, it == last_read_.end() ? -1 : static_cast<int64_t>(it->second)});
    uint64_t& last = last_read_[{slice, word}];
    last = std::max(last, cycle);
}

std::optional<uint64_t> ScheduleBuilder::last_read(unsigned slice, uint32_t word) const
{
    const auto it = last_read_.find({slice, word});
    return it == last_read_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
}

std::optional<uint64_t> ScheduleBuilder::last_write(unsigned slice, uint32_t word) const
{
    const auto it = last_write_.find({slice, word});
    return it == last_write_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
}

void ScheduleBuilder::book_mem_write(unsigned slice, uint32_t word, uint64_t cycle)
{
    const uint64_t bank_cycle = timing::bank_cycle(memp_, cycle, true);
    BankUse& u = bank_use_.at(slice)[bank_cycle];
    undo_.push_back(Undo{Undo::Bank, slice, bank_cycle, (u.read + 1) * 256 + (u.write + 1)});
    u.write = static_cast<int>(memp_.bank_of(word));
    const auto it = last_write_.find({slice, word});
    undo_.push_back(
        Undo{Undo::LastWrite, slice, word, it == last_write_.end() ? -1 : static_cast<int64_t>(it->second)});
    last_write_[{slice, word}] = cycle;
    note(timing::write_commits(memp_, cycle));  // the chip visits the commit
}

void ScheduleBuilder::rollback(size_t mark)
{
    while (undo_.size() > mark) {
        const Undo u = undo_.back();
        undo_.pop_back();
        switch (u.kind) {
        case Undo::Place:
            placed_[u.index].erase(u.cycle);
            --instructions_;
            break;
        case Undo::Stream: {
            auto& use = stream_use_[u.index];
            const auto it = use.find(static_cast<int64_t>(u.cycle));
            it->second.pop_back();
            if (it->second.empty())
                use.erase(it);
            break;
        }
        case Undo::Bank: {
            auto& use = bank_use_[u.index];
            BankUse& b = use[u.cycle];
            b.read = static_cast<int>(u.extra / 256) - 1;
            b.write = static_cast<int>(u.extra % 256) - 1;
            if (b.read < 0 && b.write < 0)
                use.erase(u.cycle);
            break;
        }
        case Undo::LastRead:
        case Undo::LastWrite: {
            auto& m = u.kind == Undo::LastRead ? last_read_ : last_write_;
            const std::pair<unsigned, uint32_t> key{static_cast<unsigned>(u.index), static_cast<uint32_t>(u.cycle)};
            if (u.extra < 0)
                m.erase(key);
            else
                m[key] = static_cast<uint64_t>(u.extra);
            break;
        }
        case Undo::End: end_ = u.cycle; break;
        }
    }
}

namespace {

// Repeat's step applies to these operands (docs/isa.md 3.2).
bool steps(Opcode op) { return op == Opcode::Read || op == Opcode::Write || op == Opcode::LW; }

// `b` is `a` with its stepped operand advanced by `k`.
bool same_but_step(const Instr& a, const Instr& b, int64_t k)
{
    if (k != 0 && !steps(a.op))
        return false;
    Instr moved = a;
    moved.a += k;
    return moved.disasm() == b.disasm();
}

}  // namespace

std::map<int, ScheduleBuilder::Span> ScheduleBuilder::spans() const
{
    std::map<int, Span> out;
    for (const auto& list : placed_)
        for (const auto& [c, p] : list) {
            Span& s = out[p.owner];
            s.first = std::min(s.first, c);
            s.last = std::max(s.last, c);
            ++s.instructions;
        }
    return out;
}

std::string ScheduleBuilder::assembly(const std::string& header) const
{
    constexpr int64_t kMaxStep = int64_t{1} << 20;
    std::ostringstream os;
    os << header;
    const auto& qs = map_.queues();
    for (size_t q = 0; q < qs.size(); ++q) {
        const auto& list = placed_[q];
        if (list.empty())
            continue;
        os << ".queue " << qs[q].name << "\n";
        std::vector<std::pair<uint64_t, const Instr*>> v;
        for (const auto& [c, p] : list)
            v.emplace_back(c, &p.in);
        uint64_t next = 0;  // the cycle the queue would issue its next instruction
        for (size_t i = 0; i < v.size();) {
            if (v[i].first > next)
                os << "    NOP " << v[i].first - next << "\n";
            os << "    " << v[i].second->disasm() << "\n";
            // Fold the longest run at one spacing and step into a Repeat.
            size_t j = i + 1;
            if (j < v.size()) {
                const uint64_t d = v[j].first - v[i].first;
                const int64_t k = v[j].second->a - v[i].second->a;
                if (d <= static_cast<uint64_t>(kMaxStep) && k >= -kMaxStep && k <= kMaxStep) {
                    while (j < v.size() && v[j].first - v[j - 1].first == d &&
                           same_but_step(*v[i].second, *v[j].second, k * static_cast<int64_t>(j - i)))
                        ++j;
                }
                if (j - i >= 2) {
                    os << "    Repeat " << (j - i - 1) << ", " << d;
                    if (k)
                        os << ", " << k;
                    os << "\n";
                } else {
                    j = i + 1;
                }
            }
            next = v[j - 1].first + 1;
            i = j;
        }
    }
    return os.str();
}

}  // namespace lpu
