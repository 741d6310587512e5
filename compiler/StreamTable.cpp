#include "StreamTable.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lpu {

StreamTable::StreamTable(unsigned streams, unsigned positions)
{
    if (positions >= 0x7fff || streams > 0xffff)
        throw std::logic_error("StreamTable: " + std::to_string(positions) + " positions, " + std::to_string(streams) +
                               " streams");
    half_bits_ = positions <= 127 ? 16 : 32;  // narrow: hi + 1 <= 127 in the high 7 bits of a 16-bit half
    while ((1u << slot_bits_) < streams)
        ++slot_bits_;
}

bool StreamTable::free(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi) const
{
    const uint64_t v = load(index(slot, diagonal));
    if (overlaps(half(v, 0), lo, hi) || overlaps(half(v, 1), lo, hi))
        return false;
    if (!(v & more()))
        return true;
    for (const auto& [a, b] : extra_.at(key(slot, diagonal)))
        if (overlap(lo, hi, a, b))
            return false;
    return true;
}

void StreamTable::add(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi)
{
    const uint64_t i = index(slot, diagonal);
    const uint64_t v = load(i);
    for (unsigned h = 0; h < 2; ++h)
        if (half(v, h) == 0) {
            store(i, v | pack(lo, hi) << (half_bits_ * h));
            return;
        }
    extra_[key(slot, diagonal)].emplace_back(lo, hi);
    store(i, v | more());
}

void StreamTable::remove(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi)
{
    const uint64_t i = index(slot, diagonal);
    uint64_t v = load(i);
    const uint64_t s = pack(lo, hi);
    const auto it = (v & more()) ? extra_.find(key(slot, diagonal)) : extra_.end();
    for (unsigned h = 0; h < 2; ++h)
        if (half(v, h) == s) {
            v &= ~(half_mask() << (half_bits_ * h));
            if (it != extra_.end()) {  // another one takes its place
                v |= pack(it->second.back().first, it->second.back().second) << (half_bits_ * h);
                it->second.pop_back();
            }
            break;
        }
    if (it == extra_.end()) {
        store(i, v);
        return;
    }
    std::vector<Stretch>& more_stretches = it->second;
    const auto kept = std::find(more_stretches.begin(), more_stretches.end(),
                                Stretch{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)});
    if (kept != more_stretches.end())  // not moved into its place above: it was one of these
        more_stretches.erase(kept);
    if (more_stretches.empty()) {
        extra_.erase(it);
        v &= ~more();
    }
    store(i, v);
}

}  // namespace lpu
