// All MEM slices of the chip behind one TLM-2.0 target socket: the host's view of the on-chip
// SRAM (loading weights and activations, reading results, debuggers). Address map
// (docs/mem.md): address = (slice * words_per_slice + word) * word_bytes + byte, so the chip's
// SRAM is one linear range of total_bytes() bytes, slice after slice, word after word.
//
// MemSystem is the target's forward interface itself (tlm_fw_transport_if), a plain object that
// needs no SystemC kernel: the chip calls it directly, and MemTlmTarget puts it behind a target
// socket for initiators in a SystemC model. b_transport, transport_dbg and get_direct_mem_ptr
// share one data path over SramSlice; nb_transport_fw completes at once (loosely timed only).
// Loosely timed: b_transport moves the data at once and annotates the delay of a pipelined
// access, (latency + words - 1) cycles, latency being chip.mem.read_latency or write_latency and
// words the number of word accesses (one per word per streaming beat). DMI is granted one page
// at a time (chip.mem.page_words words): the page is allocated if needed and never moves or
// goes away, so a grant is never invalidated. Host accesses are outside the instruction
// schedule: they are not checked against the port rules of MemPortChecker.
#pragma once

#include "models/mem/SramSlice.h"
#include "models/spec/MemParams.h"
#include "models/spec/SramFaultParams.h"

#include <systemc>
#include <tlm>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lpu {

class MemSystem final : public tlm::tlm_fw_transport_if<> {
public:
    MemSystem(const MemParams& params, sc_core::sc_time period);

    const MemParams& params() const { return p_; }
    SramSlice& slice(unsigned i) { return slices_.at(i); }
    const SramSlice& slice(unsigned i) const { return slices_.at(i); }
    uint64_t size_bytes() const { return p_.total_bytes(); }
    // Host memory held by all slices' pages.
    uint64_t bytes_allocated() const;

    // SRAM faults injected in the runs of the chip's programs (docs/faults.md; none by default):
    // each run starts its own SramFaultModel from these, `chip` mixed into the seed. Host
    // accesses (b_transport, transport_dbg, DMI) see the data as written.
    void inject_faults(const SramFaultParams& faults, unsigned chip);
    const SramFaultParams* faults() const { return faults_ ? &*faults_ : nullptr; }
    unsigned fault_chip() const { return fault_chip_; }

    // Why the last failed transaction failed (its response status says how), empty if none did.
    const std::string& error() const { return error_; }

    // The TLM-2.0 forward interface (IEEE 1666 section 11).
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans) override;
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) override;
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override;

private:
    // The shared data path: validates the whole transaction first (nothing is transferred if
    // any part is bad), then copies. Returns the response status; counts word accesses.
    tlm::tlm_response_status transfer(tlm::tlm_generic_payload& trans, uint64_t& word_accesses);
    tlm::tlm_response_status reject(tlm::tlm_response_status status, const std::string& why);

    MemParams p_;
    sc_core::sc_time period_;
    std::unique_ptr<SramArena> arena_;  // the slices' pages, packed together as first touched
    std::vector<SramSlice> slices_;
    std::string error_;
    std::optional<SramFaultParams> faults_;
    unsigned fault_chip_ = 0;
};

}  // namespace lpu
