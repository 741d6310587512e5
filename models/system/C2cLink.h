// One C2C link between two chips' ports, full duplex, as two TLM-2.0 channels (docs/system.md).
// A direction receives each vector a Send puts on it as a tlm_generic_payload (the vector's
// bytes, a C2cExtension saying which Send) through its forward interface, with the delay
// annotated as the Send's time on the system's picosecond time base; it adds its own latency
// (serialisation, SerDes, FEC, cable) to the delay and passes the transaction on to the
// receiving port's forward interface. No back-pressure, no retransmission, no arbitration: the
// link always accepts (docs/isa.md 3.6). Another link model (a SerDes or FEC model, RTL behind a
// transactor) implements the same interface and is put in its place (LinkDirection::set_model).
//
// With a bit error rate, a direction sends each vector through a LinkPhy (docs/link-errors.md):
// a burst of its own, seeded bit errors, a real Reed-Solomon decoder; the receiver gets the
// decoder's output, poisoned when a codeword was uncorrectable. Without errors no LinkPhy
// exists (a large system has hundreds of thousands of directions) and the counters are
// arithmetic: every codeword clean.
#pragma once

#include "models/c2c/C2cPorts.h"
#include "models/linkphy/LinkPhy.h"
#include "models/system/C2cExtension.h"
#include "models/system/LtTarget.h"
#include "models/topology/SystemSpec.h"

#include <tlm>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

// Per-direction figures of a run.
struct LinkDirectionStats {
    uint64_t vectors = 0, bytes = 0;
    uint64_t busy_ps = 0;  // time the direction spent serialising vectors
    LinkPhyCounters phy;   // codewords, symbol errors, poisoned vectors (docs/link-errors.md)
};

// What a direction's line does to the bits of its vectors: the code, the framing, the bit
// errors and their seeds (the system's, the link's, the direction: the same errors on any
// number of ranks or threads, since one rank, the sender's, owns a direction).
struct LinkLine {
    FecCode code;
    double framing_overhead = 0;
    BitErrorParams errors;
    uint64_t seed = 0, link_seed = 0;

    static LinkLine of(const LinkParams& link, uint64_t system_seed);
};

// Serialisation of one vector on a link: its line bits (framing, FEC parity) over the lanes.
struct LinkTiming {
    uint64_t line_bits = 0;     // per vector
    uint64_t serialise_ps = 0;  // line bits at lanes x rate
    uint64_t latency_ps = 0;    // from the Send's time to the vector's arrival at the far port

    // `sender` is the sending chip's spec (lanes, rate, nominal clock).
    static LinkTiming of(const ChipSpec& sender, const LinkParams& link, unsigned vector_bytes);
};

class LinkDirection final : public LtTarget {
public:
    // Vectors from (sending chip, port) to `receiver` (the far chip's port as a forward interface).
    LinkDirection(unsigned link, unsigned direction, LinkTiming timing, LinkLine line,
                  tlm::tlm_fw_transport_if<>& receiver);
    ~LinkDirection() override;

    const LinkTiming& timing() const { return timing_; }
    // This run's figures so far.
    LinkDirectionStats stats() const;
    // Starts a run: no vectors sent, the bit errors from their first (same seed, same errors).
    void reset();
    // Delivers every poisoned vector as the complement of what the run before delivered for it
    // (a differential run finding what poisoned data reaches; docs/link-errors.md). Not of what
    // arrives now: a vector poisoned on two hops arrives at the second already complemented, and
    // complementing it again would deliver the first run's bytes, hiding what it reaches.
    void complement_poisoned(bool on)
    {
        complement_ = on;
        next_poisoned_ = 0;
    }
    // Replaces how a transaction crosses the link (nullptr: this link's own latency only). The
    // model receives the transactions and must pass each on to `receiver`.
    tlm::tlm_fw_transport_if<>& entry() { return model_ ? *model_ : *this; }
    void set_model(tlm::tlm_fw_transport_if<>* model) { model_ = model; }
    // The receiving port (or, across ranks, the way to it): where a model passes transactions on.
    tlm::tlm_fw_transport_if<>& receiver() { return receiver_; }
    // Keeps the send and arrival time (ps) of every vector, for a trace.
    void keep_flights(bool on) { keep_flights_ = on; }
    const std::vector<std::pair<uint64_t, uint64_t>>& flights() const { return flights_; }

    // Loosely timed: `delay` is the Send's time in ps on entry, the arrival's on exit.
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;

private:
    // Through the LinkPhy: points `trans` at what the decoder delivers into `got`, poisoned or not.
    void carry(tlm::tlm_generic_payload& trans, ReceivedVector& got);

    unsigned link_, direction_;
    LinkTiming timing_;
    LinkLine line_;
    tlm::tlm_fw_transport_if<>& receiver_;
    tlm::tlm_fw_transport_if<>* model_ = nullptr;
    uint64_t vectors_ = 0, bytes_ = 0, busy_ps_ = 0;  // stats() adds the LinkPhy's counters
    std::unique_ptr<LinkPhy> phy_;                    // only with bit errors
    uint64_t clean_codewords_ = 0;                    // without a LinkPhy: codewords sent, all clean
    bool complement_ = false;
    std::vector<std::vector<uint8_t>> poisoned_;  // what a run without complement_ delivered, in order
    size_t next_poisoned_ = 0;                    // the next of those a complemented run delivers
    bool keep_flights_ = false;
    std::vector<std::pair<uint64_t, uint64_t>> flights_;
};

}  // namespace lpu
