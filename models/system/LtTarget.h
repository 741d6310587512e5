// A loosely timed TLM-2.0 target (IEEE 1666 base protocol, LT style): each transaction crosses in
// one b_transport call with its time annotated on the delay, so the non-blocking path completes
// through it at once; no DMI and no debug access. What a link direction, a chip's receiving
// port and a link model share.
#pragma once

#include <tlm>

namespace lpu {

class LtTarget : public tlm::tlm_fw_transport_if<> {
public:
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) final
    {
        b_transport(trans, delay);
        phase = tlm::END_RESP;
        return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) final { return false; }
    unsigned int transport_dbg(tlm::tlm_generic_payload&) final { return 0; }
};

}  // namespace lpu
