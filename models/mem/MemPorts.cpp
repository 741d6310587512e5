#include "MemPorts.h"

#include "models/common/Error.h"

#include <algorithm>
#include <sstream>

namespace lpu {

MemPortChecker::MemPortChecker(const MemParams& params, AgentDescriber describe)
    : p_(params), describe_(std::move(describe)), slices_(params.slices)
{
    const uint64_t span = std::max(bank_cycle(0, MemPort::Read), bank_cycle(0, MemPort::Write));
    while (ring_size_ <= span)
        ring_size_ <<= 1;
}

void MemPortChecker::fail(uint64_t cycle, unsigned slice, ScheduleRule rule, const std::string& what) const
{
    std::ostringstream os;
    os << "schedule error at cycle " << cycle << " in MEM slice " << slice << " (" << p_.slice_name(slice)
       << "): " << what;
    throw ScheduleError(rule, os.str());
}

std::string MemPortChecker::describe(const Access& a, MemPort port, uint64_t bank_cycle, int tile) const
{
    std::ostringstream os;
    os << "'" << text(a) << "'";
    if (a.issue != bank_cycle)
        os << " (issued at cycle " << a.issue << ", write latency " << p_.write_latency << ")";
    os << (port == MemPort::Read ? " reads" : " writes");
    if (!a.per_tile() || tile >= 0) {
        const uint32_t w = a.word(static_cast<size_t>(std::max(tile, 0)));
        os << " word " << w << " (bank " << p_.bank_of(w) << ")";
        if (tile >= 0)
            os << " in tile " << tile;
    } else {
        os << " words";
        for (size_t t = 0; t < a.tiles.size(); ++t)
            os << (t ? ", " : " [") << a.word(t);
        os << "] (one per tile)";
    }
    return os.str();
}

void MemPortChecker::access(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count,
                            TextFn text_fn)
{
    Access mine;
    mine.text = std::move(text_fn);
    record(cycle, slice, port, tile_words, count, std::move(mine));
}

void MemPortChecker::access(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count,
                            AgentId who)
{
    Access mine;
    mine.who = who;
    record(cycle, slice, port, tile_words, count, std::move(mine));
}

void MemPortChecker::record(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count,
                            Access mine)
{
    auto text = [&] { return this->text(mine); };
    if (slice >= p_.slices)
        throw InputError("MEM: '" + text() + "': slice " + std::to_string(slice) + " out of range (" +
                         std::to_string(p_.slices) + " slices)");
    if (count != 1 && count != p_.superlanes)
        throw InputError("MEM: '" + text() + "': " + std::to_string(count) +
                         " word addresses (expected 1 or one per tile: " + std::to_string(p_.superlanes) + ")");
    for (size_t t = 0; t < count; ++t) {
        if (tile_words[t] >= p_.words_per_slice())
            throw InputError("MEM: '" + text() + "': word address " + std::to_string(tile_words[t]) +
                             (count > 1 ? " in tile " + std::to_string(t) : std::string()) + " out of range (" +
                             std::to_string(p_.words_per_slice()) + " words per slice)");
    }

    SliceState& s = slices_[slice];
    if (s.started && cycle < s.last_issue)
        fail(cycle, slice, ScheduleRule::MemIssueOrder,
             "'" + text() + "' issued after an access issued at cycle " + std::to_string(s.last_issue) +
                 " (issue cycles on a slice must not decrease)");

    mine.used = true;
    mine.issue = cycle;
    if (count == 1)
        mine.single = tile_words[0];
    else
        mine.tiles.assign(tile_words, tile_words + count);
    const uint64_t when = bank_cycle(cycle, port);
    const auto p = static_cast<size_t>(port);

    // Only bank cycles >= `cycle` can meet this access or any later one (later accesses are
    // issued no earlier, and a bank cycle is never before its issue): a slot holding another
    // cycle is free.
    if (s.ring.empty())
        s.ring.resize(ring_size_);
    CycleUse* it = &s.ring[when & (ring_size_ - 1)];
    if (it->cycle == when) {
        const Access& same = it->port[p];
        if (same.used)
            fail(when, slice, port == MemPort::Read ? ScheduleRule::MemReadPort : ScheduleRule::MemWritePort,
                 describe(same, port, when, -1) + " and " + describe(mine, port, when, -1) +
                     (port == MemPort::Read ? " in the same cycle: a slice has one read port"
                                            : " in the same cycle: a slice has one write port"));
        const MemPort other_port = port == MemPort::Read ? MemPort::Write : MemPort::Read;
        const Access& other = it->port[static_cast<size_t>(other_port)];
        if (other.used) {
            const bool per_tile = mine.per_tile() || other.per_tile();
            const size_t tiles = per_tile ? p_.superlanes : 1;
            for (size_t t = 0; t < tiles; ++t) {
                const uint32_t a = mine.word(t), b = other.word(t);
                if (!timing::banks_clash(p_, a, b))
                    continue;
                const int tile = per_tile ? static_cast<int>(t) : -1;
                // Name the read first, as the rule does.
                const Access& rd = port == MemPort::Read ? mine : other;
                const Access& wr = port == MemPort::Read ? other : mine;
                fail(when, slice, ScheduleRule::MemBankConflict,
                     describe(rd, MemPort::Read, when, tile) + " and " + describe(wr, MemPort::Write, when, tile) +
                         " in the same cycle: a read and a write in one cycle must use different banks");
            }
        }
    } else {
        it->cycle = when;
        it->port[0].used = it->port[1].used = false;
    }
    it->port[p] = std::move(mine);
    s.started = true;
    s.last_issue = cycle;
}

}  // namespace lpu
