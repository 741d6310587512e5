// The error-correcting code of the MEM slices' SRAM (docs/faults.md): `secded`, an extended
// Hamming code (single error correct, double error detect) over words of `data_bits` data bits,
// or `none`. An ECC word never straddles a superlane's tile (data_bits divides its 8 G bits), so
// a Scatter rewrites whole ECC words. The code only matters when SRAM faults are injected
// (lpusim run --sram-faults / --sram-flip): without faults every read returns what was written.
#pragma once

#include <string>

namespace lpu {

class ParamNode;

enum class EccScheme { none, secded };

struct EccParams {
    EccScheme scheme = EccScheme::secded;
    unsigned data_bits = 64;  // data bits per ECC word

    // Hamming check bits r of a SEC code over k data bits: the least r with 2^r >= k + r + 1.
    static unsigned hamming_bits(unsigned data_bits);
    // Stored check bits per ECC word: r + 1 (the overall parity bit) for secded, 0 for none.
    unsigned check_bits() const { return scheme == EccScheme::secded ? hamming_bits(data_bits) + 1 : 0; }
    unsigned codeword_bits() const { return data_bits + check_bits(); }
    // "secded (72,64)" / "none (64 data bits)".
    std::string text() const;
    static const char* scheme_name(EccScheme s) { return s == EccScheme::secded ? "secded" : "none"; }

    // Declares and reads the `ecc` node of a chip's `mem` whose tiles hold `tile_bytes` bytes.
    static EccParams read(ParamNode& n, unsigned tile_bytes);
};

}  // namespace lpu
