// An observation port on a running chip: what every queue issues and every value driven onto a
// stream, in cycle order. Waveform writers and other checkers plug in here instead of reaching
// into the chip (as the MXM co-simulation plugs into MxmObserver).
#pragma once

#include "icu/Instr.h"
#include "icu/Program.h"
#include "stream/StreamFile.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lpu {

class ChipObserver {
public:
    virtual ~ChipObserver() = default;
    // Before cycle 0. `queues` names the queues (QueueMap order), `program` is what will run.
    virtual void begin(const QueueMap& queues, const Program& program) = 0;
    // Queue `q` issued `executed` in `cycle`: the instruction as it acts (a repetition with its
    // own address or row), including NOP, Sync and Notify. `index` is its place in the queue.
    virtual void on_issue(size_t q, size_t index, const Instr& executed, uint64_t cycle) = 0;
    // Queue `q`, parked at a Sync, was released by a Notify and issues again from `cycle`.
    virtual void on_release(size_t q, uint64_t cycle) = 0;
    // `value` was driven onto `s` at slice position `position` in `cycle` (it is at position
    // position +/- d in cycle + d).
    virtual void on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& value) = 0;
    // The run ended; `cycles` is its length (last cycle + 1).
    virtual void end(uint64_t cycles) = 0;
    // The run stopped in `cycle` with an error (a schedule error's text); end() does not follow.
    virtual void on_error(uint64_t cycle, const std::string& what) = 0;
};

}  // namespace lpu
