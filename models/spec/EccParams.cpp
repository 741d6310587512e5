#include "EccParams.h"

#include "models/common/Error.h"
#include "models/common/ParamNode.h"

#include <numeric>

namespace lpu {

namespace {
constexpr unsigned kBitsPerByte = 8;
constexpr int64_t kPreferredDataBits = 64;  // the (72,64) word of most SRAM and DRAM ECC
constexpr unsigned kMaxDataBits = 128;      // SecDedCode's widest word
}  // namespace

unsigned EccParams::hamming_bits(unsigned data_bits)
{
    unsigned r = 1;
    while ((1u << r) < data_bits + r + 1)
        ++r;
    return r;
}

std::string EccParams::text() const
{
    if (scheme == EccScheme::none)
        return "none (" + std::to_string(data_bits) + " data bits per word)";
    return "secded (" + std::to_string(codeword_bits()) + "," + std::to_string(data_bits) + ")";
}

EccParams EccParams::read(ParamNode& n, unsigned tile_bytes)
{
    EccParams p;
    const std::string scheme =
        n.param<std::string>("scheme", "SRAM error-correcting code: secded (extended Hamming: corrects one flipped "
                                       "bit per word, detects two) or none (docs/faults.md; lpusim default secded)")
            .def("secded");
    const unsigned tile_bits = tile_bytes * kBitsPerByte;
    p.data_bits =
        n.param<unsigned>("data_bits", "data bits per ECC word (secded adds r + 1 check bits: 64 -> (72,64)); must "
                                       "be a multiple of 8 dividing a tile's 8 x lanes_per_superlane bits")
            .range(kBitsPerByte, kMaxDataBits)
            .derived(static_cast<unsigned>(std::gcd(kPreferredDataBits, int64_t{tile_bits})),
                     "gcd(64, 8 * lanes_per_superlane)");
    if (scheme == "secded")
        p.scheme = EccScheme::secded;
    else if (scheme == "none")
        p.scheme = EccScheme::none;
    else
        n.fail("scheme", "unknown scheme " + quote_token(scheme) + " (secded or none)");
    if (p.data_bits % kBitsPerByte != 0 || tile_bits % p.data_bits != 0)
        n.fail("data_bits", "must be a multiple of 8 dividing a tile's " + std::to_string(tile_bits) +
                                " bits (8 x chip.geometry.lanes_per_superlane), so that no ECC word straddles "
                                "two tiles; got " +
                                std::to_string(p.data_bits));
    return p;
}

}  // namespace lpu
