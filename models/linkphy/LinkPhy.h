// What one direction of a C2C link does to the vectors it carries: their bytes, one vector after
// another (any size, e.g. 16 or 320 bytes), form a payload bit stream (byte 0 first, each byte
// least significant bit first); the FEC cuts it into messages of k 10-bit symbols (each symbol
// least significant bit first), encodes each into a codeword of n symbols (ReedSolomon), sends
// the codeword's 10 n bits in order over the line, where the LinkErrorModel flips some, and
// decodes what arrives. Codewords span vector boundaries (a KP4 codeword carries 642.5 bytes,
// about two 320-byte vectors), so a vector is delivered once every codeword holding its bits is
// decoded; flush() ends the stream by padding the last codeword with zero bits, as a link going
// idle would fill it.
//
// Each delivered vector says whether it is *poisoned*: some codeword holding its bits was
// uncorrectable, so its data (what the decoder received, uncorrected) is not to be trusted. A
// vector that is not poisoned is the decoder's output, bit-exact unless the decoder miscorrected
// (decoded a word with more than t errors into another codeword without noticing: for KP4 about
// 5e-17 of such words, for KR4 2e-6; docs/link-errors.md). The simulator, unlike the hardware, knows
// what was sent: every vector carries `bit_errors`, the bits delivered different from those
// sent, and the counters count miscorrected codewords, so no wrong data is ever delivered
// silently. Without FEC ("none") the flipped payload bits reach the receiver as they are and are
// counted as unprotected bit errors.
#pragma once

#include "models/linkphy/FecCode.h"
#include "models/linkphy/LinkErrorModel.h"
#include "models/linkphy/ReedSolomon.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lpu {

enum class DecodePolicy {
    // A codeword the error model left untouched is delivered as sent, neither encoded nor decoded:
    // the decoder returns a codeword it receives unchanged, so the result is identical and an
    // error-free codeword costs a copy.
    skip_clean,
    // Encode, send and decode every codeword, and unpack every decoded message into bytes: the
    // check that skip_clean changes nothing (tests/unit/test_link_phy.cpp compares the two).
    every_codeword,
};

struct ReceivedVector {
    uint64_t index = 0;         // 0, 1, 2, ... in the order sent on this link
    std::vector<uint8_t> data;  // as the receiver gets it
    bool poisoned = false;      // an uncorrectable codeword holds some of its bits
    uint32_t bit_errors = 0;    // bits of data that differ from what was sent (the simulator's view)
};

struct LinkPhyCounters {
    uint64_t codewords = 0;  // decoded (with FEC), including padded ones
    // [j] for j <= t: codewords decoded with j symbols corrected; [t + 1]: uncorrectable (more
    // than t symbols in error). Empty without FEC.
    std::vector<uint64_t> symbol_errors;
    uint64_t corrected_codewords = 0;  // decoded with at least one symbol corrected
    uint64_t uncorrectable_codewords = 0;
    uint64_t miscorrected_codewords = 0;  // decoded "successfully" into wrong data
    uint64_t bits_flipped = 0;            // line bits flipped: codeword bits with FEC, payload bits without
    uint64_t padding_bits = 0;            // zero payload bits flush() added to end a codeword
    uint64_t vectors = 0;                 // delivered
    uint64_t vectors_poisoned = 0;
    uint64_t vectors_with_bit_errors = 0;  // delivered with some bit_errors (poisoned or not)
    uint64_t unprotected_bit_errors = 0;   // without FEC: flipped payload bits delivered
};

class LinkPhy {
public:
    LinkPhy(const FecCode& code, LinkErrorModel errors, DecodePolicy policy = DecodePolicy::skip_clean);

    const FecCode& code() const { return code_; }
    const LinkErrorModel& errors() const { return errors_; }
    const LinkPhyCounters& counters() const { return counters_; }

    // Sends the next vector (at least one byte). Every codeword it completes is decoded now.
    void send(const uint8_t* data, size_t bytes);
    void send(const std::vector<uint8_t>& vector) { send(vector.data(), vector.size()); }
    // Ends the stream: pads and decodes the last partial codeword, so every vector sent is
    // delivered. The next vector starts a new codeword.
    void flush();
    // Sends the next vector as a burst of its own (FecCode::burst, as a system's link does): its
    // bytes, then framing_overhead x its bits of framing (zero bits), in codewords of the code
    // shortened to fit, so the vector is delivered now. Framing bits take errors like any
    // other: an uncorrectable codeword of the burst poisons the vector even if it holds
    // framing only. Without FEC the flips of framing bits are counted in bits_flipped only.
    // Call between flushes only (logic_error otherwise).
    void send_burst(const uint8_t* data, size_t bytes, double framing_overhead);

    // Vectors sent whose codewords are not all decoded yet.
    size_t in_flight() const { return pending_.size(); }
    // Delivered vectors not yet taken, in the order sent.
    size_t ready() const { return ready_.size() - ready_head_; }
    // Takes the oldest delivered vector; false when there is none.
    bool receive(ReceivedVector& out);

private:
    struct Pending {
        uint64_t index = 0;
        uint64_t start_byte = 0;  // in the payload stream since the last flush
        std::vector<uint8_t> sent, received;
        bool poisoned = false;
    };
    struct Outcome;

    // `line_bits` >= 8 bytes: those past the payload are framing.
    void send_unprotected(const uint8_t* data, size_t bytes, uint64_t line_bits);
    // The next codeword of the stream (padded with zero bits past the last vector sent), of
    // `k` message symbols: the code's k, or fewer for the code shortened. False: uncorrectable.
    bool process_codeword(unsigned k);
    Outcome decode_codeword(const ReedSolomon& rs, uint8_t* bytes, unsigned shift);
    // The codec of the code shortened to k message symbols (the code's own for k = code_.k()).
    const ReedSolomon& codec(unsigned k);
    // The stream's bytes [first, first + count) as far as vectors cover them, zero elsewhere.
    void gather(uint64_t first, size_t count, uint8_t* out) const;
    // ORs bytes into the received copies of the vectors covering [first, first + count).
    void scatter(uint64_t first, size_t count, const uint8_t* in);
    void poison(uint64_t from_bit, uint64_t to_bit);
    void deliver_complete();
    void deliver(Pending& p);

    FecCode code_;
    std::shared_ptr<const ReedSolomon> rs_;         // null without FEC
    std::shared_ptr<const ReedSolomon> shortened_;  // the last shortened code codec() gave
    LinkErrorModel errors_;
    DecodePolicy policy_;
    LinkPhyCounters counters_;
    std::vector<Pending> pending_;  // in the order sent
    std::vector<ReceivedVector> ready_;
    size_t ready_head_ = 0;
    uint64_t stream_bytes_ = 0;  // payload bytes sent since the last flush
    uint64_t codeword_bit_ = 0;  // payload bit where the next codeword starts
    uint64_t next_index_ = 0;
    std::vector<uint64_t> flips_;  // scratch: one codeword's flipped bits
};

}  // namespace lpu
