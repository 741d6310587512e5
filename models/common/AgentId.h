// Who issued an access or drove a value: the chip, queue, instruction and repetition, as
// numbers the hot path stores without building text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace lpu {

// Producers and consumers are named by a number the caller chooses; a describer turns it into
// text (slice, instruction, source line) only when a report needs it, so the hot path builds
// no strings.
struct AgentId {
    uint16_t chip = 0;   // the chip's id in its system
    uint16_t queue = 0;  // ICU queue (QueueMap order)
    uint32_t index = 0;  // the instruction's place in its queue (or in the fetched ones)
    int64_t offset = 0;  // a repetition's operand offset
};
using AgentDescriber = std::function<std::string(AgentId)>;

}  // namespace lpu
