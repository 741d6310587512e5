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
    while ((1u << slot_bits_) < streams)
        ++slot_bits_;
}

bool StreamTable::free(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi) const
{
    const uint64_t v = first_.get(index(slot, diagonal));
    if (overlaps(half(v, 0), lo, hi) || overlaps(half(v, 1), lo, hi))
        return false;
    if (!(v & kMore))
        return true;
    for (const auto& [a, b] : extra_.at(key(slot, diagonal)))
        if (overlap(lo, hi, a, b))
            return false;
    return true;
}

void StreamTable::add(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi)
{
    uint64_t& v = first_.at(index(slot, diagonal));
    for (unsigned h = 0; h < 2; ++h)
        if (half(v, h) == 0) {
            v |= uint64_t{pack(lo, hi)} << (32 * h);
            return;
        }
    extra_[key(slot, diagonal)].emplace_back(lo, hi);
    v |= kMore;
}

void StreamTable::remove(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi)
{
    uint64_t& v = first_.at(index(slot, diagonal));
    const uint32_t s = pack(lo, hi);
    const auto it = (v & kMore) ? extra_.find(key(slot, diagonal)) : extra_.end();
    for (unsigned h = 0; h < 2; ++h)
        if (half(v, h) == s) {
            v &= ~(uint64_t{0x7fffffff} << (32 * h));
            if (it != extra_.end()) {  // another one takes its place
                v |= uint64_t{pack(it->second.back().first, it->second.back().second)} << (32 * h);
                it->second.pop_back();
            }
            break;
        }
    if (it == extra_.end())
        return;
    std::vector<Stretch>& more = it->second;
    const auto kept =
        std::find(more.begin(), more.end(), Stretch{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)});
    if (kept != more.end())  // not moved into its place above: it was one of these
        more.erase(kept);
    if (more.empty()) {
        extra_.erase(it);
        v &= ~kMore;
    }
}

}  // namespace lpu
