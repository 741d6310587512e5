#include "ScheduleBuilder.h"

#include "models/common/Error.h"
#include "models/spec/Timing.h"

#include <algorithm>
#include <climits>
#include <ostream>
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
    st_.booked.resize(qs.size());
    st_.booked_count.assign(qs.size(), 0);
    st_.busy.resize(qs.size());
    last_form_.assign(qs.size(), InstrForms::kNone);
    st_.streams = StreamTable(streamp_.east + streamp_.west, map_.positions());
    st_.banks.resize(memp_.slices);
    st_.last_read.resize(memp_.slices);
    st_.last_write.resize(memp_.slices);
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

bool ScheduleBuilder::queue_free(size_t q, uint64_t cycle) const
{
    return (st_.busy.at(q).get(cycle / 64) >> (cycle % 64) & 1) == 0;
}

void ScheduleBuilder::place(size_t q, uint64_t cycle, const Instr& in)
{
    if (!queue_free(q, cycle))
        throw std::logic_error("two instructions booked on " + map_.queues()[q].name + " in cycle " +
                               std::to_string(cycle));
    // The address or row operands the compiler books fit 32 bits; anything else is a bug here.
    if (in.a < INT32_MIN || in.a > INT32_MAX)
        throw std::logic_error("operand " + std::to_string(in.a) + " of a booked instruction out of range");
    if (cycle > UINT32_MAX)
        throw InputError("the schedule runs past cycle " + std::to_string(UINT32_MAX) +
                         ", more than the compiler books (4.8 s at 900 MHz)");
    last_form_[q] = forms_.intern(in, owner_, last_form_[q]);
    st_.booked[q].at(st_.booked_count[q]++) =
        Booked{static_cast<uint32_t>(cycle), static_cast<int32_t>(in.a), last_form_[q]};
    st_.busy[q].at(cycle / 64) |= uint64_t{1} << (cycle % 64);
    ++st_.instructions;
    st_.undo.emplace_back(Undo::Place, static_cast<uint32_t>(q), cycle, 0);
    note(cycle);
}

uint64_t ScheduleBuilder::diagonal(StreamId s, unsigned position, uint64_t cycle) const
{
    // The same numbering as models/stream/StreamFile (constant along a value's travel), shifted
    // by the number of positions so that an eastbound diagonal is never negative.
    return s.dir == StreamDir::East ? cycle + map_.positions() - position : cycle + position;
}

bool ScheduleBuilder::stream_free(StreamId s, unsigned from, unsigned to, uint64_t cycle) const
{
    return st_.streams.free(static_cast<unsigned>(stream_slot(s)), diagonal(s, from, cycle), std::min(from, to),
                            std::max(from, to));
}

void ScheduleBuilder::book_stream(StreamId s, unsigned from, unsigned to, uint64_t cycle)
{
    if (!stream_free(s, from, to, cycle))
        throw std::logic_error("stream " + s.text() + " booked twice");
    const uint64_t d = diagonal(s, from, cycle);
    const unsigned lo = std::min(from, to), hi = std::max(from, to), slot = static_cast<unsigned>(stream_slot(s));
    st_.streams.add(slot, d, lo, hi);
    st_.undo.emplace_back(Undo::Stream, slot, d, lo + (int64_t{hi} << 16));
    note(cycle);  // the chip visits the cycle a value lands
}

