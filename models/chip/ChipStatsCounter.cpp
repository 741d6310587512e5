#include "ChipStatsCounter.h"

#include <algorithm>

namespace lpu {

void ChipStatsCounter::begin(const QueueMap& queues, const Program&)
{
    queues_ = &queues;
    const size_t n = queues.queues().size();
    st_.queues.assign(n, QueueStats{});
    slice_busy_.assign(queues.positions(), 0);
    slice_last_.assign(queues.positions(), ~uint64_t{0});
    low_power_.assign(n, false);
    low_power_since_.assign(n, 0);
}

void ChipStatsCounter::on_issue(size_t q, size_t, const Instr& in, int64_t, uint64_t t)
{
    QueueStats& qs = st_.queues[q];
    if (in.op == Opcode::Nop)
        qs.idle_cycles += static_cast<uint64_t>(in.a);
    if (!is_counted_issue(in.op))
        return;
    ++issued_;
    ++qs.issued;
    const unsigned pos = queues_->queues()[q].position;
    if (slice_last_[pos] != t) {
        slice_last_[pos] = t;
        ++slice_busy_[pos];
    }
    if (qs.issued == 1)
        qs.first = t;
    qs.last = t;
    if (in.op == Opcode::Config) {
        if (in.a && !low_power_[q])
            low_power_since_[q] = t + config_latency_;
        else if (!in.a && low_power_[q])
            qs.low_power_cycles += t - std::min(t, low_power_since_[q]);
        low_power_[q] = in.a != 0;
    }
}

void ChipStatsCounter::end(uint64_t cycles)
{
    st_.instructions = issued_;
    for (size_t q = 0; q < st_.queues.size(); ++q)
        if (low_power_[q])
            st_.queues[q].low_power_cycles += cycles - std::min(cycles, low_power_since_[q]);
    for (const QueueInfo& q : queues_->queues())
        if (slice_busy_[q.position])
            st_.slice_busy[q.name.substr(0, q.name.find('.'))] = slice_busy_[q.position];
}

}  // namespace lpu
