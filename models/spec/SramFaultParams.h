// SRAM fault injection for a run (docs/faults.md): bit upsets of the MEM slices' stored
// codewords (data and check bits), random at `rate` per bit per cycle from `seed`, and targeted
// flips; what the ECC decoder makes of them on each read; what a detected uncorrectable error
// does. These are a run's options, not the chip's (lpusim run --sram-faults KEY=VALUE,...,
// --sram-flip SLICE:WORD:BITS[@CYCLE]); the code itself is the chip's (chip.mem.ecc).
#pragma once

#include "models/common/ErrorPolicy.h"
#include "models/spec/MemParams.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

class ParamNode;

// One targeted flip: codeword bits of word `word` of slice `slice`, flipped in the stored cells
// from the start of cycle `cycle` (reads issued then or later see them, until a write of the word).
struct SramFlip {
    struct Bit {
        unsigned ecc_word = 0;  // ECC word within the vector word
        unsigned bit = 0;       // codeword bit: [0, data_bits) data, then the check bits
    };
    unsigned slice = 0;
    uint32_t word = 0;
    uint64_t cycle = 0;
    std::vector<Bit> bits;
    std::string text;  // as given, for messages

    // "SLICE:WORD:BITS[@CYCLE]": BITS is BIT[+BIT...], a BIT either a data bit of the vector
    // (8 x lane + bit of the byte, 0 .. 8 x word_bytes - 1) or cE.J, check bit J of ECC word E
    // (J = r is the overall parity bit). Throws InputError naming what is wrong.
    static SramFlip parse(const std::string& text, const MemParams& mem);
};

struct SramFaultParams {
    double rate = 0;    // probability that a stored codeword bit flips, per bit per cycle
    uint64_t seed = 0;  // of the random upsets (mixed with the chip's id in a system)
    ErrorPolicy policy = ErrorPolicy::fail;
    std::vector<SramFlip> flips;

    // Declares and reads the keys of --sram-faults (given as a map node).
    static SramFaultParams read(ParamNode& n);
    // --sram-faults "rate=1e-7,seed=3,policy=poison" (keys as read() declares them). Throws
    // InputError "--sram-faults: key: reason".
    static SramFaultParams parse(const std::string& text);
    // "rate 1e-07 per bit per cycle, seed 3, policy poison, 2 targeted flips".
    std::string text() const;
};

}  // namespace lpu
