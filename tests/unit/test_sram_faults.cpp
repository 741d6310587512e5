// SRAM faults and ECC (docs/faults.md): the SEC-DED codec against a parity-check matrix built
// here from the textbook definition (every single flip corrected, every double detected, triples
// miscorrected or detected exactly as the syndrome says), the chip.mem.ecc and --sram-faults
// parameters, targeted flips through a chip run (corrected, detected under both policies, silent
// without ECC, cleared by writes, per tile by a Scatter), and seeded random upsets (their rate per
// bit per cycle against the binomial law, determinism, windows).
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/isa/Assembler.h"
#include "models/mem/SecDedCode.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/SramFaultParams.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

using Data = SecDedCode::Data;

// The extended Hamming code written out from its definition, bit by bit: the Hamming position of
// every codeword bit ([0, k) data, [k, k + r) check bits, k + r the overall parity bit).
struct Reference {
    unsigned k, r;
    std::vector<unsigned> pos;

    explicit Reference(unsigned data_bits) : k(data_bits), r(0)
    {
        while ((1u << r) < k + r + 1)
            ++r;
        for (unsigned p = 1; pos.size() < k; ++p)
            if (p & (p - 1))  // not a power of two
                pos.push_back(p);
        for (unsigned j = 0; j < r; ++j)
            pos.push_back(1u << j);
        pos.push_back(0);
    }
    unsigned n() const { return k + r + 1; }
    // Check bits of `d`: check j is the XOR of the data bits whose position has bit j; the overall
    // bit makes the codeword's weight even.
    uint32_t encode(const Data& d) const
    {
        uint32_t c = 0;
        unsigned all = 0;
        for (unsigned j = 0; j < r; ++j) {
            unsigned x = 0;
            for (unsigned i = 0; i < k; ++i)
                x ^= d.bit(i) & (pos[i] >> j & 1);
            c |= x << j;
            all ^= x;
        }
        for (unsigned i = 0; i < k; ++i)
            all ^= d.bit(i);
        return c | all << r;
    }
    // The syndrome of a set of flipped codeword bits: the XOR of their positions, and their parity.
    std::pair<unsigned, unsigned> syndrome(const std::vector<unsigned>& flipped) const
    {
        unsigned s = 0;
        for (unsigned b : flipped)
            s ^= pos[b];
        return {s, static_cast<unsigned>(flipped.size() % 2)};
    }
    // The codeword bit at position p, or -1 if no bit has it.
    int bit_at(unsigned p) const
    {
        for (unsigned b = 0; b < n(); ++b)
            if (pos[b] == p)
                return static_cast<int>(b);
        return -1;
    }
};

Data random_word(Rng& rng, unsigned k)
{
    Data d{{rng.next(), rng.next()}};
    if (k < 64) {
        d.w[0] &= (uint64_t{1} << k) - 1;
        d.w[1] = 0;
    } else if (k < 128) {
        d.w[1] &= k == 64 ? 0 : (uint64_t{1} << (k - 64)) - 1;
    }
    return d;
}

// Flips codeword bits of (data, check).
void flip(const SecDedCode& code, Data& d, uint32_t& c, const std::vector<unsigned>& bits)
{
    for (unsigned b : bits) {
        if (b < code.data_bits())
            d.flip(b);
        else
            c ^= 1u << (b - code.data_bits());
    }
}

}  // namespace

TEST_CASE("SEC-DED: the code's sizes and its encoder equal the textbook construction", "[ecc]")
{
    // The standard sizes: (13,8), (22,16), (39,32), (72,64), (137,128).
    const std::map<unsigned, unsigned> n{{8, 13}, {16, 22}, {32, 39}, {64, 72}, {128, 137}};
    for (const auto& [k, len] : n)
        CHECK(SecDedCode(k).codeword_bits() == len);
    Rng rng(11);
    for (unsigned k : {1u, 4u, 8u, 11u, 16u, 26u, 32u, 57u, 64u, 100u, 120u, 128u}) {
        const SecDedCode code(k);
        const Reference ref(k);
        REQUIRE(code.codeword_bits() == ref.n());
        for (unsigned b = 0; b < ref.n(); ++b)
            CHECK(code.position(b) == ref.pos[b]);
        for (int trial = 0; trial < 200; ++trial) {
            const Data d = random_word(rng, k);
            CHECK(code.encode(d) == ref.encode(d));
        }
    }
}

