#include "MxmExpectation.h"

#include "models/mxm/MxmPlane.h"

namespace lpu {

namespace {
// Chunk s of result r: lanes [s G, (s + 1) G) at first_cycle + s.
void fill_beat(const MxmParams& params, const MxmResult& r, unsigned s, cosim::Beat& b)
{
    const unsigned G = params.lanes_per_superlane;
    b.cycle = r.first_cycle + s;
    b.chunk = s;
    b.lane0 = s * G;
    b.values.assign(r.values.begin() + s * G, r.values.begin() + (s + 1) * G);
}

// origin_args of a result's beats, read back by mxm_beat_origin().
enum OriginArg { kAccId, kAccCycle, kAbcId, kSlotAdd };
}  // namespace

std::vector<cosim::Beat> mxm_result_beats(const MxmParams& params, const MxmResult& r, const std::string& origin)
{
    std::vector<cosim::Beat> beats(params.superlanes);
    for (unsigned s = 0; s < params.superlanes; ++s) {
        fill_beat(params, r, s, beats[s]);
        beats[s].origin = origin;
    }
    return beats;
}

void expect_mxm_result(cosim::Checker& checker, unsigned port, const MxmParams& params, const MxmResult& r,
                       cosim::Beat& scratch)
{
    scratch.origin.clear();
    scratch.origin_args[kAccId] = r.acc_id;
    scratch.origin_args[kAccCycle] = r.acc_cycle;
    scratch.origin_args[kAbcId] = r.abc_id;
    scratch.origin_args[kSlotAdd] = uint64_t{r.slot} << 1 | (r.add ? 1 : 0);
    for (unsigned s = 0; s < params.superlanes; ++s) {
        fill_beat(params, r, s, scratch);
        checker.expect(port, scratch);
    }
}

std::string mxm_beat_origin(const MxmParams& params, const cosim::Beat& b)
{
    const uint64_t acc_cycle = b.origin_args[kAccCycle];
    return "ACC " + std::to_string(b.origin_args[kSlotAdd] >> 1) + (b.origin_args[kSlotAdd] & 1 ? ", add" : ", set") +
           ", emit (#" + std::to_string(b.origin_args[kAccId]) + ", issued cycle " + std::to_string(acc_cycle) +
           "), product of ABC #" + std::to_string(b.origin_args[kAbcId]) + " (issued cycle " +
           std::to_string(acc_cycle - params.array_latency) + ")";
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
    if (checker_)
        expect_mxm_result(*checker_, port_, p_, r, scratch_);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace lpu
