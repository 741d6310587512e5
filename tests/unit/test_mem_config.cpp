// MEM parameters: the published geometry resolves from defaults, the address map and bank
// split follow docs/mem.md, and every bad value of a chip.mem key is rejected with file,
// line, column, key and reason.
#include "models/common/Error.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MemParams.h"

#include <catch2/catch.hpp>

#include <string>

using namespace lpu;

namespace {

ChipSpec load(const std::string& text) { return parse_chip_spec(text, "mem.yaml"); }

std::string with_mem(const std::string& mem_keys)
{
    return "version: 1\nchip:\n  geometry:\n    superlanes: 2\n  mem:\n" + mem_keys;
}

std::string rejection(const std::string& text)
{
    try {
        load(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("config was accepted:\n" << text);
    return "";
}

}  // namespace

TEST_CASE("tsp-v1 has the published 220 MiB of MEM from the defaults", "[mem][config]")
{
    const MemParams p = (load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tsp-v1.yaml")).mem;
    CHECK(p.slices == 88);
    CHECK(p.slices_per_hemisphere() == 44);
    CHECK(p.banks == 2);
    CHECK(p.words_per_bank == 4096);
    CHECK(p.word_bytes() == 320);            // one vector: 20 tiles of 16 bytes
    CHECK(p.slice_bytes() == 2621440);       // 2.5 MiB per slice (TSP20)
    CHECK(p.total_bytes() == 220ull << 20);  // 220 MiB
    CHECK(p.address_bits() == 13);           // a 13-bit word address ...
    CHECK(p.bank_of(4095) == 0);             // ... whose bit 12 is the bank
    CHECK(p.bank_of(4096) == 1);
    CHECK(p.bank_of(8191) == 1);
    CHECK(p.map_entry_bytes() == 2);
    CHECK(p.read_latency == 2);
    CHECK(p.write_latency == 1);
    CHECK(p.page_words == 64);
    CHECK(p.page_bytes() == 20480);
    CHECK(p.pages_per_slice() == 128);
}

TEST_CASE("slice names follow the floorplan: west then east, counted outward from the VXM", "[mem][config]")
{
    const MemParams p = (load(with_mem("    slices: 88\n"))).mem;
    CHECK(p.slice_name(0) == "MEM_W0");
    CHECK(p.slice_name(43) == "MEM_W43");
    CHECK(p.slice_name(44) == "MEM_E0");
    CHECK(p.slice_name(87) == "MEM_E43");
}

TEST_CASE("the host address map is slice-major, then word, then byte, and locate inverts it", "[mem][config]")
{
    const MemParams p = (load(with_mem("    slices: 4\n    words_per_bank: 16\n"))).mem;
    REQUIRE(p.word_bytes() == 32);
    REQUIRE(p.words_per_slice() == 32);
    CHECK(p.host_address(0, 0, 0) == 0);
    CHECK(p.host_address(0, 1, 0) == 32);
    CHECK(p.host_address(1, 0, 0) == 32 * 32);
    CHECK(p.host_address(3, 31, 31) == p.total_bytes() - 1);
    for (uint64_t a = 0; a < p.total_bytes(); a += 7) {
        const MemLocation loc = p.locate(a);
        CHECK(p.host_address(loc.slice, loc.word, loc.byte) == a);
        CHECK(loc.byte < 32);
        CHECK(loc.word < 32);
        CHECK(loc.slice < 4);
    }
}

TEST_CASE("page_words defaults to a divisor of words_per_bank so small geometries need no setting", "[mem][config]")
{
    CHECK((load(with_mem("    words_per_bank: 16\n"))).mem.page_words == 16);
    CHECK((load(with_mem("    words_per_bank: 100\n"))).mem.page_words == 4);  // gcd(64, 100)
    CHECK((load(with_mem("    words_per_bank: 4096\n"))).mem.page_words == 64);
    CHECK((load(with_mem("    page_words: 4096\n"))).mem.page_words == 4096);
    CHECK_FALSE(load(with_mem("    words_per_bank: 16\n")).config->entry("chip.mem.page_words").from_file);
}

TEST_CASE("bad chip.mem values are rejected with position, key and reason", "[mem][config]")
{
    SECTION("odd slice count: the hemispheres would differ")
    {
        CHECK(rejection(with_mem("    slices: 87\n"))
                  .find("mem.yaml:6:13: chip.mem.slices: must be even (two mirrored hemispheres of slices / 2 each), "
                        "got 87") != std::string::npos);
    }
    SECTION("slices out of range")
    {
        CHECK(rejection(with_mem("    slices: 0\n"))
                  .find("mem.yaml:6:13: chip.mem.slices: value 0 out of range [2, 256]") != std::string::npos);
    }
    SECTION("no banks")
    {
        CHECK(rejection(with_mem("    banks: 0\n")).find("chip.mem.banks: value 0 out of range [1, 16]") !=
              std::string::npos);
    }
    SECTION("too many words")
    {
        CHECK(rejection(with_mem("    words_per_bank: 300000\n"))
                  .find("chip.mem.words_per_bank: value 300000 out of range [1, 262144]") != std::string::npos);
    }
    SECTION("zero latencies: a cycle model has no zero-time SRAM")
    {
        CHECK(
            rejection(with_mem("    read_latency: 0\n")).find("chip.mem.read_latency: value 0 out of range [1, 64]") !=
            std::string::npos);
        CHECK(rejection(with_mem("    write_latency: 0\n"))
                  .find("chip.mem.write_latency: value 0 out of range [1, 64]") != std::string::npos);
    }
    SECTION("a page that does not divide a bank")
    {
        CHECK(rejection(with_mem("    page_words: 48\n"))
                  .find("mem.yaml:6:17: chip.mem.page_words: must divide chip.mem.words_per_bank (4096), got 48") !=
              std::string::npos);
    }
    SECTION("a page larger than a bank")
    {
        CHECK(rejection(with_mem("    words_per_bank: 16\n    page_words: 32\n"))
                  .find("chip.mem.page_words: must divide chip.mem.words_per_bank (16), got 32") != std::string::npos);
    }
    SECTION("misspelt key gets a suggestion")
    {
        CHECK(rejection(with_mem("    bank: 2\n"))
                  .find("mem.yaml:6:5: chip.mem.bank: unknown key (did you mean 'banks'?)") != std::string::npos);
    }
    SECTION("wrong type")
    {
        CHECK(rejection(with_mem("    read_latency: two\n"))
                  .find("chip.mem.read_latency: expected an integer, got 'two'") != std::string::npos);
    }
}

TEST_CASE("the chip.mem keys are described for `lpusim config`", "[mem][config]")
{
    const std::string text = load(with_mem("    slices: 4\n")).config->describe();
    for (const char* key :
         {"slices: 4", "banks: 2", "words_per_bank: 4096", "read_latency: 2", "write_latency: 1", "page_words: 64"})
        CHECK(text.find(key) != std::string::npos);
    CHECK(text.find("gcd(64, words_per_bank)") != std::string::npos);
}
