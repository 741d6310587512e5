// An observation port on a running chip: what every queue issues and every value driven onto a
// stream, in cycle order. Waveform writers and other checkers plug in here instead of reaching
// into the chip (as the MXM co-simulation plugs into MxmObserver).
#pragma once

#include "models/isa/Instr.h"
#include "models/isa/Program.h"
#include "models/stream/StreamFile.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

class ChipObserver {
public:
    virtual ~ChipObserver() = default;
    // Before cycle 0. `queues` names the queues (QueueMap order), `program` is what will run.
    virtual void begin(const QueueMap& queues, const Program& program) = 0;
    // Queue `q` issued `in` in `cycle`, including NOP, Sync and Notify. `index` is its place in
    // the queue; `offset` a repetition's operand offset (in.executed(offset) is the instruction
    // as it acts, with its own address or row: built only by observers that need the text).
    virtual void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) = 0;
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

// Several observers as one, called in the order given.
class ObserverFanout final : public ChipObserver {
public:
    explicit ObserverFanout(std::vector<ChipObserver*> observers) : all_(std::move(observers)) {}
    bool empty() const { return all_.empty(); }

    void begin(const QueueMap& queues, const Program& program) override
    {
        for (ChipObserver* o : all_)
            o->begin(queues, program);
    }
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override
    {
        for (ChipObserver* o : all_)
            o->on_issue(q, index, in, offset, cycle);
    }
    void on_release(size_t q, uint64_t cycle) override
    {
        for (ChipObserver* o : all_)
            o->on_release(q, cycle);
    }
    void on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& value) override
    {
        for (ChipObserver* o : all_)
            o->on_stream_write(s, position, cycle, value);
    }
    void end(uint64_t cycles) override
    {
        for (ChipObserver* o : all_)
            o->end(cycles);
    }
    void on_error(uint64_t cycle, const std::string& what) override
    {
        for (ChipObserver* o : all_)
            o->on_error(cycle, what);
    }

private:
    std::vector<ChipObserver*> all_;
};

}  // namespace lpu
