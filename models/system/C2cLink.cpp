#include "C2cLink.h"

#include "models/linkphy/FecCode.h"

#include <cmath>
#include <stdexcept>

namespace lpu {

// Each vector crosses as a burst of its own (FecCode::burst): its arrival never waits for the
// next Send, so the compiler can know it exactly.
LinkTiming LinkTiming::of(const ChipSpec& sender, const LinkParams& link, unsigned vector_bytes)
{
    LinkTiming t;
    t.line_bits = FecCode::parse(link.fec).burst(vector_bytes, link.framing_overhead).line_bits;
    const double bits_per_ps = sender.c2c.lanes_per_link * sender.c2c.gbps_per_lane * 1e-3;  // Gb/s = 1e-3 bit/ps
    t.serialise_ps = static_cast<uint64_t>(std::ceil(static_cast<double>(t.line_bits) / bits_per_ps));
    const uint64_t fixed_cycles = uint64_t{link.cable_latency} + link.serdes_latency + link.fec_latency;
    t.latency_ps = t.serialise_ps + fixed_cycles * sender.chip.period_ps();
    return t;
}

LinkLine LinkLine::of(const LinkParams& link, uint64_t system_seed)
{
    LinkLine l;
    l.code = FecCode::parse(link.fec);
    l.framing_overhead = link.framing_overhead;
    l.errors = BitErrorParams{link.ber, link.burst_probability, link.burst_bits};
    l.seed = system_seed;
    l.link_seed = link.seed;
    return l;
}

LinkDirection::LinkDirection(unsigned link, unsigned direction, LinkTiming timing, LinkLine line,
                             tlm::tlm_fw_transport_if<>& receiver)
    : link_(link), direction_(direction), timing_(timing), line_(line), receiver_(receiver)
{
    reset();
}

LinkDirection::~LinkDirection() = default;

void LinkDirection::reset()
{
    vectors_ = bytes_ = busy_ps_ = 0;
    clean_codewords_ = 0;
    flights_.clear();
    if (!complement_)  // a complemented run replays the poisoned vectors of the run before
        poisoned_.clear();
    next_poisoned_ = 0;
    phy_.reset();
    if (line_.errors.ber > 0)
        phy_ = std::make_unique<LinkPhy>(line_.code,
                                         LinkErrorModel(line_.errors, line_.seed, line_.link_seed, direction_));
}

LinkDirectionStats LinkDirection::stats() const
{
    LinkDirectionStats s;
    s.vectors = vectors_;
    s.bytes = bytes_;
    s.busy_ps = busy_ps_;
    if (phy_) {
        s.phy = phy_->counters();
        return s;
    }
    s.phy.codewords = clean_codewords_;
    if (!line_.code.is_none()) {
        s.phy.symbol_errors.assign(line_.code.t() + 2, 0);
        s.phy.symbol_errors[0] = clean_codewords_;
    }
    s.phy.vectors = vectors_;
    return s;
}

void LinkDirection::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    ++vectors_;
    bytes_ += trans.get_data_length();
    busy_ps_ += timing_.serialise_ps;
    const uint64_t sent = delay.value();
    delay += sc_core::sc_time::from_value(timing_.latency_ps);
    if (keep_flights_)
        flights_.emplace_back(sent, delay.value());
    if (!phy_) {
        clean_codewords_ += line_.code.burst(trans.get_data_length(), line_.framing_overhead).codewords;
        receiver_.b_transport(trans, delay);
        return;
    }
    unsigned char* sent_data = trans.get_data_ptr();
    ReceivedVector got;
    carry(trans, got);
    receiver_.b_transport(trans, delay);
    trans.set_data_ptr(sent_data);
}

void LinkDirection::carry(tlm::tlm_generic_payload& trans, ReceivedVector& got)
{
    const uint64_t failed = phy_->counters().uncorrectable_codewords;
    phy_->send_burst(trans.get_data_ptr(), trans.get_data_length(), line_.framing_overhead);
    if (!phy_->receive(got))
        throw std::logic_error("LinkDirection: a burst's vector was not delivered");
    if (got.poisoned) {
        if (C2cExtension* ext = trans.get_extension<C2cExtension>()) {
            ext->poisoned = true;
            ext->uncorrectable = static_cast<unsigned>(phy_->counters().uncorrectable_codewords - failed);
        }
        if (!complement_) {
            poisoned_.push_back(got.data);
        } else {
            // The same vectors are poisoned in both runs (same seed, errors independent of data).
            if (next_poisoned_ >= poisoned_.size())
                throw std::logic_error("LinkDirection: more poisoned vectors than in the run before");
            const std::vector<uint8_t>& before = poisoned_[next_poisoned_++];
            got.data.resize(before.size());
            for (size_t i = 0; i < before.size(); ++i)
                got.data[i] = static_cast<uint8_t>(~before[i]);
        }
    }
    trans.set_data_ptr(got.data.data());
}

}  // namespace lpu
