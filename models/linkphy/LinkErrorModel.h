// The bit errors of one direction of one link: which line bits arrive flipped. Error events
// start at independent bits, each bit with probability `ber` (a Bernoulli process); with
// probability `burst_probability` an event is a burst instead of a single flipped bit: it spans
// `burst_bits` bits from the event's bit, which is flipped, and flips each later bit of the span
// independently with probability 1/2. The next event can start at the first bit after a span.
// So without bursts the line bit error rate is exactly `ber`; with them it is higher (each burst
// flips 1 + (burst_bits - 1) / 2 bits on average).
//
// The gaps between events are drawn (geometrically), so the cost grows with the errors, not with
// the bits: a window of 10^15 bits at a BER of 1e-12 costs about a thousand draws. Deterministic
// for (seed, link seed, direction) on every platform: the randomness is Rng's, and the gap's
// logarithm is portable_log, an exact range reduction and IEEE arithmetic, not the C library.
#pragma once

#include "models/common/Rng.h"

#include <cstdint>
#include <vector>

namespace lpu {

struct BitErrorParams {
    double ber = 0;                // probability that a line bit starts an error event
    double burst_probability = 0;  // probability that an event is a burst
    unsigned burst_bits = 0;       // bits a burst spans; 0 or 1: a burst is one flipped bit
};

class LinkErrorModel {
public:
    static constexpr unsigned kMaxBurstBits = 1u << 16;

    // seed: the system's; link_seed: the link's (LinkParams::seed); direction: 0 for the bits a
    // link's end a sends to b, 1 for b to a, so the two directions of a full-duplex link, and
    // every link, draw independent errors. Throws InputError for a ber or burst_probability
    // outside [0, 1] or burst_bits above kMaxBurstBits.
    LinkErrorModel(const BitErrorParams& params, uint64_t seed, uint64_t link_seed, unsigned direction = 0);

    // The next `bits` line bits: appends to `flips` the offsets (from 0, relative to this window,
    // ascending) of the bits that arrive flipped.
    void next(uint64_t bits, std::vector<uint64_t>& flips);

    const BitErrorParams& params() const { return params_; }
    uint64_t position() const { return pos_; }          // line bits passed so far
    uint64_t events() const { return events_; }         // error events started (single or burst)
    uint64_t bursts() const { return bursts_; }         // of which bursts
    uint64_t bits_flipped() const { return flipped_; }  // bits reported flipped so far

    // ln x for finite x > 0, and ln(1 - p) for 0 <= p < 1, with a fixed sequence of IEEE double
    // operations (range reduction by frexp, then an atanh series): the same bits everywhere,
    // unlike std::log, which C libraries round differently. Relative error below 1e-15.
    static double portable_log(double x);
    static double portable_log1m(double p);

private:
    double uniform();     // in [0, 1)
    uint64_t draw_gap();  // bits without an event before the next one
    void start_event();   // the flips of the event at next_event_ into pending_; draws the next

    BitErrorParams params_;
    Rng rng_;
    double log_no_error_ = 0;  // ln(1 - ber)
    uint64_t pos_ = 0;
    uint64_t next_event_ = 0;        // absolute bit of the next event
    std::vector<uint64_t> pending_;  // absolute bits of the current event not yet reported
    size_t pending_head_ = 0;
    uint64_t events_ = 0, bursts_ = 0, flipped_ = 0;
};

}  // namespace lpu
