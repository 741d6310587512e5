#include "MemParams.h"

#include "models/common/Config.h"

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
       << "; pages of " << page_words << " words";
    return os.str();
}

void MemParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.mem.slices",
                                  "MEM slices on the chip, half in each hemisphere (published: 88 = 2 x 44)")
                   .range(2, 256)
                   .def(int64_t{88}));
    schema.add(ParamSpec::integer("chip.mem.banks",
                                  "banks per slice; the bank is the high part of the word address (published: 2)")
                   .range(1, 16)
                   .def(int64_t{2}));
    schema.add(ParamSpec::integer("chip.mem.words_per_bank",
                                  "words per bank; a word is one vector, one byte per lane (published: 4096)")
                   .range(1, 1 << 18)
                   .def(int64_t{4096}));
    schema.add(ParamSpec::integer("chip.mem.read_latency",
                                  "cycles from a MEM read's issue to chunk 0 of its vector on the stream (lpusim default 2)")
                   .range(1, 64)
                   .def(int64_t{2}));
    schema.add(ParamSpec::integer("chip.mem.write_latency",
                                  "cycles from a MEM write's issue until reads issued then or later see it (lpusim default 1)")
                   .range(1, 64)
                   .def(int64_t{1}));
    // Derived so that a small test geometry (say 16 words per bank) needs no page setting of its own.
    schema.add(ParamSpec::integer("chip.mem.page_words",
                                  "host-memory allocation granule of the simulated SRAM, in words; must divide "
                                  "words_per_bank (simulation only, no effect on behaviour or timing)")
                   .range(1, 1 << 18)
                   .derived(
                       [](const Config& cfg) {
                           return ParamValue{std::gcd(kPageWordsPreferred, cfg.get_int("chip.mem.words_per_bank"))};
                       },
                       "gcd(64, words_per_bank)"));

    schema.add_check([](const Config& cfg) {
        const int64_t slice_count = cfg.get_int("chip.mem.slices");
        if (slice_count % 2 != 0)
            cfg.fail("chip.mem.slices",
                     "must be even (two mirrored hemispheres of slices / 2 each), got " + std::to_string(slice_count));
        const int64_t wpb = cfg.get_int("chip.mem.words_per_bank");
        const int64_t page = cfg.get_int("chip.mem.page_words");
        // A page inside one bank is also inside one slice, so a DMI grant (one page) is one
        // contiguous host address range backed by one allocation.
        if (wpb % page != 0)
            cfg.fail("chip.mem.page_words", "must divide chip.mem.words_per_bank (" + std::to_string(wpb) +
                                                "), got " + std::to_string(page));
    });
}

MemParams MemParams::from_config(const Config& cfg)
{
    MemParams p;
    p.superlanes = static_cast<unsigned>(cfg.get_int("chip.geometry.superlanes"));
    p.lanes_per_superlane = static_cast<unsigned>(cfg.get_int("chip.geometry.lanes_per_superlane"));
    p.slices = static_cast<unsigned>(cfg.get_int("chip.mem.slices"));
    p.banks = static_cast<unsigned>(cfg.get_int("chip.mem.banks"));
    p.words_per_bank = static_cast<uint32_t>(cfg.get_int("chip.mem.words_per_bank"));
    p.read_latency = static_cast<unsigned>(cfg.get_int("chip.mem.read_latency"));
    p.write_latency = static_cast<unsigned>(cfg.get_int("chip.mem.write_latency"));
    p.page_words = static_cast<uint32_t>(cfg.get_int("chip.mem.page_words"));
    return p;
}

}  // namespace lpu
