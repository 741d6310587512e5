// A system of chips joined by C2C links (docs/system.md), run as one simulation: every chip a
// Chip with its own clock, every link two LinkDirections (TLM-2.0 channels) between their
// ports. A run advances all chips in conservative windows no longer than the shortest link
// latency: a vector sent in a window arrives after it, so the chips of a window are
// independent (they run on a thread pool), and the vectors sent in it are delivered at its end,
// in a fixed order. Spread over several ranks (RankExchange), each rank builds and runs only its
// own chips (chip_rank) and the links they send on; vectors to another rank's chips cross at the
// window's end. Results do not depend on the number of threads or ranks: an error reported is
// the one that happened first in simulated time (then on the lowest chip).
#pragma once

#include "models/chip/Chip.h"
#include "models/spec/ChipClock.h"
#include "models/system/C2cLink.h"
#include "models/system/C2cReceiver.h"
#include "models/system/RankExchange.h"
#include "models/system/SystemTime.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <memory>
#include <optional>
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
    std::vector<RunStats> chips;                 // this rank's chips (others left empty)
    std::vector<LinkDirectionStats> directions;  // link l: 2l (a -> b), 2l + 1 (b -> a); this rank's senders
    uint64_t end_ps = 0;                         // when the last chip's last cycle ended (all ranks)
    uint64_t windows = 0;
    std::vector<ChipTimeStats> time;  // every chip's alignment (all ranks)
};

class System {
public:
    // The whole system in this process, or rank `rank` of `ranks`.
    explicit System(const SystemSpec& spec, unsigned rank = 0, unsigned ranks = 1);
    ~System();

    const SystemSpec& spec() const { return spec_; }
    size_t chips() const { return spec_.chips.size(); }
    bool local(size_t chip) const { return chips_.at(chip) != nullptr; }
    unsigned rank() const { return rank_; }
    unsigned ranks() const { return ranks_; }
    Chip& chip(size_t i);
    const ChipClock& clock(size_t i) const { return clocks_.at(i); }
    // A direction this rank sends on (link l, direction 0: a -> b).
    LinkDirection& direction(size_t link, unsigned dir);
    bool has_direction(size_t link, unsigned dir) const { return directions_.at(2 * link + dir) != nullptr; }
    // A direction's timing (any direction, whichever rank sends on it).
    const LinkTiming& timing(size_t link, unsigned dir) const { return timings_.at(2 * link + dir); }
    // The chips' aligned counters (docs/system.md, "Time").
    const SystemTime& time() const { return *time_; }
    // The conservative window: the shortest latency of any link direction.
    uint64_t window_ps() const { return window_ps_; }
    // What a Receive does with a poisoned vector (default: fail the run).
    void set_link_error_policy(ErrorPolicy policy);
    ErrorPolicy link_error_policy() const { return policy_; }
    // Every direction delivers poisoned vectors complemented (the differential run of the
    // poison policy, docs/link-errors.md).
    void complement_poisoned(bool on);

    // Runs every local chip's program to the end, `threads` threads advancing the chips of a
    // window; `exchange` joins the ranks (required when ranks() > 1). Each run starts its links
    // afresh: same seed, same bit errors. Throws ScheduleError
    // (naming the chip; a link error names both), InputError or CheckError (an observer's), on
    // every rank alike: the failure first in simulated time, then on the lowest chip.
    SystemStats run(const std::vector<ChipRun>& runs, unsigned threads = 1, RankExchange* exchange = nullptr);

private:
    class RemotePort;
    void build_link(size_t l);
    void deliver(size_t chip);
    void take_remote(const std::vector<std::string>& in);
    static std::optional<RankFailure> first_failure(const std::vector<std::optional<RankFailure>>& failures);
    std::string port_text(size_t chip, unsigned port) const;

    SystemSpec spec_;
    unsigned rank_, ranks_;
    std::vector<std::unique_ptr<Chip>> chips_;  // null: another rank's
    std::vector<ChipClock> clocks_;
    std::vector<std::unique_ptr<tlm::tlm_fw_transport_if<>>> receivers_;
    std::vector<std::unique_ptr<LinkDirection>> directions_;  // null: another rank sends on it
    std::vector<LinkTiming> timings_;                         // per direction
    std::vector<C2cReceiver*> local_receiver_;                // per direction: its receiving port, if local
    std::vector<std::vector<int>> out_;                       // per local chip and port: its direction, or -1
    std::vector<uint64_t> seq_;                               // per direction: vectors sent so far
    std::vector<std::string> outbox_;                         // per rank: vectors for its chips this window
    uint64_t window_ps_ = 0;
    std::unique_ptr<SystemTime> time_;
    ErrorPolicy policy_ = ErrorPolicy::fail;
    std::vector<std::unique_ptr<ChipEngine>>* engines_ = nullptr;  // while run() runs
};

}  // namespace lpu
