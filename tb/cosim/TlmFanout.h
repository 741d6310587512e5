// Delivers each TLM transaction it receives to every bound target, in binding order — how the
// reference model and the RTL transactor receive exactly the same instruction stream. The
// response is the first error any target returned, else OK.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace lpu::cosim {

class TlmFanout : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<TlmFanout> target_socket;
    tlm_utils::multi_passthrough_initiator_socket<TlmFanout> initiator_socket;

    explicit TlmFanout(sc_core::sc_module_name name);

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
};

}  // namespace lpu::cosim
