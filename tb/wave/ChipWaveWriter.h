// `lpusim run --wave DIR`: a waveform of the whole chip, DIR/chip.vcd, from the chip's
// observation port (ChipObserver), for a designer debugging a program in GTKWave.
//
// Time base: cycle t starts at t x period ps, the SystemC time base the Verilated MXM FST uses
// (docs/isa.md section 0), so both line up in one viewer; a chip of a system uses its clock on
// the system's time base (docs/system.md), so all chips line up. Signals, scoped like the floorplan:
//   chip.cycle, chip.status                      cycle number; running / done / error:<message>
//   chip.<kind>.<slice>.<queue>.instr            per queue that has instructions: the instruction
//                                                it issues in this cycle (as executed: a repetition
//                                                with its own address), held for the n cycles of a
//                                                NOP n or Ifetch n, parked from the cycle after a Sync
//                                                until the queue is released, idle when it issues
//                                                nothing
//   chip.<kind>.<slice>.<queue>.issue            high for the first half of every issue cycle
//                                                (NOPs excepted), so back-to-back issues show
//   chip.<kind>.<slice>.<queue>.pc               the instruction's index in its queue (as the chip
//                                                numbers it: fetched ones have their own range)
//   chip.streams.<s>.driven                      per stream ever driven: high for the first half of
//                                                each cycle a value is driven onto it
//   chip.streams.<s>.position, .producer         the producer's floorplan position and slice
//                                                (several in one cycle: "MEM_E0+MEM_E5", the
//                                                first one's position and value shown)
//   chip.streams.<s>.lanes_0_3[31:0]             lanes 0..3 of the value, lane 0 in bits 31:24
// Queue scopes are queue names with '.' as '_' (VXM.3 -> VXM_3), since '.' separates scopes.
//
// The file is written as the run goes (VcdWriter) and completed by end(), or by fail() when the
// run stops with an error, so a failing run still leaves a complete waveform up to its failing
// cycle.
#pragma once

#include "models/exec/ChipObserver.h"
#include "models/spec/ChipClock.h"
#include "tb/wave/VcdWriter.h"

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

namespace lpu {

class ChipWaveWriter final : public ChipObserver {
public:
    // Writes `vcd_path`; `period_ps` is the clock period; `title` heads the .gtkw. Throws
    // InputError if the file cannot be created.
    ChipWaveWriter(const std::string& vcd_path, uint64_t period_ps, std::string title);
    // A chip of a system: times on the system's time base, cycle c at clock.start_ps(c).
    ChipWaveWriter(const std::string& vcd_path, const ChipClock& clock, std::string title);
    ~ChipWaveWriter() override;

    // Dumps only cycles from..to (inclusive; the values at the start of `from` first), as `lpusim
    // cosim mxm --wave-window` does; the .gtkw opens on the window. Call before the run.
    void set_window(uint64_t from, uint64_t to);

    void begin(const QueueMap& queues, const Program& program) override;
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override;
    void on_release(size_t q, uint64_t cycle) override;
    void on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& value) override;
    void end(uint64_t cycles) override;
    // Completes the waveform through `cycle`, the cycle the chip stopped in.
    void on_error(uint64_t cycle, const std::string& what) override;

    // The run stopped with `error` outside the chip's loop (or after on_error): completes the
    // waveform through the failing cycle — the first "cycle N" in the text, else the last cycle
    // observed — with chip.status showing the error from that cycle. Returns the failing cycle.
    uint64_t fail(const std::string& error);
    // The run stopped elsewhere (another chip of a system failed): completes the waveform
    // through the last cycle observed, chip.status showing `why`. Returns that cycle.
    uint64_t stop(const std::string& why);
    bool closed() const { return closed_; }

    // After end() or fail(): a GTKWave save file opening the VCD with cycle, status, every active
    // queue's instruction and issue, and every driven stream; zoomed on the start of the run, or
    // on the failing cycle with a marker there.
    void write_gtkw(const std::string& gtkw_path) const;

    // The first "cycle N" in `text`, or `fallback`.
    static uint64_t cycle_in(const std::string& text, uint64_t fallback);

private:
    uint64_t fail_at(uint64_t cycle, const std::string& error);

    struct QueueWave {
        bool active = false;
        std::vector<std::string> scope;
        VcdWriter::Var instr = 0, issue = 0, pc = 0;
        uint64_t issues = 0;  // so far: a text scheduled before the latest issue is stale
        unsigned position = 0;
        // The last disassembly: index and executed operand a name the instruction within its
        // queue, so a repetition (or a Repeat of an op) reuses the text instead of formatting it.
        size_t text_index = ~size_t{0};
        int64_t text_a = 0;
        std::string text;
    };
    struct StreamWave {
        bool declared = false;
        std::string name;
        VcdWriter::Var driven = 0, position = 0, producer = 0, lanes = 0;
        uint64_t last_cycle = ~uint64_t{0};
        std::string producers;  // of the current cycle
    };
    // A text a queue shows from a later cycle on unless it issues: idle, parked after a Sync.
    struct Later {
        uint64_t cycle;
        uint64_t seq;  // insertion order: same-cycle entries apply in a fixed order
        size_t queue;
        uint64_t issues;  // the queue's issue count when scheduled
        const char* text;
        bool operator>(const Later& o) const { return cycle != o.cycle ? cycle > o.cycle : seq > o.seq; }
    };

    void advance_to(uint64_t cycle);
    void at_cycle(uint64_t cycle);  // moves the VCD to the start of `cycle`
    void later(uint64_t cycle, size_t q, const char* text);
    void close(uint64_t end_cycle);  // ends the dump at the start of end_cycle (>= the current one)
    StreamWave& stream(StreamId s);

    std::unique_ptr<VcdWriter> vcd_;
    ChipClock clock_;
    uint64_t half_ps_;
    std::string title_;
    std::vector<QueueWave> queues_;
    std::vector<std::string> slice_at_;  // slice name by floorplan position
    std::vector<StreamWave> east_, west_;
    std::vector<VcdWriter::Var> raised_;  // pulses raised in cycle cur_
    std::priority_queue<Later, std::vector<Later>, std::greater<Later>> later_;
    uint64_t seq_ = 0;
    VcdWriter::Var cycle_var_ = 0, status_var_ = 0;
    uint64_t cur_ = 0;         // the cycle the VCD is in
    uint64_t last_event_ = 0;  // the last cycle with an issue or a drive
    bool closed_ = false;
    bool failed_ = false;
    uint64_t end_cycle_ = 0;  // first cycle after the dump (after close)
    uint64_t fail_cycle_ = 0;
    bool windowed_ = false;
    uint64_t window_from_ = 0, window_to_ = 0;
};

}  // namespace lpu
