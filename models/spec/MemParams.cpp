#include "MemParams.h"

#include "models/common/ParamNode.h"
#include "models/spec/ChipParams.h"

#include <numeric>
#include <sstream>

namespace lpu {

namespace {
constexpr int64_t kPageWordsPreferred = 64;  // 64 words x 320 B = 20 KiB pages on tsp-v1
}

unsigned MemParams::address_bits() const
{
    unsigned bits = 1;
    while ((uint64_t{1} << bits) < words_per_slice())
        ++bits;
    return bits;
}

std::string MemParams::slice_name(unsigned slice) const
{
    const unsigned half = slices_per_hemisphere();
    return slice < half ? "MEM_W" + std::to_string(slice) : "MEM_E" + std::to_string(slice - half);
}

MemLocation MemParams::locate(uint64_t address) const
{
    MemLocation loc;
    const uint64_t word = address / word_bytes();  // chip-wide word index
    loc.byte = static_cast<unsigned>(address % word_bytes());
    loc.slice = static_cast<unsigned>(word / words_per_slice());
    loc.word = static_cast<uint32_t>(word % words_per_slice());
    return loc;
}

std::string MemParams::summary() const
{
    std::ostringstream os;
    os << slices << " slices x " << banks << " banks x " << words_per_bank << " words x " << word_bytes()
       << " B = " << total_bytes() << " B; read latency " << read_latency << ", write latency " << write_latency
       << "; pages of " << page_words << " words; ECC " << ecc.text();
    return os.str();
}

MemParams MemParams::read(ParamNode& n, const ChipParams& chip)
{
    MemParams p;
    p.superlanes = chip.superlanes;
    p.lanes_per_superlane = chip.lanes_per_superlane;
    p.slices = n.param<unsigned>("slices", "MEM slices on the chip, half in each hemisphere (published: 88 = 2 x 44)")
                   .range(2, 256)
                   .def(88);
    p.banks =
        n.param<unsigned>("banks", "banks per slice; the bank is the high part of the word address (published: 2)")
            .range(1, 16)
            .def(2);
    p.words_per_bank =
        n.param<uint32_t>("words_per_bank", "words per bank; a word is one vector, one byte per lane (published: 4096)")
            .range(1, 1 << 18)
            .def(4096);
    p.read_latency = n.param<unsigned>("read_latency", "cycles from a MEM read's issue to chunk 0 of its vector on the "
                                                       "stream (lpusim default 2)")
                         .range(1, 64)
                         .def(2);
    p.write_latency = n.param<unsigned>("write_latency", "cycles from a MEM write's issue until reads issued then or "
                                                         "later see it (lpusim default 1)")
                          .range(1, 64)
                          .def(1);
    // Derived so that a small test geometry (say 16 words per bank) needs no page setting of its own.
    p.page_words =
        n.param<uint32_t>("page_words", "host-memory allocation granule of the simulated SRAM, in words; "
                                        "must divide words_per_bank (simulation only, no effect on behaviour "
                                        "or timing)")
            .range(1, 1 << 18)
            .derived(static_cast<uint32_t>(std::gcd(kPageWordsPreferred, int64_t{p.words_per_bank})),
                     "gcd(64, words_per_bank)");
    ParamNode ecc = n.section("ecc");
    p.ecc = EccParams::read(ecc, p.lanes_per_superlane);
    ecc.finish();
    n.finish();

    if (p.slices % 2 != 0)
        n.fail("slices", "must be even (two mirrored hemispheres of slices / 2 each), got " + std::to_string(p.slices));
    // A page inside one bank is also inside one slice, so a DMI grant (one page) is one
    // contiguous host address range backed by one allocation.
    if (p.words_per_bank % p.page_words != 0)
        n.fail("page_words", "must divide " + n.path() + ".words_per_bank (" + std::to_string(p.words_per_bank) +
                                 "), got " + std::to_string(p.page_words));
    return p;
}

}  // namespace lpu
