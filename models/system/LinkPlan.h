// How a system's links run, as System builds them: every chip's clock on the system's time base
// and, per link direction, the vector's timing (line bits, serialisation, latency) and the
// cycles a Send keeps the sending port busy. One source for System::build_link and for
// `lpusim system --links`, whose JSON program generators read instead of copying the
// arithmetic (examples/system/lpusys.py).
#pragma once

#include "models/spec/ChipClock.h"
#include "models/system/C2cLink.h"
#include "models/topology/SystemSpec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

struct DirectionPlan {
    LinkEnd from, to;
    unsigned vector_bytes = 0;
    LinkTiming timing;
    uint64_t busy_cycles = 0;  // serialise_ps in cycles of the sender's clock, rounded up
};

// Chip i's clock: its type's clock_mhz x (1 + ppm 1e-6), starting at its start offset.
std::vector<ChipClock> system_clocks(const SystemSpec& spec);

// Direction `dir` of link `link` (0: a -> b, 1: b -> a). Throws InputError at the link's
// position when it joins chips of different vector widths.
DirectionPlan plan_direction(const SystemSpec& spec, const std::vector<ChipClock>& clocks, size_t link, unsigned dir);

// The system as JSON (docs/system.md, "Link timing"): its chip types with every chip parameter
// resolved and the floorplan's slice positions, its chips with their clocks, and its links with
// their ends, parameters and both directions' plans.
std::string link_plan_json(const SystemSpec& spec, const std::string& source);

}  // namespace lpu
