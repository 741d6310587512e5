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
    const uint32_t v = first_.get(index(slot, diagonal));
    if (v == 0)
        return true;
    if (overlap(lo, hi, (v & 0xffff) - 1, ((v >> 16) & 0x7fff) - 1))
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
    uint32_t& v = first_.at(index(slot, diagonal));
    if (v == 0) {
        v = pack(lo, hi);
        return;
    }
    extra_[key(slot, diagonal)].emplace_back(lo, hi);
    v |= kMore;
}

void StreamTable::remove(unsigned slot, uint64_t diagonal, unsigned lo, unsigned hi)
{
    uint32_t& v = first_.at(index(slot, diagonal));
    if (!(v & kMore)) {
        v = 0;  // the only stretch
        return;
    }
    const auto it = extra_.find(key(slot, diagonal));
    std::vector<Stretch>& more = it->second;
    if ((v & ~kMore) == pack(lo, hi)) {
        v = pack(more.back().first, more.back().second) | kMore;  // another one takes its place
        more.pop_back();
    } else {
        more.erase(std::find(more.begin(), more.end(), Stretch{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)}));
    }
    if (more.empty()) {
        extra_.erase(it);
        v &= ~kMore;
    }
}

}  // namespace lpu
