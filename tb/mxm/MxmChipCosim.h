// `lpusim run --cosim mxm`: every MXM plane of a whole-chip run also runs on its Verilated RTL,
// in lockstep, and every result beat of the RTL is checked, value and cycle, against the
// model's (which is what flows on through the streams). The first divergence ends the run
// with a CheckError carrying the report.
#pragma once

#include "models/mxm/MxmObserver.h"
#include "tb/cosim/CycleScoreboard.h"
#include "tb/mxm/MxmRtlDriver.h"

#include <memory>
#include <string>
#include <vector>

namespace lpu {

class MxmChipCosim final : public MxmObserver {
public:
    // `plane_names` in plane order (e.g. "MXM_W0"); throws InputError if no RTL variant matches.
    // With a `wave_dir`, every plane that runs writes wave_dir/<plane>.fst and .gtkw, on the
    // chip's clock (a system's time base for a chip of a system), of cycles wave_from..wave_to only.
    MxmChipCosim(const MxmParams& params, const ChipClock& clock, const std::vector<std::string>& plane_names,
                 const std::string& wave_dir = "", uint64_t wave_from = 0, uint64_t wave_to = ~uint64_t{0});

    void on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len) override;
    void on_result(unsigned plane, const MxmResult& result) override;
    void advance(uint64_t cycle) override;
    void finish(uint64_t last_cycle) override;

    uint64_t beats_checked() const { return checker_.beats_checked(); }
    // The waveform files written (after finish()).
    const std::vector<std::string>& waves() const { return waves_written_; }
    std::string variant() const;

private:
    void run_until(uint64_t cycle);  // runs every plane's RTL through cycle - 1
    void check() const;

    MxmParams p_;
    cosim::CycleScoreboard checker_;
    std::vector<std::string> names_;
    std::vector<unsigned> ports_;
    std::vector<std::unique_ptr<MxmRtlDriver>> planes_;
    std::vector<bool> used_;  // planes that received an instruction
    ChipClock clock_;
    std::string wave_dir_;
    uint64_t wave_from_, wave_to_;
    std::vector<std::string> waves_written_;
    cosim::Beat scratch_;  // reused for every expected beat
};

}  // namespace lpu
