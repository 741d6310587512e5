// The chip's SRAM (MemSystem) behind a TLM-2.0 target socket, for initiators in a SystemC model
// (a host CPU model, a DMA engine, a debugger). A module, so it must be built before the SystemC
// kernel starts; the chip itself calls MemSystem directly and needs no kernel.
#pragma once

#include "models/mem/MemSystem.h"

#include <systemc>
#include <tlm>

namespace lpu {

class MemTlmTarget : public sc_core::sc_module {
public:
    tlm::tlm_target_socket<> socket;

    // `mem` must outlive the module.
    MemTlmTarget(sc_core::sc_module_name name, MemSystem& mem);
};

}  // namespace lpu
