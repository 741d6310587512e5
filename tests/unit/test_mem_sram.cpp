// SramSlice: zero-default sparse storage, bounds, and gather/scatter with per-tile addresses,
// each against a plain dense reference (a byte array of the whole slice); the arena its pages come from.
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/mem/SramArena.h"
#include "models/mem/SramSlice.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace lpu;

namespace {

// 2 superlanes x 16 lanes: 32-byte words; 2 banks x 16 words per slice; pages of 4 words.
MemParams small_params()
{
    return (parse_chip_spec(
                "version: 1\nchip:\n  geometry:\n    superlanes: 2\n  mem:\n    slices: 4\n    words_per_bank: 16\n"
                "    page_words: 4\n",
                "small-mem.yaml"))
        .mem;
}

MemParams tsp_params() { return (load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tsp-v1.yaml")).mem; }

std::vector<uint8_t> random_bytes(Rng& rng, size_t n)
{
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = rng.byte();
    return v;
}

std::string input_error(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

// The dense reference: all words of one slice, zero-initialised.
struct Reference {
    const MemParams& p;
    std::vector<uint8_t> bytes;
    explicit Reference(const MemParams& params)
        : p(params), bytes(size_t{params.words_per_slice()} * params.word_bytes(), 0)
    {}
    uint8_t* word(uint32_t w) { return bytes.data() + size_t{w} * p.word_bytes(); }
};

}  // namespace

TEST_CASE("never-written words read as zeros without allocating", "[mem][sram]")
{
    const MemParams p = small_params();
    SramSlice s(p, 2);
    std::vector<uint8_t> out(p.word_bytes(), 0xAA);
    for (uint32_t w = 0; w < p.words_per_slice(); ++w) {
        s.read(w, out.data());
        CHECK(out == std::vector<uint8_t>(p.word_bytes(), 0));
        CHECK(s.find(w) == nullptr);
    }
    CHECK(s.pages_allocated() == 0);
    CHECK(s.bytes_allocated() == 0);
}

TEST_CASE("a write allocates its page only, the rest of the page reads as zeros", "[mem][sram]")
{
    const MemParams p = small_params();
    SramSlice s(p, 0);
    Rng rng(1);
    const auto data = random_bytes(rng, p.word_bytes());
    s.write(21, data.data());  // page 5 (words 20..23), in bank 1
    CHECK(s.pages_allocated() == 1);
    CHECK(s.bytes_allocated() == p.page_bytes());
    std::vector<uint8_t> out(p.word_bytes());
    s.read(21, out.data());
    CHECK(out == data);
    for (uint32_t w : {20u, 22u, 23u, 19u, 24u, 5u}) {
        s.read(w, out.data());
        CHECK(out == std::vector<uint8_t>(p.word_bytes(), 0));
    }
    CHECK(s.pages_allocated() == 1);  // reads allocated nothing
    s.write(22, data.data());         // same page
    CHECK(s.pages_allocated() == 1);
    s.write(4, data.data());
    CHECK(s.pages_allocated() == 2);
}

TEST_CASE("word addresses outside the slice are input errors naming slice, address and size", "[mem][sram]")
{
    const MemParams p = small_params();
    SramSlice s(p, 2);
    std::vector<uint8_t> buf(p.word_bytes());
    CHECK(input_error([&] { s.read(32, buf.data()); }) ==
          "MEM slice 2 (MEM_E0): read of word address 32 out of range (a slice has 32 words: 2 banks x 16)");
    CHECK(input_error([&] { s.write(1000, buf.data()); }) ==
          "MEM slice 2 (MEM_E0): write to word address 1000 out of range (a slice has 32 words: 2 banks x 16)");
    uint32_t first = 0;
    CHECK(input_error([&] { s.page_of(32, first); }).find("access to word address 32 out of range") !=
          std::string::npos);
    CHECK(s.pages_allocated() == 0);
}

TEST_CASE("random reads and writes equal a dense reference", "[mem][sram]")
{
    const MemParams p = small_params();
    SramSlice s(p, 1);
    Reference ref(p);
    Rng rng(7);
    std::vector<uint8_t> out(p.word_bytes());
    for (int i = 0; i < 2000; ++i) {
        const auto w = static_cast<uint32_t>(rng.below(p.words_per_slice()));
        if (rng.chance(1, 3)) {
            const auto data = random_bytes(rng, p.word_bytes());
            s.write(w, data.data());
            std::copy(data.begin(), data.end(), ref.word(w));
        } else {
            s.read(w, out.data());
            REQUIRE(std::equal(out.begin(), out.end(), ref.word(w)));
        }
    }
}

TEST_CASE("gather reads tile t of word map[t], scatter writes it, both equal a dense reference", "[mem][sram][gather]")
{
    const MemParams p = small_params();
    const unsigned g = p.lanes_per_superlane;
    SramSlice s(p, 3);
    Reference ref(p);
    Rng rng(11);
    std::vector<uint8_t> out(p.word_bytes());
    std::vector<uint32_t> map(p.superlanes);
    for (int i = 0; i < 3000; ++i) {
        for (auto& m : map)
            m = static_cast<uint32_t>(rng.below(p.words_per_slice()));
        switch (rng.below(4)) {
        case 0: {  // scatter
            const auto data = random_bytes(rng, p.word_bytes());
            s.scatter(map.data(), data.data());
            for (unsigned t = 0; t < p.superlanes; ++t)
                std::copy_n(data.begin() + t * g, g, ref.word(map[t]) + t * g);
            break;
        }
        case 1: {  // whole-word write, to mix both kinds of access
            const auto data = random_bytes(rng, p.word_bytes());
            s.write(map[0], data.data());
            std::copy(data.begin(), data.end(), ref.word(map[0]));
            break;
        }
        default: {  // gather
            s.gather(map.data(), out.data());
            for (unsigned t = 0; t < p.superlanes; ++t)
                REQUIRE(std::equal(out.begin() + t * g, out.begin() + (t + 1) * g, ref.word(map[t]) + t * g));
        }
        }
    }
    // Whole words read back equal the reference too, so scatter touched nothing outside its tiles.
    for (uint32_t w = 0; w < p.words_per_slice(); ++w) {
        s.read(w, out.data());
        CHECK(std::equal(out.begin(), out.end(), ref.word(w)));
    }
}

TEST_CASE("scatter tiles naming the same word write disjoint byte columns", "[mem][sram][gather]")
{
    const MemParams p = small_params();
    SramSlice s(p, 0);
    std::vector<uint8_t> in(p.word_bytes());
    for (size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<uint8_t>(i + 1);
    const std::vector<uint32_t> same{9, 9};
    s.scatter(same.data(), in.data());
    std::vector<uint8_t> out(p.word_bytes());
    s.read(9, out.data());
    CHECK(out == in);  // both tiles landed, neither overwrote the other
    // A gather with the identity-like map [9, 9] returns the word itself.
    s.gather(same.data(), out.data());
    CHECK(out == in);
}

TEST_CASE("gather/scatter reject a tile address out of range and write nothing", "[mem][sram][gather]")
{
    const MemParams p = small_params();
    SramSlice s(p, 1);
    std::vector<uint8_t> buf(p.word_bytes(), 5);
    const std::vector<uint32_t> map{3, 40};
    CHECK(input_error([&] { s.gather(map.data(), buf.data()); }) ==
          "MEM slice 1 (MEM_W1): gather tile 1 word address 40 out of range (a slice has 32 words)");
    CHECK(input_error([&] { s.scatter(map.data(), buf.data()); }) ==
          "MEM slice 1 (MEM_W1): scatter tile 1 word address 40 out of range (a slice has 32 words)");
    CHECK(s.pages_allocated() == 0);  // tile 0 (word 3, valid) was not written either
}

TEST_CASE("a map vector holds a little-endian word address at the start of each tile's chunk", "[mem][gather]")
{
    const MemParams p = small_params();  // 32 words: one address byte
    REQUIRE(p.map_entry_bytes() == 1);
    std::vector<uint8_t> map(p.word_bytes(), 0xEE);  // the other bytes of a chunk are ignored
    map[0] = 7;
    map[16] = 30;
    CHECK(decode_tile_map(p, map.data()) == std::vector<uint32_t>{7, 30});

    const MemParams full = tsp_params();  // 8192 words: two bytes per entry
    REQUIRE(full.map_entry_bytes() == 2);
    std::vector<uint8_t> fmap(full.word_bytes(), 0);
    for (unsigned t = 0; t < full.superlanes; ++t) {
        const unsigned w = 8191 - 300 * t;
        fmap[t * 16] = static_cast<uint8_t>(w & 0xff);
        fmap[t * 16 + 1] = static_cast<uint8_t>(w >> 8);
    }
    const auto words = decode_tile_map(full, fmap.data());
    for (unsigned t = 0; t < full.superlanes; ++t)
        CHECK(words[t] == 8191 - 300 * t);
    // Not masked to 13 bits: the gather that uses it rejects the address.
    fmap[1] = 0xff;
    CHECK(decode_tile_map(full, fmap.data())[0] == 0xffff);
}

TEST_CASE("a tile too narrow for a word address cannot hold a map", "[mem][gather]")
{
    const MemParams p =
        (parse_chip_spec("version: 1\nchip:\n  geometry:\n    superlanes: 4\n    lanes_per_superlane: 1\n  mxm:\n"
                         "    install_rows_per_cycle: 4\n",
                         "g1.yaml"))
            .mem;
    std::vector<uint8_t> map(p.word_bytes(), 0);
    CHECK(input_error([&] { decode_tile_map(p, map.data()); }) ==
          "gather/scatter map: a word address needs 2 bytes (8192 words per slice) but a tile has only 1 lanes "
          "(chip.geometry.lanes_per_superlane)");
}

TEST_CASE("touching 1 MiB of the 220 MiB tsp-v1 memory allocates about 1 MiB", "[mem][sram][sparse]")
{
    const MemParams p = tsp_params();
    std::vector<SramSlice> slices;
    for (unsigned i = 0; i < p.slices; ++i)
        slices.emplace_back(p, i);
    // 16 contiguous runs of 64 KiB in 16 different slices, at odd offsets so runs straddle pages.
    const uint64_t run_bytes = 64 << 10;
    const unsigned runs = 16;
    Rng rng(3);
    std::vector<uint8_t> word(p.word_bytes());
    uint64_t touched = 0;
    for (unsigned r = 0; r < runs; ++r) {
        SramSlice& s = slices[r * 5];
        const uint32_t first = 37 + 500 * r;
        const uint32_t words = static_cast<uint32_t>((run_bytes + p.word_bytes() - 1) / p.word_bytes());
        for (uint32_t w = 0; w < words; ++w) {
            word[0] = rng.byte();
            s.write(first + w, word.data());
        }
        touched += uint64_t{words} * p.word_bytes();
    }
    uint64_t allocated = 0;
    for (const SramSlice& s : slices)
        allocated += s.bytes_allocated();
    CHECK(touched >= (1u << 20));
    CHECK(allocated >= touched);
    // At most one partial page at each end of each run.
    CHECK(allocated <= touched + 2 * runs * p.page_bytes());
    CHECK(allocated < p.total_bytes() / 150);  // ~1.3 MiB of 220 MiB
}

TEST_CASE("the SRAM arena hands out zeroed, aligned, disjoint blocks of any size", "[mem]")
{
    SramArena arena;
    std::vector<std::pair<uint8_t*, size_t>> blocks;
    // Small pages through several chunks, one block larger than any chunk, then small ones again.
    const std::vector<size_t> sizes = {20480, 20480, 1, 100, 300000, size_t{80} << 20, 20480, 64, 4096};
    for (int round = 0; round < 40; ++round)
        for (size_t bytes : sizes) {
            if (bytes > (size_t{1} << 20) && round > 0)
                continue;
            auto* p = static_cast<uint8_t*>(arena.allocate(bytes));
            CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
            CHECK(std::all_of(p, p + bytes, [](uint8_t b) { return b == 0; }));
            std::memset(p, 0xA5, bytes);  // a later block overlapping this one would not read as zeros
            blocks.emplace_back(p, bytes);
        }
    std::sort(blocks.begin(), blocks.end());
    for (size_t i = 1; i < blocks.size(); ++i)
        CHECK(blocks[i - 1].first + blocks[i - 1].second <= blocks[i].first);
}
