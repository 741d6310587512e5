#include "models/linkphy/LinkPhy.h"

#include "models/linkphy/Gf1024.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace lpu {

namespace {

// A codeword's payload bits, 10 k <= 10 x 1022, start anywhere in a byte: at most this many
// bytes, and 8 more so that a symbol can be read with one 8-byte load.
constexpr size_t kMaxCodewordBytes = (10 * ReedSolomon::kMaxN + 7) / 8 + 2;
constexpr size_t kLoadSlack = 8;

// k symbols from the bits shift .. shift + 10 k - 1 of bytes (bit i is bit i % 8 of byte i / 8),
// each with one unaligned 8-byte load; bytes has kLoadSlack readable bytes past the last.
void pack_symbols(const uint8_t* bytes, unsigned shift, unsigned k, uint16_t* symbols)
{
    for (unsigned s = 0; s < k; ++s) {
        const size_t bit = shift + size_t(Gf1024::kBits) * s;
        uint64_t w;
        std::memcpy(&w, bytes + bit / 8, sizeof w);
        symbols[s] = static_cast<uint16_t>((w >> (bit % 8)) & Gf1024::kMask);
    }
}

// The inverse: k symbols into bits shift .. shift + 10 k - 1 of `count` zeroed bytes.
void unpack_symbols(const uint16_t* symbols, unsigned k, unsigned shift, uint8_t* bytes, size_t count)
{
    std::memset(bytes, 0, count);
    uint64_t acc = 0;
    unsigned have = shift;
    size_t out = 0;
    for (unsigned s = 0; s < k; ++s) {
        acc |= uint64_t(symbols[s]) << have;
        have += Gf1024::kBits;
        while (have >= 8) {
            bytes[out++] = static_cast<uint8_t>(acc);
            acc >>= 8;
            have -= 8;
        }
    }
    if (have > 0)
        bytes[out] = static_cast<uint8_t>(acc);
}

// Bits that differ between two vectors of one size: almost always none, which one compare says.
uint32_t differing_bits(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b)
{
    if (a == b)
        return 0;
    uint32_t n = 0;
    size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        uint64_t x, y;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        n += static_cast<uint32_t>(std::bitset<64>(x ^ y).count());
    }
    for (; i < a.size(); ++i)
        n += static_cast<uint32_t>(std::bitset<8>(a[i] ^ b[i]).count());
    return n;
}

}  // namespace

struct LinkPhy::Outcome {
    bool ok = true;
    unsigned corrected = 0;
    bool miscorrected = false;
};

LinkPhy::LinkPhy(const FecCode& code, LinkErrorModel errors, DecodePolicy policy)
    : code_(code), errors_(std::move(errors)), policy_(policy)
{
    if (!code.is_none()) {
        rs_ = ReedSolomon::shared(code.n(), code.k());
        counters_.symbol_errors.assign(code.t() + 2, 0);
    }
}

void LinkPhy::send(const uint8_t* data, size_t bytes)
{
    if (bytes == 0)
        throw std::invalid_argument("LinkPhy::send: a vector has at least one byte");
    if (!rs_) {
        send_unprotected(data, bytes, 8ull * bytes);
        return;
    }
    Pending p;
    p.index = next_index_++;
    p.start_byte = stream_bytes_;
    p.sent.assign(data, data + bytes);
    p.received.assign(bytes, 0);
    pending_.push_back(std::move(p));
    stream_bytes_ += bytes;
    const uint64_t message_bits = 10ull * code_.k();
    while (8 * stream_bytes_ - codeword_bit_ >= message_bits) {
        process_codeword(code_.k());
        deliver_complete();
    }
}

void LinkPhy::send_burst(const uint8_t* data, size_t bytes, double framing_overhead)
{
    if (bytes == 0)
        throw std::invalid_argument("LinkPhy::send_burst: a vector has at least one byte");
    if (stream_bytes_ != 0)
        throw std::logic_error("LinkPhy::send_burst: flush() the stream first");
    const VectorBurst b = code_.burst(static_cast<unsigned>(bytes), framing_overhead);
    if (!rs_) {
        send_unprotected(data, bytes, b.line_bits);
        return;
    }
    Pending p;
    p.index = next_index_++;
    p.sent.assign(data, data + bytes);
    p.received.assign(bytes, 0);
    pending_.push_back(std::move(p));
    stream_bytes_ = bytes;
    bool ok = true;
    for (uint64_t c = 0; c < b.codewords; ++c)
        ok &= process_codeword(c + 1 < b.codewords ? code_.k() : b.last_symbols);
    pending_.front().poisoned |= !ok;
    deliver_complete();
    stream_bytes_ = 0;
    codeword_bit_ = 0;
}

