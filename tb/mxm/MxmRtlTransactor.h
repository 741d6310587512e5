// Turns the TLM-2.0 instruction transactions an MxmPlane receives into pin activity on the
// Verilated RTL, cycle by cycle, and reports every result beat the RTL drives to a
// cosim::Checker (the DUT-side observation port). The RTL runs on the same clock and time
// base as the SystemC side: cycle t is simulated at sc_time t * period.
#pragma once

#include "MxmRtl.h"
#include "cosim/Checker.h"
#include "mxm/MxmPayload.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace lpu {

// Deliberate faults, to prove the checker catches them (`lpusim cosim --inject`).
struct MxmFault {
    enum class Kind { None, CorruptInput, CorruptOutput, LateOutput } kind = Kind::None;
    uint64_t index = 0;  // CorruptInput: the N-th ABC (from 0); others: the N-th result beat

    // Parses "corrupt-input:N", "corrupt-output:N", "late-output:N". Throws InputError.
    static MxmFault parse(const std::string& text);
    std::string text() const;
};

class MxmRtlTransactor : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(MxmRtlTransactor);

    tlm_utils::simple_target_socket<MxmRtlTransactor> instr_socket;

    MxmRtlTransactor(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period,
                     std::unique_ptr<MxmRtl> rtl, cosim::Checker& checker, unsigned result_port);
    ~MxmRtlTransactor() override;

    // Dump the RTL's waves (FST) for cycles [from, to] into `fst_path`.
    void set_wave(const std::string& fst_path, uint64_t from, uint64_t to);
    void set_fault(const MxmFault& fault) { fault_ = fault; }
    // Expected result (from the reference model) shown on the tb_exp_* pins in the waves.
    void show_expected(uint64_t first_cycle, const std::vector<int32_t>& values);
    // No instruction will come after this; run until the checker has seen everything.
    void stimulus_done() { stimulus_done_ = true; }

    uint64_t cycles_run() const { return cycle_; }
    // Why a transaction was refused (TLM_GENERIC_ERROR_RESPONSE), empty if none was.
    const std::string& error() const { return error_; }
    uint64_t result_beats() const { return beats_; }
    const MxmRtl& rtl() const { return *rtl_; }

private:
    struct Pending {  // instructions issued in one cycle
        std::optional<MxmInstr> instr[kMxmChannels];  // indexed by MxmOpcode
        std::vector<uint8_t> lw_data, abc_data;
    };
    struct History {  // vector operand issued in a recent cycle, for the stagger
        uint64_t cycle = ~uint64_t{0};
        std::vector<uint8_t> data;
    };

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void run();
    void drive(uint64_t t);
    void monitor(uint64_t t);

    MxmParams p_;
    sc_core::sc_time period_;
    std::unique_ptr<MxmRtl> rtl_;
    cosim::Checker& checker_;
    unsigned port_;
    std::map<uint64_t, Pending> pending_;
    std::vector<History> lw_hist_, abc_hist_;  // ring buffers indexed by cycle % S
    std::map<uint64_t, std::vector<int32_t>> shown_;  // expected results by first cycle, for waves
    MxmPinsIn in_;
    MxmPinsOut out_;
    uint64_t cycle_ = 0;  // next cycle to drive
    uint64_t last_issue_ = 0;
    std::string error_;
    uint64_t beats_ = 0;
    uint64_t abc_count_ = 0;
    bool stimulus_done_ = false;
    MxmFault fault_;
    std::optional<cosim::Beat> late_beat_;
    std::string wave_path_;
    uint64_t wave_from_ = 0, wave_to_ = 0;
    bool wave_open_ = false;
};

}  // namespace lpu
