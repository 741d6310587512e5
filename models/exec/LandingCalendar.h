// Values driven onto streams, waiting for the cycle in which they land. A value lands a few
// cycles after its issue (an MXM result, a VXM result, a MEM read), so the waiting values lie in
// a short window of cycles: a ring of buckets indexed by cycle, each keeping its capacity, holds
// them without a tree node or an allocation per value. Values of one cycle land in the order
// they were driven.
#pragma once

#include "models/common/AgentId.h"
#include "models/isa/StreamId.h"
#include "models/stream/StreamValue.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace lpu {

class LandingCalendar {
public:
    struct Landing {
        StreamId stream;
        unsigned position;
        VectorRef value;
        AgentId who;
    };

    void add(uint64_t cycle, Landing landing);
    // The first cycle in which a value lands, or the largest uint64_t if none waits.
    uint64_t next() const { return count_ == 0 ? std::numeric_limits<uint64_t>::max() : first_; }
    // The values landing in `cycle` (which must be next()), in the order they were added; they
    // are gone from the calendar at the next call of take() or add().
    std::vector<Landing>& take(uint64_t cycle);

private:
    std::vector<Landing>& bucket(uint64_t cycle) { return slots_[cycle & (slots_.size() - 1)]; }
    void regrow(uint64_t first, uint64_t last);
    void release_taken();

    std::vector<std::vector<Landing>> slots_;  // cycle c at slots_[c mod size], for c in [first_, last_]
    uint64_t first_ = 0, last_ = 0;            // the earliest and latest cycles with a value (when count_ > 0)
    size_t count_ = 0;                         // values waiting
    std::vector<Landing>* taken_ = nullptr;    // the bucket take() handed out, emptied on the next call
};

}  // namespace lpu
