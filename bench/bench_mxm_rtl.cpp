// Bare Verilator speed of the MXM plane: the pins `lpusim cosim mxm` drives, cycle by cycle, on
// the Verilated RTL alone -- no SystemC, TLM model, transactor or scoreboard -- so that the
// co-simulation's cost can be compared with the RTL's own on the same stimulus.
// usage: lpusim_bench_mxm_rtl --config FILE [--seed N] [--ops N] [--stimulus KIND]
// prints: "bare RTL: <cycles> cycles in <s> s = <cycles/s> cycles/s, <beats> result beats"
//
// The per-cycle inputs are recorded first, untimed, by running MxmRtlDriver (the co-simulation's
// own pin driver) on the stimulus with a recorder in place of the RTL; then only the replay onto
// the Verilated model is timed (wall clock, as `lpusim cosim mxm` reports its speed).
#include "models/spec/ChipSpec.h"
#include "tb/mxm/MxmRtl.h"
#include "tb/mxm/MxmRtlDriver.h"
#include "tb/mxm/MxmRtlTransactor.h"
#include "tb/mxm/MxmStimulus.h"

#include <systemc>

#include <bitset>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

using namespace lpu;

namespace {

// Stands in for the RTL while MxmRtlDriver computes the pins: keeps every cycle's inputs.
class PinRecorder final : public MxmRtl {
public:
    explicit PinRecorder(std::vector<MxmPinsIn>& pins) : pins_(pins) {}
    const char* variant() const override { return "recorder"; }
    const char* isa() const override { return "none"; }
    std::vector<uint32_t> parameters() override { return {}; }
    void reset(unsigned) override {}
    void cycle(uint64_t, const MxmPinsIn& in, MxmPinsOut&) override { pins_.push_back(in); }
    void open_trace(const std::string&) override {}
    void close_trace() override {}

private:
    std::vector<MxmPinsIn>& pins_;
};

struct Options {
    std::string config;
    uint64_t seed = 1;
    uint64_t ops = 2000;
    std::string stimulus = "random";
};

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--config")
            o.config = value;
        else if (key == "--seed")
            o.seed = std::stoull(value);
        else if (key == "--ops")
            o.ops = std::stoull(value);
        else if (key == "--stimulus")
            o.stimulus = value;
        else
            throw std::invalid_argument("unknown option " + key);
    }
    if (o.config.empty() || argc % 2 == 0)
        throw std::invalid_argument("usage: lpusim_bench_mxm_rtl --config FILE [--seed N] [--ops N] [--stimulus KIND]");
    return o;
}

// The pins of every cycle the co-simulation runs for this stimulus: the same instructions in the
// same cycles, and as many cycles (its drain after the last possible result included).
std::vector<MxmPinsIn> record_pins(const MxmParams& mp, const Options& o)
{
    std::vector<MxmPinsIn> pins;
    MxmRtlDriver driver(mp, std::make_unique<PinRecorder>(pins), [](const cosim::Beat&) {});
    MxmStimulus stimulus(mp, o.stimulus, o.seed, o.ops);
    std::vector<MxmOp> ops;
    for (bool more = true; more;) {
        ops.clear();
        more = stimulus.next_cycle(ops);
        for (const MxmOp& op : ops) {
            while (driver.next_cycle() < op.cycle)
                driver.run_cycle();
            driver.issue(op.instr, op.cycle, op.data.data(), op.data.size());
        }
    }
    while (driver.next_cycle() <= driver.settle_cycle() + MxmRtlTransactor::kDrainCycles)
        driver.run_cycle();
    return pins;
}

}  // namespace

// The testbench layer links libsystemc, whose main() calls sc_main().
int sc_main(int argc, char** argv)
{
    try {
        const Options o = parse(argc, argv);
        const ChipSpec spec = load_chip_spec(o.config);
        const std::vector<MxmPinsIn> pins = record_pins(spec.mxm, o);

        std::unique_ptr<MxmRtl> rtl = make_mxm_rtl(spec.mxm, ChipClock::every_ps(spec.chip.period_ps()), false);
        rtl->reset(2);
        MxmPinsOut out;
        uint64_t beats = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (uint64_t t = 0; t < pins.size(); ++t) {
            rtl->cycle(t, pins[t], out);
            beats += std::bitset<64>(out.res_valid).count();
        }
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("bare RTL: %zu cycles in %.6f s = %.0f cycles/s, %llu result beats (RTL variant %s, %s build)\n",
                    pins.size(), wall, static_cast<double>(pins.size()) / wall, static_cast<unsigned long long>(beats),
                    rtl->variant(), rtl->isa());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lpusim_bench_mxm_rtl: %s\n", e.what());
        return 2;
    }
}

// Our own main(), as lpusim's: the SystemC banner stays out of the output unless this is set.
int main(int argc, char** argv)
{
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
