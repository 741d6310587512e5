#include "StreamFile.h"

#include "common/Error.h"

#include <algorithm>
#include <sstream>

namespace lpu {

std::string StreamId::text() const
{
    return "s" + std::to_string(index) + (dir == StreamDir::East ? "e" : "w");
}

StreamFile::StreamFile(unsigned east_streams, unsigned west_streams, unsigned positions, AgentDescriber describe)
    : east_(east_streams),
      west_(west_streams),
      positions_(positions),
      describe_(std::move(describe)),
      streams_(east_streams + west_streams)
{
    retired_.occupied.assign(streams_.size(), 0);
}

std::string StreamFile::describe(AgentId who) const { return describe_ ? describe_(who) : "#" + std::to_string(who); }

void StreamFile::check(StreamId s, unsigned position) const
{
    if (s.index >= streams(s.dir))
        throw InputError("stream " + s.text() + " does not exist (" + std::to_string(streams(s.dir)) + " " +
                         (s.dir == StreamDir::East ? "east" : "west") + "bound streams)");
    if (position >= positions_)
        throw InputError("stream position " + std::to_string(position) + " outside the floorplan (" +
                         std::to_string(positions_) + " positions)");
}

std::map<int64_t, StreamFile::Diagonal>& StreamFile::diagonals(StreamId s)
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
    Diagonal& d = diagonals(s)[diagonal_key(s, position, cycle)];
    // Upstream-to-downstream order: ascending positions eastbound, descending westbound.
    const bool east = s.dir == StreamDir::East;
    auto it = std::find_if(d.begin(), d.end(), [&](const Entry& e) {
        return east ? e.position >= position : e.position <= position;
    });
    if (it != d.end() && it->position == position) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": two producers drive stream " << s.text() << " at position "
           << position << " in one cycle: " << describe(it->who) << " and " << describe(who);
        throw ScheduleError(os.str());
    }
    if (it != d.begin())  // a value from upstream is passing here: it ends at this position
        ++retired_.overwritten;
    d.insert(it, Entry{position, cycle, std::move(value), who, 0});
    ++retired_.writes;
}

const VectorRef& StreamFile::read(StreamId s, unsigned position, uint64_t cycle, AgentId who)
{
    check(s, position);
    auto& diag = diagonals(s);
    auto found = diag.find(diagonal_key(s, position, cycle));
    const bool east = s.dir == StreamDir::East;
    Entry* nearest = nullptr;
    if (found != diag.end()) {
        for (Entry& e : found->second)  // the last upstream producer wins
            if (east ? e.position <= position : e.position >= position)
                nearest = &e;
    }
    if (!nearest) {
        std::ostringstream os;
        os << "schedule error at cycle " << cycle << ": " << describe(who) << " reads stream " << s.text() << " at position "
           << position << " but no value is there (nothing was written upstream on it in cycle " << cycle
           << " - hops)";
        throw ScheduleError(os.str());
    }
    ++nearest->reads;
    ++retired_.reads;
    return nearest->value;
}

uint64_t StreamFile::span(StreamDir dir, const Diagonal& d, size_t i) const
{
    // From the producer to the next producer downstream, or to the chip's edge.
    const unsigned from = d[i].position;
    if (dir == StreamDir::East)
        return (i + 1 < d.size() ? d[i + 1].position : positions_) - from;
    return from + 1 - (i + 1 < d.size() ? d[i + 1].position + 1 : 0);
}

void StreamFile::account(StreamId s, const Diagonal& d, StreamStats& into) const
{
    const size_t slot = s.dir == StreamDir::East ? s.index : east_ + s.index;
    for (size_t i = 0; i < d.size(); ++i) {
        into.occupied[slot] += span(s.dir, d, i);
        into.never_read += d[i].reads == 0;
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
        auto& diag = streams_[slot];
        auto end = diag.upper_bound(last_key);
        for (auto it = diag.begin(); it != end; ++it)
            account(s, it->second, retired_);
        diag.erase(diag.begin(), end);
    }
}

StreamStats StreamFile::stats() const
{
    StreamStats st = retired_;
    for (size_t slot = 0; slot < streams_.size(); ++slot) {
        const StreamId s{slot < east_ ? StreamDir::East : StreamDir::West,
                         static_cast<unsigned>(slot < east_ ? slot : slot - east_)};
        for (const auto& kv : streams_[slot])
            account(s, kv.second, st);
    }
    return st;
}

size_t StreamFile::live_values() const
{
    size_t n = 0;
    for (const auto& diag : streams_)
        for (const auto& kv : diag)
            n += kv.second.size();
    return n;
}

}  // namespace lpu
