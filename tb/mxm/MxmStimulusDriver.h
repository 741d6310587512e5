// The TLM-2.0 initiator that plays an MxmStimulus program: each instruction becomes a
// generic-payload write annotated with its issue time. It runs ahead of simulated time by at
// least one quantum (temporally decoupled, as TLM-2.0 loosely-timed initiators do) so the
// RTL transactor always has the instructions of the cycle it is about to drive.
#pragma once

#include "models/mxm/MxmPayload.h"
#include "tb/mxm/MxmStimulus.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace lpu {

class MxmStimulusDriver : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(MxmStimulusDriver);

    tlm_utils::simple_initiator_socket<MxmStimulusDriver> socket;

    // `quantum` in cycles; `on_done` runs once every instruction is out (or on error).
    MxmStimulusDriver(sc_core::sc_module_name name, MxmStimulus& stimulus, sc_core::sc_time period, uint64_t quantum,
                      std::function<void()> on_done);

    // Log one line per instruction to `log` (nullptr: none).
    void set_log(std::ostream* log) { log_ = log; }

    // The refusal that stopped the run (a target's error() text comes with it), empty if none.
    const std::string& error() const { return error_; }
    uint64_t instructions() const { return sent_; }
    // Lets the caller attach targets' error texts to a refused transaction.
    void set_error_source(std::function<std::string()> source) { error_source_ = std::move(source); }

private:
    void run();

    MxmStimulus& stimulus_;
    sc_core::sc_time period_;
    uint64_t quantum_;
    std::function<void()> on_done_;
    std::function<std::string()> error_source_;
    std::ostream* log_ = nullptr;
    std::string error_;
    uint64_t sent_ = 0;
    tlm::tlm_generic_payload trans_;  // run()'s transaction
    std::vector<MxmOp> ops_;          // run()'s instructions of the next quanta
};

}  // namespace lpu
