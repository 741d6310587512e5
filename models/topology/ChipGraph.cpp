#include "ChipGraph.h"

#include <algorithm>

namespace lpu {

ChipGraph::ChipGraph(const SystemSpec& spec) : offset_(spec.chips.size() + 1, 0)
{
    for (const SystemLink& l : spec.links) {
        ++offset_[l.a.chip + 1];
        ++offset_[l.b.chip + 1];
    }
    for (size_t c = 0; c < spec.chips.size(); ++c)
        offset_[c + 1] += offset_[c];
    adj_.resize(offset_.back());
    std::vector<uint32_t> fill(offset_.begin(), offset_.end() - 1);
    for (const SystemLink& l : spec.links) {
        adj_[fill[l.a.chip]++] = l.b.chip;
        adj_[fill[l.b.chip]++] = l.a.chip;
    }
}

unsigned ChipGraph::degree(unsigned chip) const
{
    std::vector<uint32_t> n(begin(chip), end(chip));
    std::sort(n.begin(), n.end());
    return static_cast<unsigned>(std::unique(n.begin(), n.end()) - n.begin());
}

// Bit i of a chip's words says whether source `first + i` has reached it. Each level takes the
// union of the neighbours' frontier bits: one pass over the adjacency arrays advances 64 searches.
ChipGraph::Distances ChipGraph::distances() const
{
    const unsigned n = chips();
    Distances out;
    std::vector<uint64_t> seen(n), frontier(n), next(n);
    for (unsigned first = 0; first < n; first += 64) {
        const unsigned count = std::min(64u, n - first);
        std::fill(seen.begin(), seen.end(), 0);
        std::fill(frontier.begin(), frontier.end(), 0);
        for (unsigned i = 0; i < count; ++i)
            seen[first + i] = frontier[first + i] = uint64_t{1} << i;
        uint64_t reached = count;  // (source, chip) pairs found, the sources themselves included
        for (size_t d = 1;; ++d) {
            uint64_t found = 0;
            for (unsigned c = 0; c < n; ++c) {
                uint64_t bits = 0;
                for (const uint32_t* a = begin(c); a != end(c); ++a)
                    bits |= frontier[*a];
                next[c] = bits & ~seen[c];
                found += static_cast<uint64_t>(__builtin_popcountll(next[c]));
            }
            if (found == 0)
                break;
            if (out.pairs.size() <= d)
                out.pairs.resize(d + 1, 0);
            out.pairs[d] += found;
            reached += found;
            for (unsigned c = 0; c < n; ++c)
                seen[c] |= next[c];
            std::swap(frontier, next);
        }
        out.unreachable += uint64_t{count} * n - reached;
    }
    if (out.pairs.empty())
        out.pairs.resize(1, 0);
    return out;
}

}  // namespace lpu
