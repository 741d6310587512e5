// Which forward error correction a link uses: a Reed-Solomon code RS(n, k) over 10-bit symbols
// (ReedSolomon) or none. Named as a system file names it (LinkParams::fec): "kp4" is RS(544,514)
// (100GBASE-KP4 / 200G and 400G Ethernet, t = 15), "kr4" RS(528,514) (100GBASE-KR4, t = 7),
// "rs(n,k)" any other code, "none" no FEC. Also the arithmetic of what the code costs on the line.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

// How one vector crosses a system's link as a burst of its own (FecCode::burst): its payload
// bits, then its framing bits, as 10-bit message symbols in codewords of the code shortened to
// fit. Every codeword but the last carries k message symbols, the last `last_symbols`; each
// adds its n - k parity symbols. Without FEC there are no symbols: the line carries the payload
// and framing bits as they are.
struct VectorBurst {
    uint64_t payload_bits = 0;  // the vector's bytes x 8
    uint64_t symbols = 0;       // message symbols: payload and framing bits, rounded up (0 without FEC)
    uint64_t codewords = 0;     // (0 without FEC)
    unsigned last_symbols = 0;  // message symbols of the last codeword
    uint64_t line_bits = 0;     // on the line, parity included
};

class FecCode {
public:
    FecCode() = default;  // none
    static FecCode none() { return {}; }
    // Throws InputError unless 0 < k < n <= 1023.
    static FecCode rs(unsigned n, unsigned k);
    // "kp4", "kr4", "none" or "rs(n,k)" (any case, no spaces). Throws InputError saying what is allowed.
    static FecCode parse(const std::string& text);

    bool is_none() const { return n_ == 0; }
    unsigned n() const { return n_; }  // 0 without FEC
    unsigned k() const { return k_; }
    unsigned t() const { return (n_ - k_) / 2; }
    // "kp4", "kr4", "none" or "rs(n,k)": parse(name()) gives the same code.
    std::string name() const;

    // Line bits per payload bit that the code adds: n / k (1 without FEC).
    double rate_expansion() const { return is_none() ? 1.0 : double(n_) / k_; }
    // Line bits that carry one vector of `vector_bytes` on average, for serialisation timing: its
    // payload bits times n / k (codewords span vectors, so over a stream each vector carries
    // exactly its share of parity), plus `framing_overhead` x its payload bits of framing (as
    // LinkParams::framing_overhead defines it). A flush() pads a last partial codeword; that
    // padding is not in this average.
    double line_bits_per_vector(unsigned vector_bytes, double framing_overhead) const;
    // One vector of `vector_bytes` as a burst of its own, with framing_overhead x its payload
    // bits of framing: what a system's link sends (its timing and its errors). A vector's
    // arrival then never waits for the next Send, so the compiler can know it exactly.
    VectorBurst burst(unsigned vector_bytes, double framing_overhead) const;

    bool operator==(const FecCode& o) const { return n_ == o.n_ && k_ == o.k_; }
    bool operator!=(const FecCode& o) const { return !(*this == o); }

private:
    unsigned n_ = 0, k_ = 0;
};

}  // namespace lpu
