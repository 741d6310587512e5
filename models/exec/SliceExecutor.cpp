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
    if (pending_.next() != cycle)
        return;
    for (Landing& l : pending_.take(cycle)) {
        if (watcher_)
            watcher_->on_stream_write(l.stream, l.position, cycle, *l.value);
        streams_.write(l.stream, l.position, cycle, std::move(l.value), l.who);
    }
}

}  // namespace lpu
