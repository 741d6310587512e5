#include "StreamFile.h"

#include "models/common/Error.h"

#include <algorithm>
#include <iterator>
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

StreamFile::Values& StreamFile::values(StreamId s)
{
    return streams_[s.dir == StreamDir::East ? s.index : east_ + s.index];
}

int64_t StreamFile::diagonal_key(StreamId s, unsigned position, uint64_t cycle) const
{
    // Eastbound values keep cycle - position constant, westbound ones cycle + position.
    const auto c = static_cast<int64_t>(cycle);
    return s.dir == StreamDir::East ? c - position : c + position;
}

void StreamFile::write(StreamId s, unsigned position, uint64_t cycle, VectorRef value, AgentId who)
{
    check(s, position);
    Values& all = values(s);
    const int64_t k = diagonal_key(s, position, cycle);
    auto [it, inserted] = all.try_emplace(Key{k, position}, Entry{cycle, std::move(value), who, 0});
    if (!inserted) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": two producers drive stream " << s.text() << " at position "
           << position << " in one cycle: " << describe(it->second.who) << " and " << describe(who);
        throw ScheduleError(os.str());
    }
    // A value from upstream passing here ends at this position (east: a smaller position on the
    // diagonal, which sorts just before; west: a larger one, just after).
    if (s.dir == StreamDir::East) {
        if (it != all.begin() && std::prev(it)->first.first == k)
            ++retired_.overwritten;
    } else if (std::next(it) != all.end() && std::next(it)->first.first == k) {
        ++retired_.overwritten;
    }
    ++retired_.writes;
}

const VectorRef& StreamFile::read(StreamId s, unsigned position, uint64_t cycle, AgentId who)
{
    check(s, position);
    Values& all = values(s);
    const int64_t k = diagonal_key(s, position, cycle);
    Values::iterator nearest = all.end();
    if (s.dir == StreamDir::East) {  // the last producer at or west of `position`
        auto it = all.upper_bound(Key{k, position});
        if (it != all.begin() && std::prev(it)->first.first == k)
            nearest = std::prev(it);
    } else {  // the last producer at or east of `position`
        auto it = all.lower_bound(Key{k, position});
        if (it != all.end() && it->first.first == k)
            nearest = it;
    }
    if (nearest == all.end()) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": " << describe(who) << " reads stream " << s.text()
           << " at position " << position << " but no value is there (nothing was written upstream on it in cycle "
           << cycle << " - hops)";
        throw ScheduleError(os.str());
    }
    ++nearest->second.reads;
    ++retired_.reads;
    return nearest->second.value;
}

uint64_t StreamFile::span(StreamDir dir, Values::const_iterator it, const Values& all) const
{
    const int64_t k = it->first.first;
    const unsigned from = it->first.second;
    if (dir == StreamDir::East) {
        auto next = std::next(it);
        return (next != all.end() && next->first.first == k ? next->first.second : positions_) - from;
    }
    const bool has_next = it != all.begin() && std::prev(it)->first.first == k;
    return from + 1 - (has_next ? std::prev(it)->first.second + 1 : 0);
}

void StreamFile::account(StreamId s, Values::const_iterator from, Values::const_iterator to, const Values& all,
                         StreamStats& into) const
{
    const size_t slot = s.dir == StreamDir::East ? s.index : east_ + s.index;
    for (auto it = from; it != to; ++it) {
        into.occupied[slot] += span(s.dir, it, all);
        into.never_read += it->second.reads == 0;
    }
}

void StreamFile::retire_before(uint64_t cycle)
{
    const auto now = static_cast<int64_t>(cycle);
    for (size_t slot = 0; slot < streams_.size(); ++slot) {
        const StreamId s{slot < east_ ? StreamDir::East : StreamDir::West,
                         static_cast<unsigned>(slot < east_ ? slot : slot - east_)};
        // A diagonal is gone once its value would be past the chip's far edge: eastbound at
        // position P-1 in cycle key + P - 1, westbound at position 0 in cycle key.
        const int64_t last_key = s.dir == StreamDir::East ? now - static_cast<int64_t>(positions_) : now - 1;
        Values& all = streams_[slot];
        auto end = all.lower_bound(Key{last_key + 1, 0});
        account(s, all.begin(), end, all, retired_);
        all.erase(all.begin(), end);
    }
}

StreamStats StreamFile::stats() const
{
    StreamStats st = retired_;
    for (size_t slot = 0; slot < streams_.size(); ++slot) {
        const StreamId s{slot < east_ ? StreamDir::East : StreamDir::West,
                         static_cast<unsigned>(slot < east_ ? slot : slot - east_)};
        account(s, streams_[slot].begin(), streams_[slot].end(), streams_[slot], st);
    }
    return st;
}

size_t StreamFile::live_values() const
{
    size_t n = 0;
    for (const auto& all : streams_)
        n += all.size();
    return n;
}

}  // namespace lpu
