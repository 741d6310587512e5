// The chip's per-queue and per-slice statistics, counted from the observation port: issues,
// first and last issue cycle, NOP cycles, low-power cycles, and the cycles each slice issued.
// The engine always installs one; executors add their own counters (MACs, SRAM bytes) directly.
#pragma once

#include "models/exec/ChipObserver.h"
#include "models/exec/RunStats.h"

#include <cstdint>
#include <vector>

namespace lpu {

class ChipStatsCounter final : public ChipObserver {
public:
    // Counts into `stats`; a Config's power mode change takes effect after `config_latency`.
    ChipStatsCounter(RunStats& stats, unsigned config_latency) : st_(stats), config_latency_(config_latency) {}

    void begin(const QueueMap& queues, const Program& program) override;
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override;
    void on_release(size_t, uint64_t) override {}
    void on_stream_write(StreamId, unsigned, uint64_t, const Vector&) override {}
    void end(uint64_t cycles) override;
    void on_error(uint64_t, const std::string&) override {}

private:
    RunStats& st_;
    unsigned config_latency_;
    const QueueMap* queues_ = nullptr;
    uint64_t issued_ = 0;
    // Per slice position: busy cycles so far and the last cycle counted (issues come in cycle order).
    std::vector<uint64_t> slice_busy_, slice_last_;
    // Per queue: in low-power mode since.
    std::vector<bool> low_power_;
    std::vector<uint64_t> low_power_since_;
};

}  // namespace lpu
