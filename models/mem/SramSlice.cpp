#include "SramSlice.h"

#include "models/common/Error.h"

#include <algorithm>
#include <cstring>

namespace lpu {

SramSlice::SramSlice(const MemParams& params, unsigned index, SramArena* arena)
    : p_(params), index_(index), own_arena_(arena ? nullptr : std::make_unique<SramArena>()),
      arena_(arena ? arena : own_arena_.get()), pages_(params.pages_per_slice(), nullptr)
{}

std::string SramSlice::name() const
{
    return "MEM slice " + std::to_string(index_) + " (" + p_.slice_name(index_) + ")";
}

void SramSlice::check_word(uint32_t word, const char* what) const
{
    if (word >= p_.words_per_slice())
        throw InputError(name() + ": " + what + " word address " + std::to_string(word) +
                         " out of range (a slice has " + std::to_string(p_.words_per_slice()) +
                         " words: " + std::to_string(p_.banks) + " banks x " + std::to_string(p_.words_per_bank) + ")");
}

void SramSlice::check_tiles(const uint32_t* tile_words, const char* what) const
{
    for (unsigned t = 0; t < p_.superlanes; ++t) {
        if (tile_words[t] >= p_.words_per_slice())
            throw InputError(name() + ": " + what + " tile " + std::to_string(t) + " word address " +
                             std::to_string(tile_words[t]) + " out of range (a slice has " +
                             std::to_string(p_.words_per_slice()) + " words)");
    }
}

const uint8_t* SramSlice::find(uint32_t word) const
{
    check_word(word, "read of");
    const auto& page = pages_[word / p_.page_words];
    return page ? page + size_t{word % p_.page_words} * p_.word_bytes() : nullptr;
}

uint8_t* SramSlice::page_base(uint32_t page)
{
    auto& slot = pages_[page];
    if (!slot) {
        slot = static_cast<uint8_t*>(arena_->allocate(p_.page_bytes()));  // zeros
        ++allocated_;
    }
    return slot;
}

uint8_t* SramSlice::touch(uint32_t word)
{
    check_word(word, "write to");
    return page_base(word / p_.page_words) + size_t{word % p_.page_words} * p_.word_bytes();
}

uint8_t* SramSlice::page_of(uint32_t word, uint32_t& first_word)
{
    check_word(word, "access to");
    first_word = word - word % p_.page_words;
    return page_base(word / p_.page_words);
}

void SramSlice::read(uint32_t word, uint8_t* out) const
{
    if (const uint8_t* src = find(word))
        std::memcpy(out, src, p_.word_bytes());
    else
        std::memset(out, 0, p_.word_bytes());
}

void SramSlice::write(uint32_t word, const uint8_t* in) { std::memcpy(touch(word), in, p_.word_bytes()); }

void SramSlice::gather(const uint32_t* tile_words, uint8_t* out) const
{
    check_tiles(tile_words, "gather");
    const unsigned g = p_.lanes_per_superlane;
    for (unsigned t = 0; t < p_.superlanes; ++t) {
        const uint8_t* src = find(tile_words[t]);
        if (src)
            std::memcpy(out + size_t{t} * g, src + size_t{t} * g, g);
        else
            std::memset(out + size_t{t} * g, 0, g);
    }
}

void SramSlice::scatter(const uint32_t* tile_words, const uint8_t* in)
{
    check_tiles(tile_words, "scatter");  // all or nothing: no tile is written if one is bad
    const unsigned g = p_.lanes_per_superlane;
    for (unsigned t = 0; t < p_.superlanes; ++t)
        std::memcpy(touch(tile_words[t]) + size_t{t} * g, in + size_t{t} * g, g);
}

std::vector<uint32_t> decode_tile_map(const MemParams& params, const uint8_t* map)
{
    const unsigned n = params.map_entry_bytes();
    const unsigned g = params.lanes_per_superlane;
    if (g < n)
        throw InputError("gather/scatter map: a word address needs " + std::to_string(n) + " bytes (" +
                         std::to_string(params.words_per_slice()) + " words per slice) but a tile has only " +
                         std::to_string(g) + " lanes (chip.geometry.lanes_per_superlane)");
    std::vector<uint32_t> words(params.superlanes);
    for (unsigned t = 0; t < params.superlanes; ++t) {
        uint32_t w = 0;
        for (unsigned b = n; b-- > 0;)
            w = (w << 8) | map[size_t{t} * g + b];
        words[t] = w;
    }
    return words;
}

}  // namespace lpu
