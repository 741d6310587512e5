// Parameters of the on-chip SRAM (MEM slices), resolved from the chip config. docs/mem.md
// describes the geometry, the host address map, the bank rules and the latencies they define.
#pragma once

#include "models/spec/EccParams.h"

#include <cstdint>
#include <string>

namespace lpu {

class ParamNode;
struct ChipParams;

// One byte of MEM, as the host address map decomposes it (docs/mem.md, "Host address map").
struct MemLocation {
    unsigned slice = 0;
    uint32_t word = 0;  // word address within the slice; its bank is word / words_per_bank
    unsigned byte = 0;  // byte (lane) within the word
};

struct MemParams {
    unsigned superlanes = 0;           // S: one 16-byte tile per superlane (G bytes in general)
    unsigned lanes_per_superlane = 0;  // G: bytes per tile
    unsigned slices = 0;               // chip total, half per hemisphere
    unsigned banks = 0;                // per slice
    uint32_t words_per_bank = 0;
    unsigned read_latency = 0;   // cycles from a read's issue to its data on the stream
    unsigned write_latency = 0;  // cycles from a write's issue until reads see the word
    uint32_t page_words = 0;     // host-memory allocation granule of the sparse storage
    EccParams ecc;               // the SRAM's error-correcting code (docs/faults.md)

    // A word is one vector: one byte per lane.
    unsigned word_bytes() const { return superlanes * lanes_per_superlane; }
    uint32_t words_per_slice() const { return banks * words_per_bank; }
    // The bank is the high part of the word address: with 2 x 4096 words, address bit 12.
    unsigned bank_of(uint32_t word) const { return word / words_per_bank; }
    uint64_t slice_bytes() const { return uint64_t{words_per_slice()} * word_bytes(); }
    uint64_t total_bytes() const { return slice_bytes() * slices; }
    uint32_t pages_per_slice() const { return words_per_slice() / page_words; }
    uint64_t page_bytes() const { return uint64_t{page_words} * word_bytes(); }
    unsigned slices_per_hemisphere() const { return slices / 2; }
    // Bits of a word address: ceil(log2(words_per_slice)), at least 1 (13 on the published chip).
    unsigned address_bits() const;
    // Bytes of a gather/scatter map entry: the little-endian word address at the start of each
    // tile's chunk of the map vector (docs/mem.md, "Gather and scatter").
    unsigned map_entry_bytes() const { return (address_bits() + 7) / 8; }
    // ECC words per word (vector): word_bytes * 8 / ecc.data_bits; tile t holds ECC words
    // [t * ecc_words_per_tile(), (t + 1) * ecc_words_per_tile()).
    unsigned ecc_words_per_word() const { return word_bytes() * 8 / ecc.data_bits; }
    unsigned ecc_words_per_tile() const { return lanes_per_superlane * 8 / ecc.data_bits; }

    // "MEM_W5" / "MEM_E0": slices [0, slices/2) are the west hemisphere, the rest the east one,
    // each counted outward from the VXM, as in spec/Floorplan.
    std::string slice_name(unsigned slice) const;

    // Host address map: address = (slice * words_per_slice + word) * word_bytes + byte.
    uint64_t host_address(unsigned slice, uint32_t word, unsigned byte = 0) const
    {
        return (uint64_t{slice} * words_per_slice() + word) * word_bytes() + byte;
    }
    // Inverse of host_address; `address` must be below total_bytes().
    MemLocation locate(uint64_t address) const;

    std::string summary() const;

    // Declares and reads the `mem` node of a chip whose geometry is `chip`.
    static MemParams read(ParamNode& n, const ChipParams& chip);
};

}  // namespace lpu
