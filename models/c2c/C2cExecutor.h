// The C2C slice (docs/isa.md 3.6): its queues C2C.0 .. C2C.<links-1> each drive one link.
// `Send s` takes the vector on stream s at the slice in its issue cycle and puts it on the link,
// which it then occupies for the vector's serialisation; `Receive s` takes the vector that
// arrived on the link and drives it onto stream s receive_latency later. Schedule errors name
// the link, both ends and the instructions: a Send while the link still carries the previous
// vector, a Receive with nothing arrived, a vector that waits past its receive window, and a
// vector never received by the end of the run.
#pragma once

#include "models/c2c/C2cPorts.h"
#include "models/exec/SliceExecutor.h"
#include "models/spec/C2cParams.h"

#include <cstdint>
#include <vector>

namespace lpu {

class C2cExecutor final : public SliceExecutor {
public:
    C2cExecutor(const C2cParams& params, C2cPorts& ports);

    void execute(const Issue& is, ExecContext& ctx) override;
    // The first cycle after an arrival's receive window: an arrival still waiting then is an error.
    uint64_t next_event() const override;
    void advance(uint64_t cycle) override;
    void finish(uint64_t last_cycle, RunStats& stats) override;

private:
    void send(const Issue& is, ExecContext& ctx);
    void receive(const Issue& is, ExecContext& ctx);
    std::string link_text(unsigned port) const;

    C2cParams p_;
    C2cPorts& ports_;
    struct LastSend {
        bool any = false;
        uint64_t cycle = 0;
        AgentId who;
    };
    std::vector<LastSend> last_send_;  // per port
    uint64_t sent_ = 0, received_ = 0, poisoned_ = 0;
};

}  // namespace lpu
