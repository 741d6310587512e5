// GF(2^10), the field of the Ethernet RS FEC symbols (IEEE 802.3 clause 91): elements are 10-bit
// polynomials over GF(2) modulo the primitive polynomial x^10 + x^3 + 1, and alpha = x generates
// the 1023 non-zero elements. Multiplication goes through log/antilog tables (built at compile
// time), so a product costs two loads, an add and a load; addition is XOR.
#pragma once

#include <array>
#include <cstdint>

namespace lpu {

class Gf1024 {
public:
    static constexpr unsigned kBits = 10;
    static constexpr unsigned kSize = 1u << kBits;  // elements
    static constexpr unsigned kOrder = kSize - 1;   // of the multiplicative group: alpha^1023 = 1
    static constexpr uint16_t kPoly = 0x409;        // x^10 + x^3 + 1
    static constexpr uint16_t kMask = kSize - 1;

    static uint16_t mul(uint16_t a, uint16_t b) { return a && b ? exp_[log_[a] + log_[b]] : 0; }
    // a / b for b != 0.
    static uint16_t div(uint16_t a, uint16_t b) { return a ? exp_[log_[a] + kOrder - log_[b]] : 0; }
    // 1 / a for a != 0.
    static uint16_t inv(uint16_t a) { return exp_[kOrder - log_[a]]; }
    // alpha^i for any i.
    static uint16_t alpha_pow(uint64_t i) { return exp_[i % kOrder]; }
    // alpha^i for i < 2 * kOrder: the table repeats once, so a sum of two logs needs no modulo.
    static uint16_t exp(unsigned i) { return exp_[i]; }
    // The i in alpha^i = a, for a != 0: 0 .. 1022.
    static unsigned log(uint16_t a) { return log_[a]; }

private:
    static const std::array<uint16_t, 2 * kOrder> exp_;
    static const std::array<uint16_t, kSize> log_;
};

}  // namespace lpu