TEST_CASE("SEC-DED: every single flip is corrected, every double flip detected (exhaustive)", "[ecc]")
{
    Rng rng(5);
    for (unsigned k : {8u, 32u, 64u, 128u}) {
        const SecDedCode code(k);
        const unsigned n = code.codeword_bits();
        const Data d = random_word(rng, k);
        const uint32_t c = code.encode(d);
        Data clean = d;
        uint32_t cc = c;
        CHECK(code.decode(clean, cc).result == SecDedCode::Result::clean);
        unsigned doubles = 0;
        for (unsigned a = 0; a < n; ++a) {
            Data r = d;
            uint32_t rc = c;
            flip(code, r, rc, {a});
            const SecDedCode::Decoded dec = code.decode(r, rc);
            CHECK(dec.result == SecDedCode::Result::corrected);
            CHECK(dec.bit == static_cast<int>(a));
            CHECK((r == d && rc == c));
            for (unsigned b = a + 1; b < n; ++b, ++doubles) {
                Data r2 = d;
                uint32_t rc2 = c;
                flip(code, r2, rc2, {a, b});
                const Data received = r2;
                const uint32_t received_check = rc2;
                CHECK(code.decode(r2, rc2).result == SecDedCode::Result::detected);
                CHECK((r2 == received && rc2 == received_check));  // left as received
            }
        }
        CHECK(doubles == n * (n - 1) / 2);
    }
}

TEST_CASE("SEC-DED: three flips are miscorrected or detected exactly as the syndrome says", "[ecc]")
{
    // Every triple of (72,64) and (13,8): the decoder sees syndrome s = XOR of the positions with
    // odd parity, so it "corrects" the bit at position s (a fourth bit, or bits 0 = the overall
    // bit) when there is one, and refuses when the shortened code has no position s.
    for (unsigned k : {8u, 64u}) {
        const SecDedCode code(k);
        const Reference ref(k);
        const unsigned n = ref.n();
        Rng rng(k);
        const Data d = random_word(rng, k);
        const uint32_t c = code.encode(d);
        uint64_t miscorrected = 0, detected = 0;
        for (unsigned a = 0; a < n; ++a)
            for (unsigned b = a + 1; b < n; ++b)
                for (unsigned e = b + 1; e < n; ++e) {
                    Data r = d;
                    uint32_t rc = c;
                    flip(code, r, rc, {a, b, e});
                    const auto [s, p] = ref.syndrome({a, b, e});
                    REQUIRE(p == 1);
                    const int target = ref.bit_at(s);
                    const SecDedCode::Decoded dec = code.decode(r, rc);
                    if (target < 0) {
                        CHECK(dec.result == SecDedCode::Result::detected);
                        ++detected;
                        continue;
                    }
                    // Never one of the three: s = p_a would need p_b = p_e. Always a fourth bit.
                    CHECK(dec.result == SecDedCode::Result::corrected);
                    CHECK(dec.bit == target);
                    CHECK((target != int(a) && target != int(b) && target != int(e)));
                    Data want = d;
                    uint32_t want_c = c;
                    flip(code, want, want_c, {a, b, e, static_cast<unsigned>(target)});
                    CHECK((r == want && rc == want_c));  // a codeword at distance 4 from the one written
                    ++miscorrected;
                }
        CHECK(miscorrected + detected == uint64_t{n} * (n - 1) * (n - 2) / 6);
        CHECK(miscorrected > 0);
        if (k == 64)
            CHECK(detected > 0);  // positions 72 .. 127 are unused by the shortened (72,64) code
    }
    // Four flips whose positions XOR to zero look like a clean word: undetected.
    const SecDedCode code(64);
    const Reference ref(64);
    Data d{{0x0123456789abcdefull, 0}};
    uint32_t c = code.encode(d);
    // Check bits 0, 1, 2 (positions 1, 2, 4) and the data bit at position 7: 1 ^ 2 ^ 4 ^ 7 = 0.
    const std::vector<unsigned> four{64, 65, 66, static_cast<unsigned>(ref.bit_at(7))};
    REQUIRE(ref.syndrome(four).first == 0);
    flip(code, d, c, four);
    CHECK(code.decode(d, c).result == SecDedCode::Result::clean);
}

