// A balanced cut of a system's chips in two halves (sizes differ by at most one) with few links
// across, found by Fiduccia-Mattheyses refinement: from a starting halving, each pass moves every
// chip once, the best-gain chip of the larger half first, and keeps the best balanced cut seen;
// passes repeat until one finds nothing better. A minimum bisection is NP-hard in general: the
// links across the cut found are an upper bound on it (exact for the shipped pair, node and ring).
#pragma once

#include "models/topology/ChipGraph.h"

#include <cstdint>
#include <vector>

namespace lpu {

class Bisection {
public:
    // Refines `start` (side 0 or 1 per chip, balanced).
    static Bisection refine(const ChipGraph& g, std::vector<uint8_t> start);
    // The first half of the chips (in chip order: rack by rack, node by node) against the rest.
    static std::vector<uint8_t> halving(unsigned chips);

    std::vector<uint8_t> side;
    uint64_t start_links = 0;  // links across the starting halving
    uint64_t links = 0;        // links across the cut found
    unsigned passes = 0;

private:
    explicit Bisection(const ChipGraph& g) : g_(&g) {}
    uint64_t cut() const;
    bool pass();
    // Chips not yet moved in this pass, in lists by side and gain (gain + max degree).
    void bucket_insert(unsigned c);
    void bucket_remove(unsigned c);
    int top(unsigned side);  // the highest non-empty bucket of a side, or -1
    int pop_best(unsigned side);

    const ChipGraph* g_;
    int max_gain_ = 0;
    std::vector<int> gain_;
    std::vector<int> head_[2], next_, prev_;
    std::vector<uint8_t> locked_;  // moved in this pass
    int top_[2] = {0, 0};          // highest bucket that may be non-empty, per side
};

}  // namespace lpu
