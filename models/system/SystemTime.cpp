#include "SystemTime.h"

#include "models/common/Error.h"
#include "models/common/Json.h"

#include <algorithm>
#include <deque>
#include <sstream>
#include <utility>

namespace lpu {

SystemTime::SystemTime(const SystemSpec& spec, std::vector<ChipClock> clocks, std::vector<uint64_t> latency_ps)
    : clocks_(std::move(clocks)), latency_ps_(std::move(latency_ps)), root_(spec.hac_root)
{
    const size_t n = spec.chips.size();
    epoch_ = spec.chip_spec(root_).icu.hac_epoch;
    const double mhz = spec.chip_spec(root_).chip.clock_mhz;
    for (unsigned k = 0; k < n; ++k) {
        const ChipSpec& cs = spec.chip_spec(k);
        if (cs.icu.hac_epoch != epoch_)
            throw InputError("chip " + spec.chips[k].name + " counts epochs of icu.hac_epoch " +
                             std::to_string(cs.icu.hac_epoch) + " cycles and the root chip " + spec.chips[root_].name +
                             " of " + std::to_string(epoch_) + ": aligned counters must count the same epochs");
        // The counter counts cycles: chips of another nominal clock would drift apart by a
        // whole epoch's difference every epoch, more than any alignment absorbs.
        if (cs.chip.clock_mhz != mhz)
            throw InputError("chip " + spec.chips[k].name + " runs at chip.clock_mhz " +
                             format_param_value(cs.chip.clock_mhz) + " and the root chip " + spec.chips[root_].name +
                             " at " + format_param_value(mhz) +
                             ": aligned counters count cycles, so the chips of a system share one nominal "
                             "clock (each may be off it by its ppm)");
    }
    for (const SystemLink& l : spec.links)
        link_chips_.emplace_back(l.a.chip, l.b.chip);
    build_tree(spec);
    // Alignment starts at the root's first epoch once every chip has powered up.
    uint64_t up_ps = 0;
    for (const ChipClock& c : clocks_)
        up_ps = std::max(up_ps, c.offset_ps);
    const uint64_t base = (clocks_[root_].first_cycle_at(up_ps) + epoch_ - 1) / epoch_;
    unsigned depth = 0;
    for (unsigned k : order_) {
        stats_[k].first_epoch = base + stats_[k].depth;
        depth = std::max(depth, stats_[k].depth);
        if (k != root_)
            measure(spec, k);
    }
    common_ = base + depth;
    const auto root_ps = static_cast<int64_t>(boundary_ps(root_, common_));
    for (unsigned k = 0; k < n; ++k)
        stats_[k].skew_ps = static_cast<int64_t>(boundary_ps(k, common_)) - root_ps;
    // Every link's latency as end a measures it at the common epoch (what a compiler schedules
    // with), the tree's and the others.
    for (size_t l = 0; l < link_chips_.size(); ++l) {
        const unsigned a = link_chips_[l].first;
        link_latency_.push_back((round_trip(l, a, boundary(a, common_)) + 1) / 2);
    }
}

// Breadth-first from the root, each chip's links in link order: the first link that reaches a
// chip is its link to its parent.
void SystemTime::build_tree(const SystemSpec& spec)
{
    const size_t n = spec.chips.size();
    std::vector<std::vector<unsigned>> links_of(n);
    for (unsigned l = 0; l < link_chips_.size(); ++l) {
        links_of[link_chips_[l].first].push_back(l);
        links_of[link_chips_[l].second].push_back(l);
    }
    stats_.assign(n, {});
    std::vector<bool> seen(n, false);
    std::deque<unsigned> next{root_};
    seen[root_] = true;
    stats_[root_].parent = root_;
    while (!next.empty()) {
        const unsigned c = next.front();
        next.pop_front();
        order_.push_back(c);
        for (unsigned l : links_of[c]) {
            const unsigned o = link_chips_[l].first == c ? link_chips_[l].second : link_chips_[l].first;
            if (seen[o])
                continue;
            seen[o] = true;
            stats_[o].parent = c;
            stats_[o].link = static_cast<int>(l);
            stats_[o].depth = stats_[c].depth + 1;
            next.push_back(o);
        }
    }
    if (order_.size() != n)
        throw InputError("system " + spec.name + ": not every chip is linked to the root chip " +
                         spec.chips[root_].name + ", so not every counter can be aligned");
}

// The first cycle of the far end of link `link` at or after a marker sent by `from` in its cycle
// `from_cycle` arrives.
uint64_t SystemTime::arrival(size_t link, unsigned from, uint64_t from_cycle) const
{
    const bool a = link_chips_[link].first == from;
    const unsigned to = a ? link_chips_[link].second : link_chips_[link].first;
    return clocks_[to].first_cycle_at(clocks_[from].start_ps(from_cycle) + latency_ps_[2 * link + (a ? 0 : 1)]);
}

// `from` sends its counter in its cycle `sent`, the far end echoes it the cycle it arrives:
// the cycles `from` counts until the echo is back.
uint64_t SystemTime::round_trip(size_t link, unsigned from, uint64_t sent) const
{
    const unsigned to = link_chips_[link].first == from ? link_chips_[link].second : link_chips_[link].first;
    return arrival(link, to, arrival(link, from, sent)) - sent;
}

// The parent sends at the start of its first aligned epoch and halves the round trip it counts
// (rounding half up), then reports it back, all before the chip's first aligned epoch begins.
void SystemTime::measure(const SystemSpec& spec, unsigned chip)
{
    ChipTimeStats& s = stats_[chip];
    const auto link = static_cast<size_t>(s.link);
    const uint64_t trip = round_trip(link, s.parent, boundary(s.parent, stats_[s.parent].first_epoch));
    s.measured_latency = (trip + 1) / 2;
    if (trip + s.measured_latency >= epoch_) {
        const SystemLink& l = spec.links[link];
        throw InputError(l.pos.text() + ": link " + std::to_string(link) + " (" + spec.chips[l.a.chip].name + " - " +
                         spec.chips[l.b.chip].name + "): the counter round trip takes " + std::to_string(trip) +
                         " cycles and the report back " + std::to_string(s.measured_latency) +
                         ", not less than an epoch of the hardware-aligned counter (icu.hac_epoch " +
                         std::to_string(epoch_) + ")");
    }
}

// The root's epochs are its own cycles. Another chip's epoch n begins one epoch after its
// parent's epoch n - 1 marker arrived, less the latency it measured: the counter read
// (n - 1) x epoch + measured latency when the marker arrived.
uint64_t SystemTime::boundary(unsigned chip, uint64_t n) const
{
    const ChipTimeStats& s = stats_[chip];
    if (n < s.first_epoch)
        throw std::logic_error("SystemTime::boundary: epoch " + std::to_string(n) + " is not aligned yet");
    if (chip == root_)
        return n * epoch_;
    const uint64_t marker = boundary(s.parent, n - 1);
    return arrival(static_cast<size_t>(s.link), s.parent, marker) + epoch_ - s.measured_latency;
}

// A program sees the counter from the common epoch on: the alignment is done on every chip.
HacClock SystemTime::hac(unsigned chip) const
{
    return HacClock(epoch_, common_, [this, chip](uint64_t n) { return boundary(chip, n); });
}

std::string SystemTime::json(const SystemSpec& spec) const
{
    std::ostringstream os;
    os << "{\"hac_epoch\": " << epoch_ << ", \"root\": \"" << json_escape(spec.chips[root_].name)
       << "\", \"common_epoch\": " << common_ << ", \"chips\": {";
    for (size_t k = 0; k < stats_.size(); ++k) {
        const ChipTimeStats& s = stats_[k];
        os << (k ? ",\n" : "\n") << "\"" << json_escape(spec.chips[k].name) << "\": {\"parent\": \""
           << json_escape(spec.chips[s.parent].name) << "\", \"link\": " << s.link << ", \"depth\": " << s.depth
           << ", \"measured_latency\": " << s.measured_latency << ", \"first_epoch\": " << s.first_epoch
           << ", \"skew_ps\": " << s.skew_ps << "}";
    }
    os << "},\n\"link_latency\": [";
    for (size_t l = 0; l < link_latency_.size(); ++l)
        os << (l ? ", " : "") << link_latency_[l];
    os << "]}";
    return os.str();
}

}  // namespace lpu
