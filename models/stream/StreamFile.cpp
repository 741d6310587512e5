#include "StreamFile.h"

#include "models/common/Error.h"

#include <algorithm>
#include <sstream>

namespace lpu {

StreamFile::StreamFile(unsigned east_streams, unsigned west_streams, unsigned positions, AgentDescriber describe)
    : east_(east_streams), west_(west_streams), positions_(positions), describe_(std::move(describe)),
      streams_(east_streams + west_streams)
{
    retired_.occupied.assign(streams_.size(), 0);
}

std::string StreamFile::describe(AgentId who) const
{
    return describe_ ? describe_(who) : "#" + std::to_string(who.index);
}

void StreamFile::check(StreamId s, unsigned position) const
{
    if (s.index >= streams(s.dir))
        throw InputError("stream " + s.text() + " does not exist (" + std::to_string(streams(s.dir)) + " " +
                         (s.dir == StreamDir::East ? "east" : "west") + "bound streams)");
    if (position >= positions_)
        throw InputError("stream position " + std::to_string(position) + " outside the floorplan (" +
                         std::to_string(positions_) + " positions)");
}

namespace {

// The smallest power of two >= n (a ring's size, so that a diagonal's slot is a mask).
size_t ring_size(uint64_t n)
{
    size_t size = 1;
    while (size < n)
        size <<= 1;
    return size;
}

}  // namespace

void StreamFile::Diagonal::insert(size_t i, Entry e)
{
    if (n_ > 0 && !more_)
        more_ = std::make_unique<std::vector<Entry>>();
    if (n_ > 0 && i == 0) {
        more_->insert(more_->begin(), std::move(first_));
        first_ = std::move(e);
    } else if (i == 0) {
        first_ = std::move(e);
    } else {
        more_->insert(more_->begin() + static_cast<std::ptrdiff_t>(i - 1), std::move(e));
    }
    ++n_;
}

void StreamFile::Diagonal::clear()
{
    first_.value.reset();  // the vector goes back to its pool now
    if (n_ > 1)
        more_->clear();
    n_ = 0;
}

StreamFile::Ring& StreamFile::ring(StreamId s) { return streams_[slot_of(s)]; }

int64_t StreamFile::diagonal_key(StreamId s, unsigned position, uint64_t cycle) const
{
    // Eastbound values keep cycle - position constant, westbound ones cycle + position.
    const auto c = static_cast<int64_t>(cycle);
    return s.dir == StreamDir::East ? c - position : c + position;
}

void StreamFile::rebuild(Ring& r, int64_t base, size_t size)
{
    std::vector<Diagonal> slots(size);
    const size_t old = r.slots.size();
    for (size_t i = 0; i < old; ++i) {
        const int64_t k = r.base + static_cast<int64_t>(i);
        Diagonal& d = r.slots[static_cast<size_t>(k) & (old - 1)];
        if (!d.empty())
            slots[static_cast<size_t>(k) & (size - 1)] = std::move(d);
    }
    r.slots = std::move(slots);
    r.base = base;
}

StreamFile::Diagonal& StreamFile::diagonal(Ring& r, int64_t k)
{
    // Values written in one cycle lie on diagonals up to a chip's width below and above the
    // first: a new or moved window leaves that much room under it.
    const int64_t room = positions_;
    if (r.slots.empty())
        rebuild(r, k - room, ring_size(std::max<size_t>(64, 4 * size_t{positions_})));
    if (r.live == 0)
        r.base = k - room;  // every slot is empty: the window may start anywhere
    const int64_t lo = k < r.base ? k - room : r.base;
    const auto need = static_cast<uint64_t>(std::max(r.base + static_cast<int64_t>(r.slots.size()) - 1, k) - lo) + 1;
    if (lo != r.base || need > r.slots.size())
        rebuild(r, lo, ring_size(std::max<uint64_t>(need, r.slots.size())));
    return r.slots[static_cast<size_t>(k) & (r.slots.size() - 1)];
}

void StreamFile::write(StreamId s, unsigned position, uint64_t cycle, VectorRef value, AgentId who)
{
    check(s, position);
    Ring& r = ring(s);
    const int64_t k = diagonal_key(s, position, cycle);
    Diagonal& d = diagonal(r, k);
    // A producer that drives every cycle writes the next diagonal next: ask for its slot now.
    __builtin_prefetch(&r.slots[static_cast<size_t>(k + 1) & (r.slots.size() - 1)], 1);
    size_t i = 0;
    while (i < d.size() && d[i].position < position)
        ++i;
    if (i < d.size() && d[i].position == position) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": two producers drive stream " << s.text() << " at position "
           << position << " in one cycle: " << describe(d[i].who) << " and " << describe(who);
        throw ScheduleError(ScheduleRule::StreamTwoProducers, os.str());
    }
    // A value from upstream passing here ends at this position (east: a smaller position on the
    // diagonal; west: a larger one).
    if (s.dir == StreamDir::East ? i > 0 : i < d.size())
        ++retired_.overwritten;
    d.insert(i, Entry{position, false, std::move(value), who});
    ++r.live;
    ++retired_.writes;
}

