// An extended Hamming code, SEC-DED (single error correct, double error detect), over a data word
// of 1 to 128 bits: r Hamming check bits, the least r with 2^r >= k + r + 1, and an overall parity
// bit, so (72,64) for 64 data bits, (137,128) for 128, (13,8) for 8 (docs/faults.md).
//
// Hamming positions: the overall parity bit is position 0, Hamming check bit j position 2^j, and
// data bit i the i-th position that is not a power of two (3, 5, 6, 7, 9, ...); check bit j is
// the parity of the data bits whose position has bit j set, and the overall parity bit makes the
// whole codeword even. The decoder computes the syndrome s (the check bits recomputed from the
// received data XOR the received check bits) and the received word's overall parity p:
//   s = 0, p = 0   no error seen (clean; also what 4 flips can look like);
//   p = 1          one error assumed: the overall bit (s = 0), check bit j (s = 2^j) or the data
//                  bit at position s is flipped back: corrected (3 flips are "corrected" this way
//                  into a wrong word: a miscorrection), unless s is no position of this code
//                  (a shortened code has unused ones): detected;
//   s != 0, p = 0  an even number of errors: detected, the word left as received.
// Codeword bits are numbered as the fault model stores them: [0, k) the data bits, then check
// bits 0 .. r-1, then the overall parity bit (bit k + r).
#pragma once

#include <cstdint>
#include <vector>

namespace lpu {

class SecDedCode {
public:
    static constexpr unsigned kMaxDataBits = 128;

    // A data word, little-endian: bit i is w[i / 64] >> (i % 64).
    struct Data {
        uint64_t w[2] = {0, 0};
        bool operator==(const Data& o) const { return w[0] == o.w[0] && w[1] == o.w[1]; }
        bool operator!=(const Data& o) const { return !(*this == o); }
        bool bit(unsigned i) const { return (w[i / 64] >> (i % 64)) & 1; }
        void flip(unsigned i) { w[i / 64] ^= uint64_t{1} << (i % 64); }
    };
    enum class Result { clean, corrected, detected };
    struct Decoded {
        Result result = Result::clean;
        int bit = -1;  // the codeword bit a correction flipped, -1 when none
    };

    explicit SecDedCode(unsigned data_bits);

    unsigned data_bits() const { return k_; }
    unsigned hamming_bits() const { return r_; }
    unsigned check_bits() const { return r_ + 1; }
    unsigned codeword_bits() const { return k_ + r_ + 1; }
    // The Hamming position of codeword bit `b` (numbered as above).
    unsigned position(unsigned b) const;

    // The r + 1 check bits of `data` (bit j < r: Hamming check j; bit r: overall parity). Data
    // bits at or above data_bits() must be zero.
    uint32_t encode(const Data& data) const;
    // Decodes a received word in place (a correction flips the data or check bit it names).
    Decoded decode(Data& data, uint32_t& check) const;

private:
    uint32_t hamming(const Data& data) const;

    unsigned k_, r_;
    std::vector<Data> masks_;            // per Hamming check bit: the data bits it covers
    std::vector<int16_t> data_at_;       // per position < 2^r: its data bit, -1 if none
    std::vector<uint16_t> position_of_;  // per data bit: its position
};

}  // namespace lpu
