#include "MemAllocator.h"

#include "models/common/Error.h"

#include <algorithm>

namespace lpu {

MemAllocator::MemAllocator(const MemParams& params) : p_(params), next_(params.slices, 0), released_(params.slices) {}

MemBlock MemAllocator::allocate(uint32_t rows, unsigned planes, const std::string& what,
                                const std::vector<unsigned>& avoid, int side)
{
    return place(rows, planes, what, avoid, side, true);
}

MemBlock MemAllocator::allocate_fresh(uint32_t rows, unsigned planes, const std::string& what,
                                      const std::vector<unsigned>& avoid, int side)
{
    return place(rows, planes, what, avoid, side, false);
}

MemBlock MemAllocator::place(uint32_t rows, unsigned planes, const std::string& what,
                             const std::vector<unsigned>& avoid, int side, bool may_reuse)
{
    const unsigned half = p_.slices_per_hemisphere();
    const uint32_t words = p_.words_per_slice();
    bool found = false, best_off = false;
    unsigned best_shared = 0;
    MemBlock best;
    for (unsigned s = 0; s < p_.slices; ++s) {
        if (s % half + planes > half)
            continue;  // the byte planes would cross the hemisphere's end
        const uint32_t addr = *std::max_element(next_.begin() + s, next_.begin() + s + planes);
        if (uint64_t{addr} + rows > words)
            continue;
        unsigned shared = 0;
        for (unsigned k = 0; k < planes; ++k)
            shared += std::find(avoid.begin(), avoid.end(), s + k) != avoid.end() ? 1u : 0u;
        // Fewest slices in `avoid` first, then the preferred side, then the lowest address.
        const bool off_side = side >= 0 && side_of(s) != static_cast<unsigned>(side);
        if (!found || shared < best_shared || (shared == best_shared && off_side < best_off) ||
            (shared == best_shared && off_side == best_off && addr < best.addr)) {
            best = MemBlock{s, addr};
            found = true;
            best_shared = shared;
            best_off = off_side;
        }
    }
    if (!found) {
        if (const auto b = may_reuse ? allocate_released(rows, planes, avoid, side) : std::nullopt) {
            for (unsigned k = 0; k < planes; ++k)
                take(b->slice + k, b->addr, rows);
            return *b;
        }
        throw MemFullError(what + " does not fit in MEM: no " + std::to_string(planes) + " neighbouring slices with " +
                           std::to_string(rows) + " free words left (" + std::to_string(words_used()) + " of " +
                           std::to_string(uint64_t{words} * p_.slices) + " words used)");
    }
    for (unsigned k = 0; k < planes; ++k)
        next_[best.slice + k] = best.addr + rows;
    return best;
}

std::vector<MemBlock> MemAllocator::allocate_across(unsigned count, uint32_t rows, unsigned side,
                                                    const std::string& what, const std::vector<unsigned>& avoid)
{
    const unsigned half = p_.slices_per_hemisphere();
    if (count > half)
        throw InputError(what + " needs " + std::to_string(count) + " MEM slices in one hemisphere; this config has " +
                         std::to_string(half) + " (chip.mem.slices / 2)");
    std::vector<unsigned> slices;
    for (unsigned s = side * half; s < side * half + half; ++s)
        slices.push_back(s);
    auto avoided = [&](unsigned s) { return std::find(avoid.begin(), avoid.end(), s) != avoid.end(); };
    std::stable_sort(slices.begin(), slices.end(), [&](unsigned a, unsigned b) {
        return std::make_pair(avoided(a), next_[a]) < std::make_pair(avoided(b), next_[b]);
    });
    slices.resize(count);
    std::sort(slices.begin(), slices.end());
    uint32_t addr = 0;
    for (unsigned s : slices)
        addr = std::max(addr, next_[s]);
    const uint32_t bank = p_.words_per_bank;
    if (rows <= bank && addr / bank != (addr + rows - 1) / bank)
        addr = (addr / bank + 1) * bank;
    if (uint64_t{addr} + rows > p_.words_per_slice())
        throw MemFullError(what + " does not fit in MEM: no " + std::to_string(count) +
                           " slices of one hemisphere with " + std::to_string(rows) + " free words at one address");
    std::vector<MemBlock> blocks;
    for (unsigned s : slices) {
        next_[s] = addr + rows;
        blocks.push_back(MemBlock{s, addr});
    }
    return blocks;
}

std::vector<MemAllocator::Range> MemAllocator::free_ranges(unsigned s) const
{
    std::vector<Range> r = released_[s];
    if (next_[s] < p_.words_per_slice()) {
        if (!r.empty() && r.back().second == next_[s])
            r.back().second = p_.words_per_slice();
        else
            r.emplace_back(next_[s], p_.words_per_slice());
    }
    return r;
}

std::optional<MemBlock> MemAllocator::allocate_released(uint32_t rows, unsigned planes,
                                                        const std::vector<unsigned>& avoid, int side) const
{
    const unsigned half = p_.slices_per_hemisphere();
    std::optional<MemBlock> best;
    unsigned best_shared = 0;
    bool best_off = false;
    for (unsigned s = 0; s < p_.slices; ++s) {
        if (s % half + planes > half)
            continue;
        // Words free in every plane's slice: the intersection of their free ranges.
        std::vector<Range> common = free_ranges(s);
        for (unsigned k = 1; k < planes && !common.empty(); ++k) {
            std::vector<Range> next;
            const std::vector<Range> other = free_ranges(s + k);
            for (size_t i = 0, j = 0; i < common.size() && j < other.size();) {
                const uint32_t lo = std::max(common[i].first, other[j].first);
                const uint32_t hi = std::min(common[i].second, other[j].second);
                if (lo < hi)
                    next.emplace_back(lo, hi);
                (common[i].second < other[j].second ? i : j)++;
            }
            common = std::move(next);
        }
        const auto fit = std::find_if(common.begin(), common.end(),
                                      [&](const Range& r) { return uint64_t{r.second} - r.first >= rows; });
        if (fit == common.end())
            continue;
        unsigned shared = 0;
        for (unsigned k = 0; k < planes; ++k)
            shared += std::find(avoid.begin(), avoid.end(), s + k) != avoid.end() ? 1u : 0u;
        const bool off_side = side >= 0 && side_of(s) != static_cast<unsigned>(side);
        if (!best || shared < best_shared || (shared == best_shared && off_side < best_off) ||
            (shared == best_shared && off_side == best_off && fit->first < best->addr)) {
            best = MemBlock{s, fit->first};
            best_shared = shared;
            best_off = off_side;
        }
    }
    return best;
}

void MemAllocator::take(unsigned s, uint32_t addr, uint32_t rows)
{
    const uint32_t end = addr + rows;
    if (end > next_[s]) {  // fresh words: those skipped below addr become released ones
        if (addr > next_[s])
            released_[s].emplace_back(next_[s], addr);
        next_[s] = end;
    }
    std::vector<Range> kept;
    for (const Range& r : released_[s]) {
        if (r.second <= addr || r.first >= end) {
            kept.push_back(r);
            continue;
        }
        if (r.first < addr)
            kept.emplace_back(r.first, addr);
        if (r.second > end)
            kept.emplace_back(end, r.second);
    }
    released_[s] = std::move(kept);
}

void MemAllocator::release(const MemBlock& b, uint32_t rows, unsigned planes)
{
    for (unsigned k = 0; k < planes; ++k) {
        std::vector<Range>& r = released_.at(b.slice + k);
        // Words from next_ on are fresh already (a block given back after the allocator was put
        // back to a state before it): only those below are released.
        const uint32_t end = std::min(b.addr + rows, next_[b.slice + k]);
        if (b.addr >= end)
            continue;
        r.emplace_back(b.addr, end);
        std::sort(r.begin(), r.end());
        std::vector<Range> merged;
        for (const Range& x : r) {
            if (!merged.empty() && merged.back().second >= x.first)
                merged.back().second = std::max(merged.back().second, x.second);
            else
                merged.push_back(x);
        }
        r = std::move(merged);
    }
}

uint64_t MemAllocator::words_used() const
{
    uint64_t n = 0;
    for (uint32_t w : next_)
        n += w;
    return n;
}

}  // namespace lpu
