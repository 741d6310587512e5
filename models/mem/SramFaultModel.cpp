#include "SramFaultModel.h"

#include "models/common/Error.h"
#include "models/linkphy/LinkErrorModel.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace lpu {

namespace {

constexpr unsigned kBitsPerByte = 8;
constexpr uint64_t kMaxBlockCycles = uint64_t{1} << 20;
// Mixed into every word's key, so that a word's stream never equals a link's (LinkErrorModel) or
// another use of the same seed.
constexpr uint64_t kSramStream = 0x5352414d;  // "SRAM"
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;

uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// SplitMix64: the next draw of the sequence whose state is `state`, uniform in (0, 1].
double next_uniform(uint64_t& state)
{
    state += kGolden;
    return double((mix(state) >> 11) + 1) * 0x1p-53;
}

SecDedCode::Data load(const uint8_t* bytes, unsigned n)
{
    SecDedCode::Data d;
    for (unsigned b = 0; b < n; ++b)
        d.w[b / 8] |= uint64_t{bytes[b]} << (8 * (b % 8));
    return d;
}

void store(const SecDedCode::Data& d, uint8_t* bytes, unsigned n)
{
    for (unsigned b = 0; b < n; ++b)
        bytes[b] = static_cast<uint8_t>(d.w[b / 8] >> (8 * (b % 8)));
}

unsigned popcount(const SecDedCode::Data& d, uint32_t check)
{
    return static_cast<unsigned>(__builtin_popcountll(d.w[0]) + __builtin_popcountll(d.w[1]) +
                                 __builtin_popcount(check));
}

}  // namespace

SramFaultModel::SramFaultModel(const MemParams& params, const SramFaultParams& faults, unsigned chip)
    : p_(params), faults_(faults), bytes_per_ecc_word_(params.ecc.data_bits / kBitsPerByte),
      per_tile_(params.ecc_words_per_tile()), word_bits_(params.ecc_words_per_word() * params.ecc.codeword_bits()),
      written_(uint64_t{params.slices} * params.words_per_slice(), 0), counters_(params.slices)
{
    if (p_.ecc.scheme == EccScheme::secded)
        code_.emplace(p_.ecc.data_bits);
    stream_key_ = mix(mix(mix(faults_.seed + kGolden) ^ chip) ^ kSramStream);
    if (faults_.rate > 0) {
        log_no_upset_ = LinkErrorModel::portable_log1m(faults_.rate);
        const double expected = faults_.rate * word_bits_;  // upsets of a word per cycle
        while (block_ < kMaxBlockCycles && double(block_ * 2) * expected <= 1.0)
            block_ *= 2;
    }
    for (const SramFlip& f : faults_.flips) {
        for (const SramFlip::Bit& b : f.bits)
            if (f.slice >= p_.slices || f.word >= p_.words_per_slice() || b.ecc_word >= p_.ecc_words_per_word() ||
                b.bit >= p_.ecc.codeword_bits())
                throw InputError("--sram-flip " + quote_token(f.text) + ": not a stored bit of this chip's MEM");
        targeted_[key(f.slice, f.word)].push_back(&f);
    }
}

uint64_t SramFaultModel::stored_since(uint64_t word_key, unsigned tile) const
{
    if (!scattered_.empty())
        if (const auto it = scattered_.find(word_key); it != scattered_.end())
            return it->second[tile];
    return written_[word_key];
}

void SramFaultModel::write(uint64_t cycle, unsigned slice, uint32_t word)
{
    const uint64_t k = key(slice, word);
    written_[k] = cycle + 1;
    if (!scattered_.empty())
        scattered_.erase(k);
}

void SramFaultModel::scatter(uint64_t cycle, unsigned slice, const uint32_t* tile_words)
{
    for (unsigned t = 0; t < p_.superlanes; ++t) {
        const uint64_t k = key(slice, tile_words[t]);
        auto [it, fresh] = scattered_.try_emplace(k);
        if (fresh)
            it->second.assign(p_.superlanes, written_[k]);
        it->second[t] = cycle + 1;
    }
}

void SramFaultModel::toggle(unsigned ecc_word, unsigned bit)
{
    auto it = std::find_if(flips_.begin(), flips_.end(), [&](const Flip& f) { return f.ecc_word == ecc_word; });
    if (it == flips_.end())
        it = flips_.insert(flips_.end(), Flip{ecc_word, {}, 0});
    if (bit < p_.ecc.data_bits)
        it->data.flip(bit);
    else
        it->check ^= 1u << (bit - p_.ecc.data_bits);
}

