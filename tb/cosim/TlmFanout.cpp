#include "TlmFanout.h"

namespace lpu::cosim {

TlmFanout::TlmFanout(sc_core::sc_module_name name)
    : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket")
{
    target_socket.register_b_transport(this, &TlmFanout::b_transport);
}

void TlmFanout::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    for (unsigned i = 0; i < initiator_socket.size(); ++i) {
        // Every target sees the same time: none may consume the others' delay.
        sc_core::sc_time d = delay;
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        initiator_socket[static_cast<int>(i)]->b_transport(trans, d);
        if (status == tlm::TLM_OK_RESPONSE && trans.get_response_status() != tlm::TLM_OK_RESPONSE)
            status = trans.get_response_status();
    }
    trans.set_response_status(status);
}

}  // namespace lpu::cosim
