#include "MemAllocator.h"

#include "common/Error.h"

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

uint64_t MemAllocator::words_used() const
{
    uint64_t n = 0;
    for (uint32_t w : next_)
        n += w;
    return n;
}

}  // namespace lpu