// Block b of a word: its upsets in cycles [b * block_, (b + 1) * block_), numbered (cycle - b *
// block_) * word_bits_ + bit, the gaps between them geometric (P(gap = g) = (1 - rate)^g rate).
void SramFaultModel::draw_upsets(uint64_t cycle, uint64_t word_key, unsigned first, unsigned last)
{
    if (faults_.rate <= 0 || cycle == 0)
        return;
    const unsigned n = p_.ecc.codeword_bits();
    uint64_t from = cycle;  // the earliest cycle whose upsets are still in a cell read
    for (unsigned t = first / per_tile_; t <= (last - 1) / per_tile_; ++t) {
        const uint64_t since = stored_since(word_key, t);
        from = std::min(from, since ? since - 1 : 0);
    }
    const double span = double(block_) * word_bits_;
    for (uint64_t b = from / block_; b <= (cycle - 1) / block_; ++b) {
        uint64_t state = mix(stream_key_ ^ mix(word_key + kGolden * (b + 1)));
        for (double pos = std::floor(LinkErrorModel::portable_log(next_uniform(state)) / log_no_upset_); pos < span;
             pos += 1 + std::floor(LinkErrorModel::portable_log(next_uniform(state)) / log_no_upset_)) {
            const auto at = static_cast<uint64_t>(pos);
            const uint64_t c = b * block_ + at / word_bits_;
            if (c >= cycle)
                break;
            const auto bit = static_cast<unsigned>(at % word_bits_);
            const unsigned e = bit / n;
            if (e >= first && e < last && stored_since(word_key, e / per_tile_) <= c + 1)
                toggle(e, bit % n);
        }
    }
}

void SramFaultModel::collect(uint64_t cycle, unsigned slice, uint32_t word, unsigned first, unsigned last)
{
    const uint64_t k = key(slice, word);
    draw_upsets(cycle, k, first, last);
    if (const auto it = targeted_.find(k); it != targeted_.end())
        for (const SramFlip* f : it->second)
            for (const SramFlip::Bit& b : f->bits)
                if (f->cycle <= cycle && b.ecc_word >= first && b.ecc_word < last &&
                    stored_since(k, b.ecc_word / per_tile_) <= f->cycle)
                    toggle(b.ecc_word, b.bit);
}

std::string SramFaultModel::read(uint64_t cycle, unsigned slice, uint32_t word, uint8_t* data)
{
    counters_[slice].words_read += p_.ecc_words_per_word();
    return decode(cycle, slice, word, 0, p_.ecc_words_per_word(), data);
}

std::string SramFaultModel::gather(uint64_t cycle, unsigned slice, const uint32_t* tile_words, uint8_t* data)
{
    counters_[slice].words_read += p_.ecc_words_per_word();
    std::string first;
    for (unsigned t = 0; t < p_.superlanes; ++t) {
        std::string why = decode(cycle, slice, tile_words[t], t * per_tile_, (t + 1) * per_tile_, data);
        if (first.empty())
            first = std::move(why);
    }
    return first;
}

std::string SramFaultModel::decode(uint64_t cycle, unsigned slice, uint32_t word, unsigned first, unsigned last,
                                   uint8_t* data)
{
    flips_.clear();
    collect(cycle, slice, word, first, last);
    SramFaultCounters& c = counters_[slice];
    std::string due;
    for (const Flip& f : flips_) {
        const unsigned flipped = popcount(f.data, f.check);
        if (flipped == 0)  // flipped twice: the cell holds what was written
            continue;
        uint8_t* bytes = data + size_t{f.ecc_word} * bytes_per_ecc_word_;
        const SecDedCode::Data written = load(bytes, bytes_per_ecc_word_);
        SecDedCode::Data delivered;
        const SecDedCode::Result r = decode_one(f, written, delivered);
        ++c.words_with_errors;
        c.bits_flipped += flipped;
        if (r == SecDedCode::Result::detected) {
            ++c.detected;
            if (due.empty())
                due = describe(slice, word, f);
        } else if (delivered == written) {
            ++c.corrected;
        } else if (r == SecDedCode::Result::corrected) {
            ++c.miscorrected;
        } else {
            ++c.undetected;
        }
        store(delivered, bytes, bytes_per_ecc_word_);
    }
    return due;
}

SecDedCode::Result SramFaultModel::decode_one(const Flip& f, const SecDedCode::Data& written,
                                              SecDedCode::Data& delivered) const
{
    // The stored codeword: the data as written, encoded, with the flipped cells.
    delivered = SecDedCode::Data{{written.w[0] ^ f.data.w[0], written.w[1] ^ f.data.w[1]}};
    if (!code_)
        return SecDedCode::Result::clean;  // no code: what is stored is delivered
    uint32_t check = code_->encode(written) ^ f.check;
    return code_->decode(delivered, check).result;
}

std::string SramFaultModel::describe(unsigned slice, uint32_t word, const Flip& f) const
{
    std::ostringstream os;
    const unsigned first_byte = f.ecc_word * bytes_per_ecc_word_;
    os << "detected uncorrectable SRAM error in MEM slice " << slice << " (" << p_.slice_name(slice) << ") word "
       << word << " (bank " << p_.bank_of(word) << "), ECC word " << f.ecc_word << " (lanes " << first_byte << ".."
       << first_byte + bytes_per_ecc_word_ - 1 << ", tile " << f.ecc_word / per_tile_ << ") of its " << p_.ecc.text()
       << " code; stored bits flipped:";
    for (unsigned b = 0; b < p_.ecc.data_bits; ++b)
        if (f.data.bit(b))
            os << " data " << size_t{f.ecc_word} * p_.ecc.data_bits + b;
    for (unsigned j = 0; j < p_.ecc.check_bits(); ++j)
        if (f.check >> j & 1)
            os << " c" << f.ecc_word << "." << j;
    os << " (--sram-faults policy=poison delivers the word as read and counts it)";
    return os.str();
}

}  // namespace lpu
