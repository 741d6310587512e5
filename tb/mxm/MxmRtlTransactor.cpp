#include "MxmRtlTransactor.h"

#include "models/common/Error.h"
#include "models/mxm/MxmPlane.h"

#include <algorithm>

namespace lpu {

MxmRtlTransactor::MxmRtlTransactor(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period,
                                   std::unique_ptr<MxmRtl> rtl, cosim::Checker& checker, unsigned result_port)
    : sc_module(name), instr_socket("instr_socket"), p_(params), period_(period), checker_(checker),
      driver_(params, std::move(rtl),
              [&checker, result_port](const cosim::Beat& b) { checker.observe(result_port, b); })
{
    instr_socket.register_b_transport(this, &MxmRtlTransactor::b_transport);
    SC_THREAD(run);
}

void MxmRtlTransactor::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    MxmInstrExtension* ext = nullptr;
    trans.get_extension(ext);
    try {
        if (!ext || trans.get_command() != tlm::TLM_WRITE_COMMAND)
            throw InputError("MXM transactor: transaction is not an MXM instruction write");
        driver_.issue(ext->instr, transaction_cycle(delay, period_), trans.get_data_ptr(), trans.get_data_length());
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    } catch (const std::exception& e) {
        error_ = e.what();
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    }
}

void MxmRtlTransactor::run()
{
    // Let the initiators issue their first instructions at time 0 before cycle 0 is driven.
    wait(sc_core::SC_ZERO_TIME);
    driver_.reset(2);
    for (;;) {
        const uint64_t t = driver_.next_cycle();
        if (stimulus_done_ && driver_.idle() &&
            t > std::max(checker_.last_expected_cycle(), driver_.settle_cycle()) + kDrainCycles)
            break;
        driver_.run_cycle();
        checker_.advance(driver_.reported_cycles());
        if (checker_.failed())
            break;
        wait(period_);
    }
    driver_.finish();
    checker_.finish();
    sc_core::sc_stop();
}

}  // namespace lpu
