// One MXM plane as a SystemC/TLM-2.0 component: instructions arrive on a target socket,
// results leave on an initiator socket annotated with their exact arrival time. Loosely timed:
// the plane computes each instruction when it arrives, which is exact because the machine is
// statically scheduled (docs/isa.md).
#pragma once

#include "models/mxm/MxmCore.h"
#include "models/mxm/MxmObserver.h"
#include "models/mxm/MxmPayload.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <string>

namespace lpu {

class MxmPlane : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<MxmPlane> instr_socket;
    tlm_utils::simple_initiator_socket<MxmPlane> result_socket;

    MxmPlane(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period);

    const MxmCore& core() const { return core_; }
    // `observer` (may be null; it must outlive the plane) sees every instruction the plane
    // takes and every result, as a chip's MxmObserver does (plane 0).
    void set_observer(MxmObserver* observer)
    {
        observer_ = observer;
        core_.count_wraps(observer != nullptr);
    }
    // The error that made a transaction fail (TLM_GENERIC_ERROR_RESPONSE), empty if none.
    const std::string& error() const { return error_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    MxmCore core_;
    MxmObserver* observer_ = nullptr;
    sc_core::sc_time period_;
    MxmResult result_;
    tlm::tlm_generic_payload result_trans_;
    MxmResultExtension* result_ext_ = new MxmResultExtension;
    std::string error_;
};

// Cycle of a transaction issued now with `delay`; throws InputError if it is not on a clock edge.
uint64_t transaction_cycle(const sc_core::sc_time& delay, const sc_core::sc_time& period);

}  // namespace lpu
