// A system of chips joined by C2C links (docs/system.md), run as one simulation: every chip a
// Chip with its own clock, every link two LinkDirections (TLM-2.0 channels) between their
// ports. A run advances all chips in conservative windows no longer than the shortest link
// latency: a vector sent in a window arrives after it, so the chips of a window are
// independent (they run on a thread pool), and the vectors sent in it are delivered at its end,
// in a fixed order (sending chip, then Send order). Results do not depend on the number of
// threads or on how the chips are spread over processes (models/system/SystemPartition).
#pragma once

#include "models/chip/Chip.h"
#include "models/system/C2cLink.h"
#include "models/system/C2cReceiver.h"
#include "models/system/ChipClock.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

// What one chip runs: its program (null: nothing; it must then receive nothing) and who watches.
struct ChipRun {
    const Program* program = nullptr;
    std::vector<ChipObserver*> observers;
    MxmObserver* mxm_observer = nullptr;
};

struct SystemStats {
    std::vector<RunStats> chips;
    std::vector<LinkDirectionStats> directions;  // link l: 2l (a -> b) and 2l + 1 (b -> a)
    uint64_t end_ps = 0;                         // when the last chip's last cycle ended
    uint64_t windows = 0;
};

class System {
public:
    explicit System(const SystemSpec& spec);
    ~System();

    const SystemSpec& spec() const { return spec_; }
    size_t chips() const { return chips_.size(); }
    Chip& chip(size_t i) { return *chips_.at(i); }
    const ChipClock& clock(size_t i) const { return clocks_.at(i); }
    LinkDirection& direction(size_t link, unsigned dir) { return *directions_.at(2 * link + dir); }
    // The conservative window: the shortest latency of any link direction.
    uint64_t window_ps() const { return window_ps_; }

    // Runs every chip's program to the end, `threads` threads advancing the chips of a window.
    // Throws ScheduleError (naming the chip; a link error names both) or InputError.
    SystemStats run(const std::vector<ChipRun>& runs, unsigned threads = 1);

private:
    void deliver(size_t chip);
    std::string port_text(size_t chip, unsigned port) const;

    SystemSpec spec_;
    std::vector<std::unique_ptr<Chip>> chips_;
    std::vector<ChipClock> clocks_;
    std::vector<std::unique_ptr<C2cReceiver>> receivers_;
    std::vector<std::unique_ptr<LinkDirection>> directions_;
    // Per chip and port: the direction a Send on it enters (-1: not connected).
    std::vector<std::vector<int>> out_;
    std::vector<uint64_t> seq_;  // per direction: vectors sent so far
    uint64_t window_ps_ = 0;
    std::vector<std::unique_ptr<ChipEngine>>* engines_ = nullptr;  // while run() runs
};

}  // namespace lpu
