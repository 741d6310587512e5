// The SRAM fault model of one program run (docs/faults.md): upsets of the stored codewords of
// the MEM slices, and what the chip's ECC makes of them on each read.
//
// Storage. Every word (vector) of a slice is ecc_words_per_word() ECC words, each data_bits of
// data plus the code's check bits as stored cells. SramSlice keeps the data as written; a read
// works out which stored cells of the ECC words it reads are flipped, decodes each ECC word
// with flipped cells (the data encoded as written, XOR the flips) with the real decoder
// (SecDedCode), delivers what the decoder delivers, and classifies it against the data written:
// corrected, detected (uncorrectable), miscorrected or undetected (the last two: silent). An ECC
// word without flipped cells decodes to itself and costs nothing. A write (or a Scatter's
// tile) stores new codewords: earlier flips are gone. A correction is not written back (no
// scrubbing): the next read meets the same flips again.
//
// Upsets. Each stored bit (data and check) of every word flips with probability `rate` in each
// cycle, independently (a flip of a flipped bit restores it). An upset in cycle c is in the cell
// from cycle c + 1 on, and so is a targeted flip at cycle C from C on: a read issued in that
// cycle or later sees it. A write that reads see from cycle v on (docs/mem.md: issued at v -
// write_latency, committed at the end of v - 1) overwrites what is in the cells from v or
// earlier; an upset in cycle v - 1 happens before the commit.
//
// Lazily, so that the cost follows the reads, not the SRAM's size: a read of a word draws the
// upsets of that word since its last write, from a stream of its own. Each word's (cycle, bit)
// pairs are cut into blocks of block_cycles() cycles; block b of word w is a Bernoulli process
// drawn by geometric gaps from a SplitMix64 sequence keyed by (seed, chip, slice, w, b), so the
// upsets of any window are drawn without drawing the ones before it, the same upsets every time
// a word is read again, whatever order and windows the run is advanced in. Upsets in words never
// read are never drawn. Memory: one 8-byte write cycle per word of the chip.
#pragma once

#include "models/exec/RunStats.h"
#include "models/mem/SecDedCode.h"
#include "models/spec/MemParams.h"
#include "models/spec/SramFaultParams.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lpu {

class SramFaultModel {
public:
    // `chip`: the chip's index in its system, mixed into the seed.
    SramFaultModel(const MemParams& params, const SramFaultParams& faults, unsigned chip);

    // A write that reads see from `cycle` on stores word `word` anew.
    void write(uint64_t cycle, unsigned slice, uint32_t word);
    // The same for a Scatter: tile t of word tile_words[t], for every tile.
    void scatter(uint64_t cycle, unsigned slice, const uint32_t* tile_words);
    // A Read issued in `cycle`: `data` holds the word as written; leaves in it what the decoder
    // delivers. Returns the description of the first detected uncorrectable ECC word ("" if none).
    std::string read(uint64_t cycle, unsigned slice, uint32_t word, uint8_t* data);
    // A Gather: tile t of `data` is tile t of word tile_words[t].
    std::string gather(uint64_t cycle, unsigned slice, const uint32_t* tile_words, uint8_t* data);

    ErrorPolicy policy() const { return faults_.policy; }
    // Per slice.
    const std::vector<SramFaultCounters>& counters() const { return counters_; }
    // Cycles per block of a word's upset stream: about 1 / (rate x bits of a word), a power of
    // two in [1, 2^20], so that a block holds about one upset.
    uint64_t block_cycles() const { return block_; }

private:
    struct Flip {
        unsigned ecc_word;
        SecDedCode::Data data;  // flipped data bits
        uint32_t check;         // flipped check bits
    };
    // Collects into flips_ the flipped cells of ECC words [first, last) of a word read in `cycle`.
    void collect(uint64_t cycle, unsigned slice, uint32_t word, unsigned first, unsigned last);
    void draw_upsets(uint64_t cycle, uint64_t word_key, unsigned first, unsigned last);
    void toggle(unsigned ecc_word, unsigned bit);
    // Decodes ECC words [first, last) of the word, their data in `data`.
    std::string decode(uint64_t cycle, unsigned slice, uint32_t word, unsigned first, unsigned last, uint8_t* data);
    // The outcome of one ECC word with flipped cells; fills `delivered`.
    SecDedCode::Result decode_one(const Flip& f, const SecDedCode::Data& written, SecDedCode::Data& delivered) const;
    std::string describe(unsigned slice, uint32_t word, const Flip& f) const;
    uint64_t key(unsigned slice, uint32_t word) const { return uint64_t{slice} * p_.words_per_slice() + word; }
    // 1 + the first cycle reads see the last write of the ECC word's tile, 0 if none in this
    // run: a flip in the cell from cycle v on is there iff stored_since(...) <= v.
    uint64_t stored_since(uint64_t word_key, unsigned tile) const;

    const MemParams& p_;
    SramFaultParams faults_;
    std::optional<SecDedCode> code_;  // none for ecc.scheme none
    unsigned bytes_per_ecc_word_, per_tile_, word_bits_;
    uint64_t stream_key_ = 0;
    uint64_t block_ = 1;
    double log_no_upset_ = 0;                                        // ln(1 - rate)
    std::vector<uint64_t> written_;                                  // per word: stored_since
    std::unordered_map<uint64_t, std::vector<uint64_t>> scattered_;  // per tile, once a Scatter wrote one
    std::unordered_map<uint64_t, std::vector<const SramFlip*>> targeted_;
    std::vector<Flip> flips_;  // the read's, reused
    std::vector<SramFaultCounters> counters_;
};

}  // namespace lpu