TEST_CASE("chip.mem.ecc: scheme and data bits, checked against the tile", "[ecc][config]")
{
    const std::string head = "version: 1\nchip:\n  geometry:\n    superlanes: 1\n";
    const ChipSpec def = parse_chip_spec(head, "t.yaml");
    CHECK(def.mem.ecc.scheme == EccScheme::secded);
    CHECK(def.mem.ecc.data_bits == 64);
    CHECK(def.mem.ecc.text() == "secded (72,64)");
    CHECK(def.mem.ecc_words_per_word() == 2);
    CHECK(def.config->describe().find("gcd(64, 8 * lanes_per_superlane)") != std::string::npos);
    const ChipSpec bytes = parse_chip_spec(head + "  mem:\n    ecc: {scheme: secded, data_bits: 8}\n", "t.yaml");
    CHECK(bytes.mem.ecc.text() == "secded (13,8)");
    CHECK(bytes.mem.ecc_words_per_tile() == 16);
    // A 2-lane tile holds 16 bits: the default word is 16 bits.
    CHECK(parse_chip_spec("version: 1\nchip:\n  geometry:\n    superlanes: 1\n    lanes_per_superlane: 2\n  mxm:\n"
                          "    install_rows_per_cycle: 2\n",
                          "t.yaml")
              .mem.ecc.data_bits == 16);
    const auto error = [&](const std::string& ecc) {
        try {
            parse_chip_spec(head + "  mem:\n    ecc: " + ecc + "\n", "t.yaml");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("{scheme: hamming}") == "t.yaml:6:19: chip.mem.ecc.scheme: unknown scheme 'hamming' (secded or none)");
    CHECK(error("{data_bits: 48}").find("chip.mem.ecc.data_bits: must be a multiple of 8 dividing a tile's 128 bits") !=
          std::string::npos);
    CHECK(error("{data_bits: 256}") == "t.yaml:6:22: chip.mem.ecc.data_bits: value 256 out of range [8, 128]");
    CHECK(error("{shceme: none}").find("chip.mem.ecc.shceme: unknown key (did you mean 'scheme'?)") !=
          std::string::npos);
}

TEST_CASE("the SRAM fault options (--sram-faults, --sram-flip): values, defaults and errors", "[ecc][config]")
{
    const SramFaultParams d = SramFaultParams::parse("rate=0");
    CHECK(d.seed == 1);
    CHECK(d.policy == ErrorPolicy::fail);
    const SramFaultParams p = SramFaultParams::parse("rate=1e-7,seed=42,policy=poison");
    CHECK(p.rate == 1e-7);
    CHECK(p.seed == 42);
    CHECK(p.policy == ErrorPolicy::poison);
    const auto error = [](const std::string& text) {
        try {
            SramFaultParams::parse(text);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("rate=0.5") == "--sram-faults: rate: value 0.5 out of range [0, 0.01]");
    CHECK(error("rat=1e-9").find("--sram-faults: rat: unknown key (did you mean 'rate'?)") == 0);
    CHECK(error("policy=ignore") == "--sram-faults: policy: unknown policy 'ignore' (fail or poison)");
    CHECK(error("seed=-3").find("--sram-faults: seed: value -3 out of range [0, ") == 0);
    CHECK(error("rate") == "--sram-faults: expected KEY=VALUE[,KEY=VALUE...] (keys rate, seed, policy), got 'rate'");
    CHECK(error("seed=1,seed=2") == "--sram-faults: seed: duplicate key");
    CHECK(error("seed={a: 1}").find("expected KEY=VALUE") != std::string::npos);

    const MemParams& mem = tiny().mem;  // 88 slices of 8192 words of 16 bytes: 2 (72,64) words each
    const SramFlip f = SramFlip::parse("44:7:5+70+c1.7@12", mem);
    CHECK(f.slice == 44);
    CHECK(f.word == 7);
    CHECK(f.cycle == 12);
    REQUIRE(f.bits.size() == 3);
    CHECK((f.bits[0].ecc_word == 0 && f.bits[0].bit == 5));
    CHECK((f.bits[1].ecc_word == 1 && f.bits[1].bit == 6));
    CHECK((f.bits[2].ecc_word == 1 && f.bits[2].bit == 64 + 7));  // the overall parity bit
    const auto flip_error = [&](const std::string& text) {
        try {
            SramFlip::parse(text, mem);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(flip_error("88:0:1") == "--sram-flip '88:0:1': slice: 88 is out of range [0, 87]");
    CHECK(flip_error("0:8192:1") == "--sram-flip '0:8192:1': word: 8192 is out of range [0, 8191]");
    CHECK(flip_error("0:0:128") == "--sram-flip '0:0:128': data bit: 128 is out of range [0, 127]");
    CHECK(flip_error("0:0:c2.0") == "--sram-flip '0:0:c2.0': ECC word: 2 is out of range [0, 1]");
    CHECK(flip_error("0:0:c0.8") == "--sram-flip '0:0:c0.8': check bit: 8 is out of range [0, 7]");
    CHECK(flip_error("0:0:3+3") == "--sram-flip '0:0:3+3': bit '3' named twice");
    CHECK(flip_error("0:0").find("expected SLICE:WORD:BIT[+BIT...][@CYCLE]") != std::string::npos);
}

namespace {

// MEM_E0 (slice 44) reads word 0 at cycle `read_at`; MEM_E3 (slice 47) writes it to its word 0.
std::string copy_program(unsigned read_at)
{
    return ".tensor a MEM_E0 0 1 i8\n.tensor b MEM_E3 0 1 i8\n.queue MEM_E0\n" +
           (read_at ? " NOP " + std::to_string(read_at) + "\n" : std::string()) + " Read 0, s0e\n.queue MEM_E3\n NOP " +
           std::to_string(read_at + 5) + "\n Write 0, s0e\n";
}

struct CopyRun {
    std::vector<uint8_t> in, out;
    SramFaultCounters total;
    std::string error;
};

CopyRun run_copy(const std::string& faults, const std::vector<std::string>& flips, const ChipSpec& cfg = tiny(),
                 unsigned read_at = 0)
{
    const Program p = assemble(copy_program(read_at), "p.s", cfg);
    Chip chip("", cfg);
    SramFaultParams f = SramFaultParams::parse(faults);
    for (const std::string& text : flips)
        f.flips.push_back(SramFlip::parse(text, cfg.mem));
    chip.mem().inject_faults(f, 0);
    CopyRun r;
    for (unsigned i = 0; i < 16; ++i)
        r.in.push_back(static_cast<uint8_t>(0x5a ^ (i * 37)));
    chip.load_tensor(*p.tensor("a"), r.in);
    try {
        const RunStats st = chip.run(p);
        for (const SramFaultCounters& c : st.sram_faults)
            r.total += c;
        CHECK(st.sram_faults.size() == cfg.mem.slices);
        CHECK(st.sram_faults[44].words_read == 2);
    } catch (const ScheduleError& e) {
        r.error = without_chip(chip, e.what());
    }
    r.out = chip.dump_tensor(*p.tensor("b"));
    return r;
}

}  // namespace

TEST_CASE("targeted flips through a run: corrected, detected per policy, silent without ECC", "[ecc][run]")
{
    SECTION("one flipped data bit is corrected: the copy is exact")
    {
        const CopyRun r = run_copy("policy=fail", {"44:0:5"});
        CHECK(r.error.empty());
        CHECK(r.out == r.in);
        CHECK(r.total.words_with_errors == 1);
        CHECK(r.total.corrected == 1);
        CHECK(r.total.bits_flipped == 1);
        CHECK(r.total.silent() + r.total.detected == 0);
    }
    SECTION("a flipped check bit is corrected too")
    {
        const CopyRun r = run_copy("policy=fail", {"44:0:c1.3"});
        CHECK(r.out == r.in);
        CHECK(r.total.corrected == 1);
    }
    SECTION("two flips in one ECC word fail the run, naming slice, word and cycle")
    {
        const CopyRun r = run_copy("policy=fail", {"44:0:5+9"});
        CHECK(r.error.find("cycle 0: MEM_E0: 'Read 0x0, s0e' (p.s:4:2): detected uncorrectable SRAM error in MEM "
                           "slice 44 (MEM_E0) word 0 (bank 0), ECC word 0 (lanes 0..7, tile 0) of its secded (72,64) "
                           "code; stored bits flipped: data 5 data 9") != std::string::npos);
        CHECK(r.out == std::vector<uint8_t>(16, 0));  // nothing was written
    }
    SECTION("... and under poison are delivered as read, and counted")
    {
        const CopyRun r = run_copy("policy=poison", {"44:0:5+9", "44:0:64"});  // and one in ECC word 1
        CHECK(r.error.empty());
        std::vector<uint8_t> want = r.in;
        want[0] ^= 1 << 5;
        want[1] ^= 1 << 1;
        CHECK(r.out == want);  // ECC word 1's flip corrected, word 0's two delivered
        CHECK(r.total.detected == 1);
        CHECK(r.total.corrected == 1);
        CHECK(r.total.words_with_errors == 2);
        CHECK(r.total.bits_flipped == 3);
    }
    SECTION("three flips the decoder miscorrects are silent: a fourth bit flipped")
    {
        // Data bits 0, 1, 2 sit at positions 3, 5, 6: syndrome 3 ^ 5 ^ 6 = 0 with odd parity, so
        // the decoder flips the overall parity bit and delivers the three flips.
        const CopyRun r = run_copy("policy=fail", {"44:0:0+1+2"});
        CHECK(r.error.empty());
        CHECK(r.out[0] == (r.in[0] ^ 0x07));
        CHECK(r.total.miscorrected == 1);
        CHECK(r.total.silent() == 1);
    }
    SECTION("without ECC every flip reaches the data, silently")
    {
        const ChipSpec none =
            parse_chip_spec("version: 1\nchip:\n  name: tiny\n  geometry:\n    superlanes: 1\n  mem:\n    ecc: "
                            "{scheme: none}\n",
                            "none.yaml");
        const CopyRun r = run_copy("policy=fail", {"44:0:5+9+127"}, none);
        std::vector<uint8_t> want = r.in;
        want[0] ^= 1 << 5;
        want[1] ^= 1 << 1;
        want[15] ^= 0x80;
        CHECK(r.out == want);
        CHECK(r.total.undetected == 2);  // two ECC words of 64 bits
        CHECK(r.total.bits_flipped == 3);
        CHECK(r.total.corrected + r.total.detected + r.total.miscorrected == 0);
    }
    SECTION("a flip from a later cycle is not seen by an earlier read")
    {
        const CopyRun r = run_copy("policy=fail", {"44:0:5+9@1"});
        CHECK(r.error.empty());
        CHECK(r.out == r.in);
        CHECK(r.total.words_with_errors == 0);
    }
    SECTION("a flip from the read's own cycle is")
    {
        const CopyRun r = run_copy("policy=poison", {"44:0:5+9@3"}, tiny(), 3);
        CHECK(r.total.detected == 1);
    }
}

TEST_CASE("a write stores a new codeword: earlier flips are gone, later ones stay", "[ecc][run]")
{
    // MEM_E0 writes word 0 at cycle 7 (committed at the end of 7: reads from 8 see it) from a
    // vector read in its own slice at 5, then reads it at 10. A flip in the cells from cycle 8 (an
    // upset in cycle 7) is overwritten; one from cycle 9 is read.
    const std::string src = ".tensor a MEM_E0 0 1 i8\n.tensor c MEM_E0 4096 1 i8\n.tensor b MEM_E3 0 1 i8\n"
                            ".queue MEM_E0\n NOP 5\n Read 4096, s0e\n NOP 1\n Write 0, s0e\n NOP 2\n Read 0, s1e\n"
                            ".queue MEM_E3\n NOP 15\n Write 0, s1e\n";
    const Program p = assemble(src, "w.s", tiny());
    std::vector<uint8_t> c(16);
    for (unsigned i = 0; i < 16; ++i)
        c[i] = static_cast<uint8_t>(i + 1);
    std::vector<uint8_t> out;
    const auto run = [&](const std::string& flip) {
        Chip chip("", tiny());
        SramFaultParams f = SramFaultParams::parse("policy=poison");
        f.flips.push_back(SramFlip::parse(flip, tiny().mem));
        chip.mem().inject_faults(f, 0);
        chip.load_tensor(*p.tensor("c"), c);
        const RunStats st = chip.run(p);
        out = chip.dump_tensor(*p.tensor("b"));
        return st.sram_faults[44];
    };
    CHECK(run("44:0:1+2@8").words_with_errors == 0);
    CHECK(out == c);
    CHECK(run("44:0:1+2@0").words_with_errors == 0);  // in the cells before the write
    CHECK(out == c);
    CHECK(run("44:0:1+2@9").detected == 1);
    CHECK(out[0] == (c[0] ^ 0x06));
}

TEST_CASE("a Scatter rewrites the ECC words of the tiles it writes, no others", "[ecc][run]")
{
    // small: 4 tiles of 16 lanes, 2 (72,64) words each. MEM_W0 (position 46) reads a vector of
    // 0x22 at cycle 0 and MEM_E0 (48) a map at 2, both at MEM_E1 (49) in cycle 5: the map sends
    // tile t to word 30 + t, so of word 30 only tile 0 is rewritten (committed in 5). MEM_E1 reads
    // word 30 at 8. Flips in tiles 0 and 1 of word 30 from cycle 0: tile 0's are overwritten,
    // tile 1's read.
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/small.yaml");
    const std::string src = ".tensor src MEM_W0 0 1 u8\n.tensor map MEM_E0 1 1 u8\n.tensor d MEM_E1 30 4 u8\n"
                            ".tensor out MEM_E2 0 1 u8\n"
                            ".queue MEM_W0\n Read 0, s0e\n.queue MEM_E0\n NOP 2\n Read 1, s2e\n"
                            ".queue MEM_E1\n NOP 5\n Scatter s0e, s2e\n NOP 2\n Read 30, s3e\n"
                            ".queue MEM_E2\n NOP 11\n Write 0, s3e\n";
    const Program p = assemble(src, "s.s", cfg);
    Chip chip("", cfg);
    SramFaultParams f = SramFaultParams::parse("policy=poison");
    const unsigned e1 = cfg.mem.slices / 2 + 1;
    f.flips.push_back(SramFlip::parse(std::to_string(e1) + ":30:3+4+200", cfg.mem));  // tiles 0, 0 and 1
    chip.mem().inject_faults(f, 0);
    std::vector<uint8_t> map(64, 0), d(4 * 64, 0x11);
    for (unsigned t = 0; t < 4; ++t)
        map[t * 16] = static_cast<uint8_t>(30 + t);
    chip.load_tensor(*p.tensor("src"), std::vector<uint8_t>(64, 0x22));
    chip.load_tensor(*p.tensor("map"), map);
    chip.load_tensor(*p.tensor("d"), d);
    const RunStats st = chip.run(p);
    const SramFaultCounters& c = st.sram_faults[e1];
    CHECK(c.words_with_errors == 1);  // tile 1's single flip: corrected
    CHECK(c.corrected == 1);
    CHECK(c.detected == 0);
    const std::vector<uint8_t> out = chip.dump_tensor(*p.tensor("out"));
    CHECK(out[0] == 0x22);   // tile 0: the scattered vector's tile
    CHECK(out[16] == 0x11);  // tile 1: as loaded
}

namespace {

// MEM_E0 reads words 0 .. 63 in cycles kFirst .. kFirst + 63 (nobody writes them).
constexpr unsigned kFirst = 1000, kWords = 64;

SramFaultCounters random_reads(const ChipSpec& cfg, const std::string& faults, uint64_t window = 0)
{
    const std::string src = ".queue MEM_E0\n NOP " + std::to_string(kFirst) + "\n Read 0, s0e\n Repeat " +
                            std::to_string(kWords - 1) + ", 1, 1\n";
    const Program p = assemble(src, "r.s", cfg);
    Chip chip("", cfg);
    chip.mem().inject_faults(SramFaultParams::parse(faults), 0);
    RunStats st;
    if (window == 0) {
        st = chip.run(p);
    } else {
        auto engine = chip.start(p);
        for (uint64_t end = window; engine->next_event() != kNever; end += window)
            engine->advance_to(end);
        st = engine->finish();
    }
    SramFaultCounters all;
    for (const SramFaultCounters& c : st.sram_faults)
        all += c;
    CHECK(all.words_read == kWords * cfg.mem.ecc_words_per_word());
    CHECK(all.corrected + all.detected + all.miscorrected + all.undetected == all.words_with_errors);
    return all;
}

}  // namespace

TEST_CASE("random upsets: each stored bit flips at the rate per cycle (binomial law)", "[ecc][run]")
{
    // A stored bit read in cycle t, written before cycle 0, has flipped an odd number of times in
    // cycles 0 .. t-1: p(t) = (1 - (1 - 2 rate)^t) / 2. 64 words x 144 stored bits (two (72,64)
    // words) over 6 seeds: the flipped bits met against their binomial mean, within 5 sigma.
    const double rate = 1e-4;
    double mean = 0, var = 0;
    for (unsigned i = 0; i < kWords; ++i) {
        const double p = (1 - std::pow(1 - 2 * rate, kFirst + i)) / 2;
        mean += 144 * p;
        var += 144 * p * (1 - p);
    }
    uint64_t flipped = 0;
    const unsigned seeds = 6;
    for (unsigned seed = 1; seed <= seeds; ++seed)
        flipped += random_reads(tiny(), "rate=1e-4,policy=poison,seed=" + std::to_string(seed)).bits_flipped;
    INFO("flipped " << flipped << ", expected " << seeds * mean << " +- " << std::sqrt(seeds * var));
    CHECK(std::abs(double(flipped) - seeds * mean) < 5 * std::sqrt(seeds * var));
    // Without ECC the same stored data bits (64 of every 72 cells are data at the same rate).
    const ChipSpec none = parse_chip_spec(
        "version: 1\nchip:\n  geometry:\n    superlanes: 1\n  mem:\n    ecc: {scheme: none}\n", "none.yaml");
    uint64_t none_flipped = 0;
    for (unsigned seed = 1; seed <= seeds; ++seed)
        none_flipped += random_reads(none, "rate=1e-4,policy=poison,seed=" + std::to_string(seed)).bits_flipped;
    CHECK(std::abs(double(none_flipped) - seeds * mean * 128 / 144) < 5 * std::sqrt(seeds * var * 128 / 144));
}

TEST_CASE("random upsets: same seed same faults, another seed others, in any windows", "[ecc][run]")
{
    const std::string faults = "rate=2e-5,policy=poison,seed=9";
    const SramFaultCounters a = random_reads(tiny(), faults);
    CHECK(a.words_with_errors > 10);
    for (uint64_t window : {1, 7, 216}) {
        const SramFaultCounters b = random_reads(tiny(), faults, window);
        CHECK(b.bits_flipped == a.bits_flipped);
        CHECK(b.corrected == a.corrected);
        CHECK(b.detected == a.detected);
        CHECK(b.miscorrected == a.miscorrected);
    }
    const SramFaultCounters other = random_reads(tiny(), "rate=2e-5,policy=poison,seed=10");
    CHECK(other.bits_flipped != a.bits_flipped);
    const SramFaultCounters none = random_reads(tiny(), "rate=0,policy=poison");
    CHECK(none.words_with_errors == 0);
}
