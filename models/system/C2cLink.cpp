#include "C2cLink.h"

#include "models/common/Error.h"

#include <cmath>

namespace lpu {

namespace {

// The Reed-Solomon code of a link's FEC (docs/link-errors.md): n and k in 10-bit symbols.
struct RsCode {
    unsigned n = 0, k = 0;  // 0, 0: no FEC
};

RsCode rs_code(const std::string& fec)
{
    if (fec == "kp4")
        return {544, 514};
    if (fec == "kr4")
        return {528, 514};
    if (fec == "none")
        return {};
    throw InputError("unknown FEC code '" + fec + "' (expected kp4, kr4 or none)");
}

}  // namespace

// Each vector crosses as a burst of its own: its bytes and framing as 10-bit symbols, in
// codewords of the link's code shortened to fit, each with its n - k parity symbols (a shortened
// Reed-Solomon code corrects as many symbols as the full one). A vector's arrival then never
// waits for the next Send, so the compiler can know it exactly.
LinkTiming LinkTiming::of(const ChipSpec& sender, const LinkParams& link, unsigned vector_bytes)
{
    const RsCode code = rs_code(link.fec);
    const double payload_bits = vector_bytes * 8.0 * (1.0 + link.framing_overhead);
    LinkTiming t;
    if (code.n == 0) {
        t.line_bits = static_cast<uint64_t>(std::ceil(payload_bits));
    } else {
        const uint64_t symbols = static_cast<uint64_t>(std::ceil(payload_bits / 10.0));
        const uint64_t codewords = (symbols + code.k - 1) / code.k;
        t.line_bits = (symbols + codewords * (code.n - code.k)) * 10;
    }
    const double bits_per_ps = sender.c2c.lanes_per_link * sender.c2c.gbps_per_lane * 1e-3;  // Gb/s = 1e-3 bit/ps
    t.serialise_ps = static_cast<uint64_t>(std::ceil(static_cast<double>(t.line_bits) / bits_per_ps));
    const uint64_t fixed_cycles = uint64_t{link.cable_latency} + link.serdes_latency + link.fec_latency;
    t.latency_ps = t.serialise_ps + fixed_cycles * sender.chip.period_ps();
    return t;
}

LinkDirection::LinkDirection(unsigned link, unsigned direction, LinkTiming timing, tlm::tlm_fw_transport_if<>& receiver)
    : link_(link), direction_(direction), timing_(timing), receiver_(receiver)
{}

void LinkDirection::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    ++stats_.vectors;
    stats_.bytes += trans.get_data_length();
    stats_.busy_ps += timing_.serialise_ps;
    const uint64_t sent = delay.value();
    delay += sc_core::sc_time::from_value(timing_.latency_ps);
    if (keep_flights_)
        flights_.emplace_back(sent, delay.value());
    receiver_.b_transport(trans, delay);
}

tlm::tlm_sync_enum LinkDirection::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                  sc_core::sc_time& delay)
{
    b_transport(trans, delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
}

}  // namespace lpu
