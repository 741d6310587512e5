// The reference side of the MXM co-simulation: receives the model's result transactions and
// turns each into the per-superlane beats the checker must see (chunk s at first_cycle + s),
// and records results for the log and the .npy dump.
#pragma once

#include "models/mxm/MxmPayload.h"
#include "tb/cosim/Checker.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <ostream>
#include <vector>

namespace lpu {

// The per-superlane beats a result is expected as: chunk s at first_cycle + s (docs/isa.md 0).
std::vector<cosim::Beat> mxm_result_beats(const MxmParams& params, const MxmResult& result, const std::string& origin);

// The same beats handed to `checker` one by one through `scratch` (its buffers reused: nothing is
// allocated per beat), with the result's ACC and ABC in origin_args for mxm_beat_origin().
void expect_mxm_result(cosim::Checker& checker, unsigned port, const MxmParams& params, const MxmResult& result,
                       cosim::Beat& scratch);
// The origin of a beat made by expect_mxm_result: "ACC 2, add, emit (#57, issued cycle 1210),
// product of ABC #55 (issued cycle 1207)".
std::string mxm_beat_origin(const MxmParams& params, const cosim::Beat& beat);

class MxmExpectation : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<MxmExpectation> result_socket;

    // `checker` may be null (model-only runs).
    MxmExpectation(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period,
                   cosim::Checker* checker, unsigned port);

    void set_log(std::ostream* log) { log_ = log; }
    void keep_results(bool keep) { keep_ = keep; }
    // Called with every result (e.g. to show it in the waves).
    void set_tap(std::function<void(const MxmResult&)> tap) { tap_ = std::move(tap); }

    uint64_t vectors() const { return vectors_; }
    const std::vector<int32_t>& results() const { return results_; }  // vectors() x N, row-major

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    MxmParams p_;
    sc_core::sc_time period_;
    cosim::Checker* checker_;
    unsigned port_;
    std::ostream* log_ = nullptr;
    bool keep_ = false;
    std::function<void(const MxmResult&)> tap_;
    uint64_t vectors_ = 0;
    std::vector<int32_t> results_;
    cosim::Beat scratch_;
};

}  // namespace lpu
