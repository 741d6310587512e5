// Drives one Verilated MXM plane cycle by cycle from MXM instructions, without SystemC: queues
// instructions by issue cycle, puts them and their staggered operand lanes on the pins, and
// reports every valid result chunk as a cosim::Beat. The SystemC transactor (MxmRtlTransactor)
// and the whole-chip co-simulation (MxmChipCosim) both run the RTL through this class.
#pragma once

#include "models/mxm/MxmInstr.h"
#include "tb/cosim/Checker.h"
#include "tb/mxm/MxmRtl.h"
#include "tb/mxm/MxmRtlWorker.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lpu {

// Deliberate faults, to prove the checker catches them (`lpusim cosim --inject`).
struct MxmFault {
    enum class Kind { None, CorruptInput, CorruptOutput, LateOutput } kind = Kind::None;
    uint64_t index = 0;  // CorruptInput: the N-th ABC (from 0); others: the N-th result beat

    // Parses "corrupt-input:N", "corrupt-output:N", "late-output:N". Throws InputError.
    static MxmFault parse(const std::string& text);
    std::string text() const;
};

class MxmRtlDriver {
public:
    // Receives each result beat; the beat is only valid during the call (its buffers are reused).
    using BeatSink = std::function<void(const cosim::Beat&)>;

    MxmRtlDriver(const MxmParams& params, std::unique_ptr<MxmRtl> rtl, BeatSink sink);
    ~MxmRtlDriver();

    // Holds reset for `cycles` cycles before cycle 0.
    void reset(unsigned cycles) { rtl_->reset(cycles); }
    // Queues `in` for its issue cycle. Throws InputError for a cycle already run, a second
    // instruction of one channel in a cycle, or an f16 LW/ABC (the RTL is int8-only).
    void issue(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    // Runs the RTL on a thread of its own from now on (before the first cycle): run_cycle() then
    // queues the cycle, and beats are reported when the RTL has run it, up to `depth` cycles
    // later, in the same order (MxmRtlWorker).
    void use_thread(size_t depth);
    // Runs cycle next_cycle(): drive, clock, sample, report beats (with a thread: drive, queue,
    // report the beats of the cycles the RTL has run meanwhile).
    void run_cycle();
    // Reports the cycles still queued, flushes a beat held back by a late-output fault and closes
    // the waves.
    void finish();

    uint64_t next_cycle() const { return cycle_; }
    // Cycles whose beats have all been reported: next_cycle(), or less with a thread.
    uint64_t reported_cycles() const { return reported_; }
    uint64_t last_issue() const { return last_issue_; }
    // The last cycle in which an instruction issued so far can still show on the result pins.
    uint64_t settle_cycle() const { return last_issue_ + 2 * p_.superlanes + p_.array_latency + p_.acc_latency; }
    bool idle() const { return pending_count_ == 0; }
    uint64_t beats() const { return beats_; }
    const MxmRtl& rtl() const { return *rtl_; }

    void set_fault(const MxmFault& fault) { fault_ = fault; }
    // Dump the RTL's waves (FST) for cycles [from, to] into `fst_path`.
    void set_wave(const std::string& fst_path, uint64_t from, uint64_t to);
    // Expected result (from the reference model) shown on the tb_exp_* pins in the waves.
    void show_expected(uint64_t first_cycle, const std::vector<int32_t>& values);

private:
    struct Pending {                                  // instructions issued in one cycle
        std::optional<MxmInstr> instr[kMxmChannels];  // indexed by MxmOpcode
        std::vector<uint8_t> lw_data, abc_data;       // buffers kept when the slot is reused
    };
    struct History {  // vector operand issued in a recent cycle, for the stagger
        uint64_t cycle = ~uint64_t{0};
        std::vector<uint8_t> data;
    };

    Pending& pending_slot(uint64_t cycle);  // grows the ring to reach `cycle`
    void drive(uint64_t t);
    void monitor(uint64_t t, const MxmPinsOut& out);
    void report_done(bool wait);  // with a thread: the beats of the cycles it has run

    MxmParams p_;
    std::unique_ptr<MxmRtl> rtl_;
    std::unique_ptr<MxmRtlWorker> worker_;  // destroyed (joined) before rtl_
    BeatSink sink_;
    // Instructions of cycles [cycle_, cycle_ + size) in a ring indexed by cycle & (size - 1),
    // reused cycle after cycle so that queuing allocates nothing once the ring has grown to the
    // initiator's lead (a power of two).
    std::vector<Pending> pending_;
    size_t pending_count_ = 0;                        // cycles holding any instruction
    std::vector<History> lw_hist_, abc_hist_;         // ring buffers indexed by cycle % S
    std::map<uint64_t, std::vector<int32_t>> shown_;  // expected results by first cycle, for waves
    MxmPinsIn in_;
    MxmPinsOut out_;
    uint64_t cycle_ = 0;  // next cycle to run
    uint64_t reported_ = 0;
    uint64_t last_issue_ = 0;
    uint64_t beats_ = 0;
    uint64_t abc_count_ = 0;
    MxmFault fault_;
    cosim::Beat beat_;  // the beat being reported, its buffer reused
    std::optional<cosim::Beat> late_beat_;
    std::string wave_path_;
    uint64_t wave_from_ = 0, wave_to_ = 0;
    bool wave_open_ = false;
};

}  // namespace lpu