std::optional<StreamId> ScheduleBuilder::find_streams(unsigned width, unsigned from, unsigned to, uint64_t cycle,
                                                      StreamDir local) const
{
    // A value read where it is driven (from == to) may use either direction: `local` first.
    const StreamDir other = local == StreamDir::East ? StreamDir::West : StreamDir::East;
    for (const StreamDir dir : {from == to ? local : direction(from, to), other}) {
        const unsigned count = dir == StreamDir::East ? streamp_.east : streamp_.west;
        // The lowest `width` free streams in a row: one look at each stream.
        for (unsigned s = 0, run = 0; s < count; ++s) {
            run = stream_free(StreamId{dir, s}, from, to, cycle) ? run + 1 : 0;
            if (run == width)
                return StreamId{dir, s + 1 - width};
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
    const BankUse u = st_.banks.at(slice).get(cycle);
    return u.read == 0 && !clash(int{u.write} - 1, word);
}

bool ScheduleBuilder::mem_write_ok(unsigned slice, uint32_t word, uint64_t cycle) const
{
    const BankUse u = st_.banks.at(slice).get(timing::bank_cycle(memp_, cycle, true));
    return u.write == 0 && !clash(int{u.read} - 1, word);
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

uint64_t& ScheduleBuilder::last_entry(std::vector<PagedTable<uint64_t>>& table, unsigned slice, uint32_t word)
{
    return table.at(slice).at(word);
}

void ScheduleBuilder::book_mem_read(unsigned slice, uint32_t word, uint64_t cycle)
{
    if (memp_.bank_of(word) >= 0xff)
        throw std::logic_error("bank of word " + std::to_string(word) + " out of range");
    BankUse& u = st_.banks.at(slice).at(cycle);
    st_.undo.emplace_back(Undo::Bank, slice, cycle, u.read + (int64_t{u.write} << 8));
    u.read = static_cast<uint8_t>(memp_.bank_of(word) + 1);
    uint64_t& last = last_entry(st_.last_read, slice, word);
    st_.undo.emplace_back(Undo::LastRead, slice, word, static_cast<int64_t>(last));
    last = std::max(last, cycle + 1);
}

std::optional<uint64_t> ScheduleBuilder::last_read(unsigned slice, uint32_t word) const
{
    const uint64_t v = st_.last_read.at(slice).get(word);
    return v ? std::optional<uint64_t>(v - 1) : std::nullopt;
}

std::optional<uint64_t> ScheduleBuilder::last_write(unsigned slice, uint32_t word) const
{
    const uint64_t v = st_.last_write.at(slice).get(word);
    return v ? std::optional<uint64_t>(v - 1) : std::nullopt;
}

void ScheduleBuilder::book_mem_write(unsigned slice, uint32_t word, uint64_t cycle)
{
    if (memp_.bank_of(word) >= 0xff)
        throw std::logic_error("bank of word " + std::to_string(word) + " out of range");
    const uint64_t bank_cycle = timing::bank_cycle(memp_, cycle, true);
    BankUse& u = st_.banks.at(slice).at(bank_cycle);
    st_.undo.emplace_back(Undo::Bank, slice, bank_cycle, u.read + (int64_t{u.write} << 8));
    u.write = static_cast<uint8_t>(memp_.bank_of(word) + 1);
    uint64_t& last = last_entry(st_.last_write, slice, word);
    st_.undo.emplace_back(Undo::LastWrite, slice, word, static_cast<int64_t>(last));
    last = cycle + 1;
    note(timing::write_commits(memp_, cycle));  // the chip visits the commit
}

void ScheduleBuilder::rollback(size_t mark)
{
    while (st_.undo.size() > mark) {
        const Undo u = st_.undo.back();
        st_.undo.pop_back();
        switch (u.kind) {
        case Undo::Place:
            // Undone in reverse order: the queue's last booking is this one.
            --st_.booked_count[u.index];
            st_.busy[u.index].at(u.cycle / 64) &= ~(uint64_t{1} << (u.cycle % 64));
            --st_.instructions;
            break;
        case Undo::Stream:
            st_.streams.remove(u.index, u.cycle, static_cast<unsigned>(u.extra & 0xffff),
                               static_cast<unsigned>(u.extra >> 16));
            break;
        case Undo::Bank: {
            BankUse& b = st_.banks[u.index].at(u.cycle);
            b.read = static_cast<uint8_t>(u.extra & 0xff);
            b.write = static_cast<uint8_t>(u.extra >> 8);
            break;
        }
        case Undo::LastRead:
        case Undo::LastWrite:
            last_entry(u.kind == Undo::LastRead ? st_.last_read : st_.last_write, u.index,
                       static_cast<uint32_t>(u.cycle)) = static_cast<uint64_t>(u.extra);
            break;
        case Undo::End: st_.end = u.cycle; break;
        }
    }
}

namespace {

// Repeat's step applies to these operands (docs/isa.md 3.2).
bool steps(Opcode op) { return op == Opcode::Read || op == Opcode::Write || op == Opcode::LW; }

}  // namespace

Instr ScheduleBuilder::instr(const Booked& b) const
{
    Instr in = forms_.instr(b.form);
    in.a = b.a;
    return in;
}

bool ScheduleBuilder::same_but_step(const Booked& a, const Booked& b, int64_t k) const
{
    const Instr& form = forms_.instr(a.form);
    if (k != 0 && !steps(form.op))
        return false;
    if (a.form == b.form && int64_t{a.a} + k == b.a)
        return true;  // the same instruction, stepped
    // Else as text, as the assembler reads it (forms of two owners, operands not printed).
    Instr moved = instr(a);
    moved.a += k;
    return moved.disasm() == instr(b).disasm();
}

std::map<int, ScheduleBuilder::Span> ScheduleBuilder::spans() const
{
    std::map<int, Span> out;
    for (size_t q = 0; q < st_.booked.size(); ++q) {
        int owner = 0;
        Span* s = nullptr;  // the owner's: consecutive bookings mostly share one
        for (size_t i = 0; i < st_.booked_count[q]; ++i) {
            const Booked b = st_.booked[q].get(i);
            if (!s || forms_.owner(b.form) != owner) {
                owner = forms_.owner(b.form);
                s = &out[owner];
            }
            s->first = std::min<uint64_t>(s->first, b.cycle);
            s->last = std::max<uint64_t>(s->last, b.cycle);
            ++s->instructions;
        }
    }
    return out;
}

void ScheduleBuilder::sorted(size_t q, std::vector<Booked>& v, std::vector<uint32_t>& before) const
{
    // A queue issues at most once per cycle and `busy` marks its cycles, so an instruction's place
    // in cycle order is the number of busy cycles before it: no comparison sort. The buffers are
    // the caller's, reused from queue to queue (fresh ones cost a page fault per 4 KiB).
    const PagedTable<uint64_t>& busy = st_.busy[q];
    before.resize(busy.extent() + 1);
    before[0] = 0;
    for (uint64_t w = 0; w < busy.extent(); ++w)
        before[w + 1] = before[w] + static_cast<uint32_t>(__builtin_popcountll(busy.get(w)));
    v.resize(st_.booked_count[q]);
    for (size_t i = 0; i < v.size(); ++i) {
        const Booked b = st_.booked[q].get(i);
        const uint64_t w = b.cycle / 64, below = (uint64_t{1} << (b.cycle % 64)) - 1;
        v[before[w] + static_cast<uint32_t>(__builtin_popcountll(busy.get(w) & below))] = b;
    }
}

void ScheduleBuilder::write_queue(std::ostream& os, size_t q, std::vector<Booked>& v,
                                  std::vector<uint32_t>& before) const
{
    constexpr int64_t kMaxStep = int64_t{1} << 20;
    sorted(q, v, before);
    os << ".queue " << map_.queues()[q].name << "\n";
    uint64_t next = 0;  // the cycle the queue would issue its next instruction
    for (size_t i = 0; i < v.size();) {
        if (v[i].cycle > next)
            os << "    NOP " << v[i].cycle - next << "\n";
        os << "    " << instr(v[i]).disasm() << "\n";
        // Fold the longest run at one spacing and step into a Repeat.
        size_t j = i + 1;
        if (j < v.size()) {
            const uint64_t d = v[j].cycle - v[i].cycle;
            const int64_t k = int64_t{v[j].a} - v[i].a;
            if (d <= static_cast<uint64_t>(kMaxStep) && k >= -kMaxStep && k <= kMaxStep) {
                while (j < v.size() && v[j].cycle - v[j - 1].cycle == d &&
                       same_but_step(v[i], v[j], k * static_cast<int64_t>(j - i)))
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
        next = v[j - 1].cycle + 1;
        i = j;
    }
}

void ScheduleBuilder::write_assembly(std::ostream& os, const std::string& header) const
{
    os << header;
    std::vector<Booked> v;
    std::vector<uint32_t> before;
    for (size_t q = 0; q < st_.booked.size(); ++q)
        if (st_.booked_count[q])
            write_queue(os, q, v, before);
}

std::string ScheduleBuilder::assembly(const std::string& header) const
{
    std::ostringstream os;
    write_assembly(os, header);
    return os.str();
}

}  // namespace lpu
