#include "MemAllocator.h"

#include "models/common/Error.h"

#include <algorithm>

namespace lpu {

MemAllocator::MemAllocator(const MemParams& params) : p_(params), next_(params.slices, 0) {}

MemBlock MemAllocator::allocate(uint32_t rows, unsigned planes, const std::string& what,
                                const std::vector<unsigned>& avoid, int side)
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
    if (!found)
        throw InputError(what + " does not fit in MEM: no " + std::to_string(planes) + " neighbouring slices with " +
                         std::to_string(rows) + " free words left (" + std::to_string(words_used()) + " of " +
                         std::to_string(uint64_t{words} * p_.slices) + " words used)");
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
        throw InputError(what + " does not fit in MEM: no " + std::to_string(count) +
                         " slices of one hemisphere with " + std::to_string(rows) + " free words at one address");
    std::vector<MemBlock> blocks;
    for (unsigned s : slices) {
        next_[s] = addr + rows;
        blocks.push_back(MemBlock{s, addr});
    }
    return blocks;
}

uint64_t MemAllocator::words_used() const
{
    uint64_t n = 0;
    for (uint32_t w : next_)
        n += w;
    return n;
}

}  // namespace lpu