void LinkPhy::send_unprotected(const uint8_t* data, size_t bytes, uint64_t line_bits)
{
    Pending p;
    p.index = next_index_++;
    p.sent.assign(data, data + bytes);
    p.received = p.sent;
    flips_.clear();
    errors_.next(line_bits, flips_);
    uint64_t delivered = 0;
    for (uint64_t bit : flips_)
        if (bit < 8ull * bytes) {
            p.received[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            ++delivered;
        }
    counters_.bits_flipped += flips_.size();
    counters_.unprotected_bit_errors += delivered;
    deliver(p);
}

const ReedSolomon& LinkPhy::codec(unsigned k)
{
    if (k == code_.k())
        return *rs_;
    if (!shortened_ || shortened_->k() != k)
        shortened_ = ReedSolomon::shared(k + code_.n() - code_.k(), k);
    return *shortened_;
}

void LinkPhy::flush()
{
    if (!rs_)
        return;
    const uint64_t end_bit = 8 * stream_bytes_;
    if (codeword_bit_ < end_bit) {
        counters_.padding_bits += codeword_bit_ + 10ull * code_.k() - end_bit;
        process_codeword(code_.k());
        deliver_complete();
    }
    stream_bytes_ = 0;
    codeword_bit_ = 0;
}

bool LinkPhy::process_codeword(unsigned k)
{
    const uint64_t message_bits = 10ull * k;
    const uint64_t first = codeword_bit_ / 8;
    const size_t count = static_cast<size_t>((codeword_bit_ + message_bits + 7) / 8 - first);
    const unsigned shift = static_cast<unsigned>(codeword_bit_ % 8);
    std::array<uint8_t, kMaxCodewordBytes + kLoadSlack> bytes;
    gather(first, count + kLoadSlack, bytes.data());
    // Only this codeword's bits: the first and last bytes may hold the neighbours'.
    bytes[0] &= static_cast<uint8_t>(0xff << shift);
    if (const unsigned tail = (shift + message_bits) % 8)
        bytes[count - 1] &= static_cast<uint8_t>((1u << tail) - 1);

    flips_.clear();
    errors_.next(10ull * (k + code_.n() - code_.k()), flips_);
    ++counters_.codewords;
    counters_.bits_flipped += flips_.size();
    bool ok = true;
    if (flips_.empty() && policy_ == DecodePolicy::skip_clean) {
        ++counters_.symbol_errors[0];
    } else {
        const Outcome o = decode_codeword(codec(k), bytes.data(), shift);
        ok = o.ok;
        if (!o.ok) {
            ++counters_.symbol_errors[code_.t() + 1];
            ++counters_.uncorrectable_codewords;
            poison(codeword_bit_, codeword_bit_ + message_bits);
        } else {
            ++counters_.symbol_errors[o.corrected];
            counters_.corrected_codewords += o.corrected > 0;
            counters_.miscorrected_codewords += o.miscorrected;
        }
    }
    scatter(first, count, bytes.data());
    codeword_bit_ += message_bits;
    return ok;
}

LinkPhy::Outcome LinkPhy::decode_codeword(const ReedSolomon& rs, uint8_t* bytes, unsigned shift)
{
    const unsigned k = rs.k();
    std::array<uint16_t, ReedSolomon::kMaxN> word, message;
    pack_symbols(bytes, shift, k, word.data());
    std::copy_n(word.begin(), k, message.begin());
    rs.encode(word.data());
    // Line order is codeword order, each symbol least significant bit first.
    for (uint64_t bit : flips_)
        word[bit / Gf1024::kBits] ^= static_cast<uint16_t>(1u << (bit % Gf1024::kBits));
    const ReedSolomon::Result r = rs.decode(word.data());
    Outcome o;
    o.ok = r.ok;
    o.corrected = r.corrected;
    const bool as_sent = std::equal(word.begin(), word.begin() + k, message.begin());
    o.miscorrected = r.ok && !as_sent;
    // Success or not, the receiver has the decoder's message symbols: corrected, or as received.
    // When they are the message sent, bytes already holds them (pack and unpack are inverse:
    // every_codeword unpacks anyway, and the tests compare both policies).
    if (!as_sent || policy_ == DecodePolicy::every_codeword)
        unpack_symbols(word.data(), k, shift, bytes, (shift + 10ull * k + 7) / 8);
    return o;
}

void LinkPhy::gather(uint64_t first, size_t count, uint8_t* out) const
{
    std::memset(out, 0, count);
    for (const Pending& p : pending_) {
        const uint64_t lo = std::max(first, p.start_byte);
        const uint64_t hi = std::min(first + count, p.start_byte + p.sent.size());
        if (lo < hi)
            std::memcpy(out + (lo - first), p.sent.data() + (lo - p.start_byte), hi - lo);
    }
}

void LinkPhy::scatter(uint64_t first, size_t count, const uint8_t* in)
{
    for (Pending& p : pending_) {
        const uint64_t lo = std::max(first, p.start_byte);
        const uint64_t hi = std::min(first + count, p.start_byte + p.received.size());
        // Raw pointers: through the vector, every byte store could move its data for the compiler.
        uint8_t* to = p.received.data() + (lo - p.start_byte);
        const uint8_t* from = in + (lo - first);
        for (uint64_t b = lo; b < hi; ++b)
            *to++ |= *from++;
    }
}

void LinkPhy::poison(uint64_t from_bit, uint64_t to_bit)
{
    for (Pending& p : pending_)
        if (8 * p.start_byte < to_bit && 8 * (p.start_byte + p.sent.size()) > from_bit)
            p.poisoned = true;
}

void LinkPhy::deliver_complete()
{
    size_t done = 0;
    while (done < pending_.size() && 8 * (pending_[done].start_byte + pending_[done].sent.size()) <= codeword_bit_)
        deliver(pending_[done++]);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
}

void LinkPhy::deliver(Pending& p)
{
    ReceivedVector v;
    v.index = p.index;
    v.poisoned = p.poisoned;
    v.bit_errors = differing_bits(p.sent, p.received);
    v.data = std::move(p.received);
    ++counters_.vectors;
    counters_.vectors_poisoned += v.poisoned;
    counters_.vectors_with_bit_errors += v.bit_errors > 0;
    if (ready_head_ == ready_.size()) {
        ready_.clear();
        ready_head_ = 0;
    }
    ready_.push_back(std::move(v));
}

bool LinkPhy::receive(ReceivedVector& out)
{
    if (ready_head_ == ready_.size())
        return false;
    out = std::move(ready_[ready_head_++]);
    return true;
}

}  // namespace lpu
