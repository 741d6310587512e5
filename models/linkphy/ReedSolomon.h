// A Reed-Solomon code RS(n, k) over GF(2^10) (Gf1024): k message symbols, n - k parity symbols,
// correcting t = (n - k) / 2 symbol errors per codeword. The Ethernet codes are RS(544,514)
// ("KP4", t = 15) and RS(528,514) ("KR4", t = 7); any n <= 1023 works, a code shorter than
// 1023 symbols being the full-length code with its leading symbols fixed at zero and not sent.
//
// The generator polynomial is IEEE 802.3 clause 91's: g(x) = (x - alpha^0)(x - alpha^1) ...
// (x - alpha^(n-k-1)), so every codeword c(x) vanishes at alpha^0 .. alpha^(n-k-1). Codewords are
// held in transmit order: symbol 0 is sent first and is the coefficient of x^(n-1); the message
// is symbols 0 .. k-1 (c(x) = m(x) x^(n-k) + (m(x) x^(n-k) mod g(x)), systematic), the parity
// symbols k .. n-1.
//
// The decoder is the textbook one: syndromes, Berlekamp-Massey for the error locator, Chien
// search for its roots, Forney for the error values. It refuses ("uncorrectable") when the
// locator's degree exceeds t, or when it does not have as many distinct roots inside the
// codeword as its degree (roots at the positions a shortened code never sends count as none).
// It never sees what was sent: like the hardware, it can only decode what it received.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace lpu {

class ReedSolomon {
public:
    static constexpr unsigned kMaxN = 1023;

    // Throws InputError unless 0 < k < n <= 1023 (check()).
    ReedSolomon(unsigned n, unsigned k);
    // Throws InputError naming the code unless 0 < k < n <= 1023.
    static void check(unsigned n, unsigned k);

    // One immutable codec per (n, k), shared: the encoder's table is 2 KiB per parity symbol and a
    // system has tens of thousands of links using one or two codes. Safe to call from any thread.
    static std::shared_ptr<const ReedSolomon> shared(unsigned n, unsigned k);

    unsigned n() const { return n_; }
    unsigned k() const { return k_; }
    unsigned parity() const { return n_ - k_; }
    unsigned t() const { return (n_ - k_) / 2; }
    // g_0 .. g_(n-k), lowest degree first; g_(n-k) = 1.
    const std::vector<uint16_t>& generator() const { return gen_; }

    // codeword[0 .. k) holds the message (10-bit symbols); writes the parity to codeword[k .. n).
    void encode(uint16_t* codeword) const;

    // The n - k syndromes S_j = r(alpha^j) of a received word into s; false when all are zero,
    // that is when `received` is a codeword (the common case, which costs one pass of the
    // encoder's division and a compare).
    bool syndromes(const uint16_t* received, uint16_t* s) const;

    struct Result {
        bool ok = true;          // false: uncorrectable, `received` left exactly as it was
        unsigned corrected = 0;  // symbols changed (0 .. t) when ok
    };
    // Decodes n received symbols in place.
    Result decode(uint16_t* received) const;

private:
    // The remainder of m(x) x^(n-k) divided by g(x) for the first k symbols of `word`, highest
    // degree first (the parity an encoder would send after them).
    void remainder(const uint16_t* word, uint16_t* rem) const;
    // The error locator Lambda (lambda[0] = 1) for n - k syndromes; returns its length L.
    unsigned berlekamp_massey(const uint16_t* s, uint16_t* lambda) const;
    // Chien search and Forney: the L error positions (indices into the codeword) and values, or
    // false when Lambda does not have L distinct roots inside the codeword.
    bool locate(const uint16_t* s, const uint16_t* lambda, unsigned L, unsigned* index, uint16_t* value) const;

    unsigned n_, k_;
    std::vector<uint16_t> gen_;
    // The division's shift register is n - k symbols held four to a 64-bit word (symbol i in bits
    // 16 (i % 4) of word i / 4), so one step is a shift and an XOR per word, in registers.
    // rows_[f * words_ + w]: the word w of the row f g_(n-k-1), f g_(n-k-2), ..., f g_0 that a
    // feedback symbol f adds; lead_[f] = f g_(n-k-1), its first symbol, which alone decides the next
    // feedback: the loop's critical path is one small-table load, not a load of a whole row.
    unsigned words_;
    std::vector<uint64_t> rows_;
    std::vector<uint16_t> lead_;
};

}  // namespace lpu