const StreamFile::Entry* StreamFile::nearest(StreamId s, unsigned position, uint64_t cycle) const
{
    const Ring& r = streams_[slot_of(s)];
    const int64_t k = diagonal_key(s, position, cycle);
    if (r.live == 0 || k < r.base || k - r.base >= static_cast<int64_t>(r.slots.size()))
        return nullptr;
    const Diagonal& d = r.slots[static_cast<size_t>(k) & (r.slots.size() - 1)];
    if (s.dir == StreamDir::East) {  // the last producer at or west of `position`
        for (size_t i = d.size(); i-- > 0;)
            if (d[i].position <= position)
                return &d[i];
    } else {  // the first producer at or east of `position`
        for (size_t i = 0; i < d.size(); ++i)
            if (d[i].position >= position)
                return &d[i];
    }
    return nullptr;
}

const VectorRef& StreamFile::read(StreamId s, unsigned position, uint64_t cycle, AgentId who)
{
    check(s, position);
    const Entry* found = nearest(s, position, cycle);
    if (!found) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": " << describe(who) << " reads stream " << s.text()
           << " at position " << position << " but no value is there (nothing was written upstream on it in cycle "
           << cycle << " - hops)";
        throw ScheduleError(ScheduleRule::StreamNothingToRead, os.str());
    }
    found->read = true;
    ++retired_.reads;
    return found->value;
}

const Vector* StreamFile::peek(StreamId s, unsigned position, uint64_t cycle) const
{
    if (s.index >= streams(s.dir) || position >= positions_)
        return nullptr;
    const Entry* e = nearest(s, position, cycle);
    return e ? e->value.get() : nullptr;
}

uint64_t StreamFile::span(StreamDir dir, const Diagonal& d, size_t i) const
{
    const unsigned from = d[i].position;
    if (dir == StreamDir::East)
        return (i + 1 < d.size() ? d[i + 1].position : positions_) - from;
    return from + 1 - (i > 0 ? d[i - 1].position + 1 : 0);
}

void StreamFile::account(StreamDir dir, size_t slot, const Diagonal& d, StreamStats& into) const
{
    for (size_t i = 0; i < d.size(); ++i) {
        into.occupied[slot] += span(dir, d, i);
        into.never_read += !d[i].read;
    }
}

void StreamFile::retire_before(uint64_t cycle)
{
    const auto now = static_cast<int64_t>(cycle);
    for (size_t slot = 0; slot < streams_.size(); ++slot) {
        Ring& r = streams_[slot];
        if (r.live == 0)
            continue;
        const StreamDir dir = slot < east_ ? StreamDir::East : StreamDir::West;
        // A diagonal is gone once its value would be past the chip's far edge: eastbound at
        // position P-1 in cycle key + P - 1, westbound at position 0 in cycle key.
        const int64_t last_key = dir == StreamDir::East ? now - static_cast<int64_t>(positions_) : now - 1;
        const int64_t end = std::min(last_key + 1, r.base + static_cast<int64_t>(r.slots.size()));
        for (int64_t k = r.base; k < end; ++k) {
            Diagonal& d = r.slots[static_cast<size_t>(k) & (r.slots.size() - 1)];
            account(dir, slot, d, retired_);
            r.live -= d.size();
            d.clear();
        }
        r.base = std::max(r.base, last_key + 1);
    }
}

StreamStats StreamFile::stats() const
{
    StreamStats st = retired_;
    for (size_t slot = 0; slot < streams_.size(); ++slot)
        for (const Diagonal& d : streams_[slot].slots)
            account(slot < east_ ? StreamDir::East : StreamDir::West, slot, d, st);
    return st;
}

size_t StreamFile::live_values() const
{
    size_t n = 0;
    for (const Ring& r : streams_)
        n += r.live;
    return n;
}

}  // namespace lpu
