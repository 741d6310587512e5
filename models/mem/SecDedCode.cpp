#include "SecDedCode.h"

#include <stdexcept>
#include <string>

namespace lpu {

namespace {

unsigned parity(uint64_t x) { return static_cast<unsigned>(__builtin_parityll(x)); }
unsigned parity(const SecDedCode::Data& d) { return parity(d.w[0] ^ d.w[1]); }

}  // namespace

SecDedCode::SecDedCode(unsigned data_bits) : k_(data_bits), r_(1)
{
    if (data_bits == 0 || data_bits > kMaxDataBits)
        throw std::invalid_argument("SecDedCode: " + std::to_string(data_bits) + " data bits (1 to 128)");
    while ((1u << r_) < k_ + r_ + 1)
        ++r_;
    masks_.resize(r_);
    data_at_.assign(size_t{1} << r_, -1);
    unsigned pos = 3;
    for (unsigned i = 0; i < k_; ++i, ++pos) {
        while ((pos & (pos - 1)) == 0)  // skip the check bits' positions, the powers of two
            ++pos;
        position_of_.push_back(static_cast<uint16_t>(pos));
        data_at_[pos] = static_cast<int16_t>(i);
        for (unsigned j = 0; j < r_; ++j)
            if (pos >> j & 1)
                masks_[j].flip(i);
    }
}

unsigned SecDedCode::position(unsigned b) const
{
    if (b < k_)
        return position_of_[b];
    if (b < k_ + r_)
        return 1u << (b - k_);
    if (b == k_ + r_)
        return 0;
    throw std::out_of_range("SecDedCode::position: codeword bit " + std::to_string(b));
}

uint32_t SecDedCode::hamming(const Data& data) const
{
    uint32_t s = 0;
    for (unsigned j = 0; j < r_; ++j)
        s |= parity(Data{{data.w[0] & masks_[j].w[0], data.w[1] & masks_[j].w[1]}}) << j;
    return s;
}

uint32_t SecDedCode::encode(const Data& data) const
{
    const uint32_t h = hamming(data);
    return h | (parity(data) ^ parity(h)) << r_;
}

SecDedCode::Decoded SecDedCode::decode(Data& data, uint32_t& check) const
{
    const uint32_t hamming_mask = (1u << r_) - 1;
    const uint32_t s = hamming(data) ^ (check & hamming_mask);
    const unsigned p = parity(data) ^ parity(uint64_t{check & ((hamming_mask << 1) | 1)});
    if (p == 0)
        return s == 0 ? Decoded{Result::clean, -1} : Decoded{Result::detected, -1};
    if (s == 0) {  // the overall parity bit alone
        check ^= 1u << r_;
        return {Result::corrected, static_cast<int>(k_ + r_)};
    }
    if ((s & (s - 1)) == 0) {  // a Hamming check bit
        unsigned j = 0;
        while ((1u << j) != s)
            ++j;
        check ^= s;
        return {Result::corrected, static_cast<int>(k_ + j)};
    }
    const int i = data_at_[s];
    if (i < 0)  // a position this (shortened) code does not have
        return {Result::detected, -1};
    data.flip(static_cast<unsigned>(i));
    return {Result::corrected, i};
}

}  // namespace lpu
