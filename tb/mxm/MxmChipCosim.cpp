#include "MxmChipCosim.h"

#include "models/common/Error.h"
#include "tb/mxm/MxmCosim.h"
#include "tb/mxm/MxmExpectation.h"

#include <algorithm>
#include <filesystem>

namespace lpu {

namespace {
constexpr unsigned kLookahead = 8;  // as in `lpusim cosim mxm`: room to diagnose late beats
}  // namespace

MxmChipCosim::MxmChipCosim(const MxmParams& params, const ChipClock& clock, const std::vector<std::string>& plane_names,
                           const std::string& wave_dir, uint64_t wave_from, uint64_t wave_to)
    : p_(params), checker_(kLookahead), names_(plane_names), used_(plane_names.size(), false), clock_(clock),
      wave_dir_(wave_dir), wave_from_(wave_from), wave_to_(wave_to)
{
    for (size_t i = 0; i < plane_names.size(); ++i) {
        // The plane's name, then the ACC's own description ("MXM_W0: ACC 2, add, emit ...").
        const std::string name = plane_names[i];
        const unsigned port = checker_.add_port(
            name, [name, params](const cosim::Beat& b) { return name + ": " + mxm_beat_origin(params, b); });
        ports_.push_back(port);
        planes_.push_back(
            std::make_unique<MxmRtlDriver>(params, make_mxm_rtl(params, clock, !wave_dir.empty()),
                                           [this, port](const cosim::Beat& b) { checker_.observe(port, b); }));
        planes_.back()->reset(2);
        if (!wave_dir.empty())  // the file opens when the plane runs its first cycle
            planes_.back()->set_wave(wave_dir + "/" + plane_names[i] + ".fst", wave_from, wave_to);
    }
}

std::string MxmChipCosim::variant() const { return planes_.empty() ? "" : planes_[0]->rtl().variant(); }

void MxmChipCosim::on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    used_.at(plane) = true;
    planes_.at(plane)->issue(in, cycle, data, len);
}

void MxmChipCosim::on_result(unsigned plane, const MxmResult& r)
{
    expect_mxm_result(checker_, ports_.at(plane), p_, r, scratch_);
    planes_[plane]->show_expected(r.first_cycle, r.values);
}

void MxmChipCosim::run_until(uint64_t cycle)
{
    // Planes that never received an instruction stay idle and need no clocking.
    for (size_t i = 0; i < planes_.size(); ++i)
        if (used_[i])
            while (planes_[i]->next_cycle() < cycle)
                planes_[i]->run_cycle();
    checker_.advance(cycle);
    check();
}

void MxmChipCosim::advance(uint64_t cycle) { run_until(cycle); }

void MxmChipCosim::finish(uint64_t last_cycle)
{
    // Past the program's end the RTL keeps running until late or surplus beats would show.
    const uint64_t drain = 2 * p_.superlanes + p_.array_latency + p_.acc_latency + kLookahead + 1;
    run_until(std::max(last_cycle, checker_.last_expected_cycle()) + drain);
    for (size_t i = 0; i < planes_.size(); ++i) {
        planes_[i]->finish();
        const std::string fst = wave_dir_ + "/" + names_[i] + ".fst";
        if (!wave_dir_.empty() && used_[i] && std::filesystem::exists(fst)) {  // none: the window missed the plane
            const uint64_t end = std::min(planes_[i]->next_cycle(), wave_to_ == ~uint64_t{0} ? wave_to_ : wave_to_ + 1);
            write_mxm_gtkw(wave_dir_ + "/" + names_[i] + ".gtkw", std::filesystem::absolute(fst).string(), p_,
                           clock_.start_ps(std::min(wave_from_, end)), clock_.start_ps(end), -1);
            waves_written_.push_back(fst);
        }
    }
    checker_.finish();
    check();
}

void MxmChipCosim::check() const
{
    if (const cosim::Divergence* d = checker_.first_divergence())
        throw CheckError("MXM co-simulation against RTL variant " + variant() + ": " + d->describe());
}

}  // namespace lpu
