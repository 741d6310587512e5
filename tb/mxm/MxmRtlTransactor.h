// Turns the TLM-2.0 instruction transactions an MxmPlane receives into pin activity on the
// Verilated RTL, cycle by cycle (through MxmRtlDriver), and reports every result beat the RTL
// drives to a cosim::Checker (the DUT-side observation port). The RTL runs on the same clock
// and time base as the SystemC side: cycle t is simulated at sc_time t * period.
#pragma once

#include "models/mxm/MxmPayload.h"
#include "tb/cosim/Checker.h"
#include "tb/mxm/MxmRtlDriver.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <string>

namespace lpu {

class MxmRtlTransactor : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(MxmRtlTransactor);

    // Cycles the RTL keeps running after the last expected result, so that a late or surplus
    // output still reaches the checker instead of ending the run as a silent pass.
    static constexpr uint64_t kDrainCycles = 16;

    tlm_utils::simple_target_socket<MxmRtlTransactor> instr_socket;

    MxmRtlTransactor(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period,
                     std::unique_ptr<MxmRtl> rtl, cosim::Checker& checker, unsigned result_port);

    MxmRtlDriver& driver() { return driver_; }
    // No instruction will come after this; run until the checker has seen everything.
    void stimulus_done() { stimulus_done_ = true; }

    uint64_t cycles_run() const { return driver_.next_cycle(); }
    // Why a transaction was refused (TLM_GENERIC_ERROR_RESPONSE), empty if none was.
    const std::string& error() const { return error_; }
    const MxmRtl& rtl() const { return driver_.rtl(); }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void run();

    MxmParams p_;
    sc_core::sc_time period_;
    cosim::Checker& checker_;
    MxmRtlDriver driver_;
    bool stimulus_done_ = false;
    std::string error_;
};

}  // namespace lpu
