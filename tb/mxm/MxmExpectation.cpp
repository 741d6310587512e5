#include "MxmExpectation.h"

#include "models/mxm/MxmPlane.h"

namespace lpu {

std::vector<cosim::Beat> mxm_result_beats(const MxmParams& params, const MxmResult& r, const std::string& origin)
{
    std::vector<cosim::Beat> beats(params.superlanes);
    const unsigned G = params.lanes_per_superlane;
    for (unsigned s = 0; s < params.superlanes; ++s) {
        cosim::Beat& b = beats[s];
        b.cycle = r.first_cycle + s;
        b.chunk = s;
        b.lane0 = s * G;
        b.values.assign(r.values.begin() + s * G, r.values.begin() + (s + 1) * G);
        b.origin = origin;
    }
    return beats;
}

MxmExpectation::MxmExpectation(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period,
                               cosim::Checker* checker, unsigned port)
    : sc_module(name), result_socket("result_socket"), p_(params), period_(period), checker_(checker), port_(port)
{
    result_socket.register_b_transport(this, &MxmExpectation::b_transport);
}

void MxmExpectation::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    MxmResultExtension* ext = nullptr;
    trans.get_extension(ext);
    if (!ext || !ext->result) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    const MxmResult& r = *ext->result;
    // The transaction's time is the result's arrival; it must agree with the model's own word.
    if (transaction_cycle(delay, period_) != r.first_cycle) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    ++vectors_;
    if (log_) {
        *log_ << "R " << r.first_cycle << " #" << r.acc_id << " slot " << r.slot << " abc #" << r.abc_id << ":";
        for (int32_t v : r.values)
            *log_ << " " << v;
        *log_ << "\n";
    }
    if (keep_) {
        results_.insert(results_.end(), r.values.begin(), r.values.end());
    }
    if (tap_)
        tap_(r);
    if (checker_) {
        const std::string origin = "ACC " + std::to_string(r.slot) + (r.add ? ", add" : ", set") + ", emit (#" +
                                   std::to_string(r.acc_id) + ", issued cycle " + std::to_string(r.acc_cycle) +
                                   "), product of ABC #" + std::to_string(r.abc_id) + " (issued cycle " +
                                   std::to_string(r.acc_cycle - p_.array_latency) + ")";
        for (cosim::Beat& b : mxm_result_beats(p_, r, origin))
            checker_->expect(port_, std::move(b));
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace lpu
