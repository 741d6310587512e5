// Time across a system's chips (docs/system.md, "Time"). Every chip counts its own cycles in a
// hardware-aligned counter (HAC) of `icu.hac_epoch` cycles per epoch. Over a breadth-first
// spanning tree of the links from the root chip (`hac_root`), each chip measures the latency of
// the link to its parent by a counter round trip, and then, once every epoch, starts its next
// epoch one epoch after its parent's epoch marker arrived, less the measured latency: so its
// epochs follow the root's, off by what the hardware cannot see (arrivals quantised to its
// cycles, the two directions' different latencies, and the drift of its clock over an epoch).
// Everything here is computed from the system's clocks and link timings alone, the way the
// hardware would count it, so every rank and thread sees the same counters.
#pragma once

#include "models/icu/HacClock.h"
#include "models/spec/ChipClock.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

// One chip's place in the alignment and how well it is aligned.
struct ChipTimeStats {
    unsigned parent = 0;            // its parent in the spanning tree (the root: itself)
    int link = -1;                  // the link to its parent (-1: the root)
    unsigned depth = 0;             // links between it and the root
    uint64_t measured_latency = 0;  // cycles: the one-way latency its counter round trip measured
    uint64_t first_epoch = 0;       // its first aligned epoch
    // Its epoch boundary less the root's, in ps, at the first epoch aligned on every chip
    // (`common_epoch`): the residual skew after alignment.
    int64_t skew_ps = 0;
};

class SystemTime {
public:
    // `clocks`: every chip's; `latency_ps`: every link direction's (link l: 2l a -> b, 2l + 1
    // b -> a). Throws InputError when the chip types count different epochs or a link's round
    // trip does not fit in an epoch.
    SystemTime(const SystemSpec& spec, std::vector<ChipClock> clocks, std::vector<uint64_t> latency_ps);

    uint64_t epoch() const { return epoch_; }
    unsigned root() const { return root_; }
    // The first epoch aligned on every chip: a Deskew waits for it at the earliest.
    uint64_t common_epoch() const { return common_; }
    const std::vector<ChipTimeStats>& stats() const { return stats_; }
    // Cycles: link l's one-way latency as a counter round trip from its end a measures it at the
    // common epoch (every link, in the tree or not).
    uint64_t link_latency(size_t l) const { return link_latency_.at(l); }
    // The cycle of chip `chip` its epoch n (>= its first aligned epoch) begins in, and when.
    uint64_t boundary(unsigned chip, uint64_t n) const;
    uint64_t boundary_ps(unsigned chip, uint64_t n) const { return clocks_[chip].start_ps(boundary(chip, n)); }
    // Chip `chip`'s counter (it refers to this object, which must outlive it).
    HacClock hac(unsigned chip) const;
    // {"hac_epoch": .., "root": .., "common_epoch": .., "chips": {NAME: {..}, ..}, "link_latency": [..]}
    std::string json(const SystemSpec& spec) const;

private:
    void build_tree(const SystemSpec& spec);
    void measure(const SystemSpec& spec, unsigned chip);
    uint64_t arrival(size_t link, unsigned from, uint64_t from_cycle) const;
    uint64_t round_trip(size_t link, unsigned from, uint64_t sent) const;

    std::vector<ChipClock> clocks_;
    std::vector<uint64_t> latency_ps_;
    std::vector<std::pair<unsigned, unsigned>> link_chips_;  // per link: (a, b)
    uint64_t epoch_ = 0, common_ = 0;
    unsigned root_ = 0;
    std::vector<unsigned> order_;  // chips in breadth-first order from the root
    std::vector<ChipTimeStats> stats_;
    std::vector<uint64_t> link_latency_;
};

}  // namespace lpu
