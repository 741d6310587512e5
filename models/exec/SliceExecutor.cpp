#include "SliceExecutor.h"

#include "models/common/Error.h"

namespace lpu {

void ExecContext::fail(const Issue& is, ScheduleRule rule, const std::string& what) const
{
    throw ScheduleError(rule, "cycle " + std::to_string(is.cycle) + ": " + describe(is) + ": " + what);
}

int64_t ExecContext::operand(const Issue& is, int64_t base, int64_t limit, const char* what) const
{
    const int64_t v = base + is.offset;
    if (v < 0 || v >= limit)
        fail(is, ScheduleRule::RepeatOutOfRange,
             std::string("repeated ") + what + " " + std::to_string(v) + " is out of range [0, " +
                 std::to_string(limit) + ")");
    return v;
}

void ExecContext::land(uint64_t cycle)
{
    for (auto it = pending_.begin(); it != pending_.end() && it->first == cycle; it = pending_.erase(it)) {
        if (watcher_)
            watcher_->on_stream_write(it->second.stream, it->second.position, cycle, *it->second.value);
        streams_.write(it->second.stream, it->second.position, cycle, std::move(it->second.value), it->second.who);
    }
}

}  // namespace lpu
