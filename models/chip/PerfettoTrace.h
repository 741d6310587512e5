// The chip's run as Chrome trace-event JSON (Perfetto, chrome://tracing): one track per queue
// that has instructions, one complete event per counted issue (its text as executed, lasting
// 1 cycle, a Config's latency or an Ifetch's vectors) and per Sync and Notify. Alone it writes a
// whole trace file; as one process of a system's trace (Process) it writes its events only, its
// times on the system's time base.
#pragma once

#include "models/exec/ChipObserver.h"
#include "models/spec/ChipClock.h"
#include "models/spec/ChipSpec.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace lpu {

class PerfettoTrace final : public ChipObserver {
public:
    // One chip's process in a system's trace: its process id, name and clock.
    struct Process {
        unsigned pid = 1;
        std::string name;
        ChipClock clock;
    };
    // The trace of a chip of `spec` (its name, clock period, and how long a Config lasts).
    PerfettoTrace(std::ostream& out, const ChipSpec& spec);
    // Its events as one process of a larger trace (no file header or end).
    PerfettoTrace(std::ostream& out, const ChipSpec& spec, Process process);

    void begin(const QueueMap& queues, const Program& program) override;
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override;
    void on_release(size_t, uint64_t) override {}
    void on_stream_write(StreamId, unsigned, uint64_t, const Vector&) override {}
    void end(uint64_t cycles) override;
    void on_error(uint64_t, const std::string&) override {}

private:
    void event(size_t q, const std::string& name, const char* cat, uint64_t t, uint64_t dur);
    double us(uint64_t cycle) const;

    std::ostream& out_;
    Process process_;
    bool whole_file_;
    unsigned config_latency_;
    const QueueMap* queues_ = nullptr;
};

}  // namespace lpu
