// What a program puts into MEM itself before cycle 0 (.fill constants, .data rows) and how whole
// matrices move through the host (.matrix: column blocks, zero-padded lanes).
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

// Element e of a dumped tensor of `eb`-byte elements (little-endian bytes).
uint32_t element(const std::vector<uint8_t>& bytes, size_t e, unsigned eb)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < eb; ++k)
        v |= uint32_t{bytes.at(e * eb + k)} << (8 * k);
    return v;
}

// The decode error of object file bytes `obj`, or "".
std::string decode_error(const std::string& obj)
{
    try {
        decode_program(obj, "p.lpo", tiny());
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE(".fill writes a constant into every element before the run", "[image]")
{
    // 0x3f800000 is 1.0f; the i8 tensor holds -3 (0xfd) everywhere.
    const std::string text = ".tensor one MEM_E0 0x10 2 f32\n.fill one 0x3f800000\n"
                             ".tensor m3 MEM_W0 0 1 i8\n.fill m3 0xfd\n.queue MEM_E0\n NOP 1\n";
    const Program p = assemble(text, "p.s", tiny());
    Chip chip("", tiny());
    chip.run(p);
    const auto one = chip.dump_tensor(*p.tensor("one"));
    REQUIRE(one.size() == 2 * 16 * 4);
    for (size_t e = 0; e < 32; ++e) {
        uint32_t v = 0;
        for (unsigned k = 0; k < 4; ++k)
            v |= uint32_t{one[e * 4 + k]} << (8 * k);
        CHECK(v == 0x3f800000u);
    }
    CHECK(chip.dump_tensor(*p.tensor("m3")) == std::vector<uint8_t>(16, 0xfd));
    const std::string dis = disassemble(p, tiny());
    CHECK(dis.find(".fill one 0x3f800000\n") != std::string::npos);
    CHECK(disassemble(decode_program(encode_program(p), "p.lpo", tiny()), tiny()) == dis);

    CHECK(asm_error(".fill x 1\n") == "p.s:1:7: no tensor 'x' declared before this .fill");
    CHECK(asm_error(".tensor t MEM_E0 0 1 i8\n.fill t 256\n") ==
          "p.s:2:9: element bit pattern 256 out of range [0, 255]");
    CHECK(asm_error(".tensor t MEM_E0 0 1 i8\n.fill t 1\n.fill t 2\n") == "p.s:3:7: tensor 't' filled twice");
}

TEST_CASE(".matrix moves a matrix of any width as column blocks", "[image]")
{
    // 3 x 20 int8 on 16 lanes: block 0 holds columns 0..15, block 1 columns 16..19 + zeros.
    const std::string text = ".matrix A 3 20 i8\n.tensor A@c0 MEM_E0 0 3 i8\n.tensor A@c1 MEM_E1 0 4 i8\n";
    const Program p = assemble(text, "p.s", tiny());
    REQUIRE(p.matrix("A"));
    Chip chip("", tiny());
    std::vector<uint8_t> a(3 * 20);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<uint8_t>(7 * i + 1);
    chip.load_matrix(p, *p.matrix("A"), a);
    CHECK(chip.dump_matrix(p, *p.matrix("A")) == a);
    const auto b1 = chip.dump_tensor(*p.tensor("A@c1"));
    for (unsigned r = 0; r < 3; ++r)
        for (unsigned l = 0; l < 16; ++l)
            CHECK(b1[r * 16 + l] == (l < 4 ? a[r * 20 + 16 + l] : 0));
    CHECK_THROWS_WITH(chip.load_matrix(p, *p.matrix("A"), std::vector<uint8_t>(59)),
                      "matrix 'A' holds 3 x 20 elements; got 59 bytes");

    CHECK(asm_error(".matrix A 3 20 i8\n.tensor A@c0 MEM_E0 0 3 i8\n") ==
          "p.s:1:1: matrix 'A': its column block 'A@c1' is not declared (.tensor)");
    CHECK(asm_error(".matrix A 3 16 i8\n.tensor A@c0 MEM_E0 0 2 i8\n") ==
          "p.s:1:1: matrix 'A': block 'A@c0' has 2 rows, the matrix 3");
    CHECK(asm_error(".matrix A 3 16 i32\n.tensor A@c0 MEM_E0 0 3 i8\n") ==
          "p.s:1:1: matrix 'A': block 'A@c0' is i8, the matrix i32");
}

TEST_CASE(".data gives rows per-lane constants, over the fill in those rows", "[image]")
{
    // tiny: 16 lanes. b: fill 7, row 1 given; w (i32, no fill): both rows given; f: .data before
    // .fill, still over it; z: an all-zero row over a fill.
    const std::string text = ".tensor b MEM_E0 0x10 3 i8\n.fill b 0x7\n.data b 1 1 2 0xff 5*3 0x80 0 0\n"
                             ".tensor w MEM_W0 0 2 i32\n.data w 0 0x12345678 0xffffffff*2 7\n"
                             ".data w 1 0*15 0x80000000\n"
                             ".tensor f MEM_E5 0 2 u8\n.data f 0 9\n.fill f 3\n"
                             ".tensor z MEM_E6 0 1 u8\n.fill z 0x44\n.data z 0 0*4\n"
                             ".queue MEM_E0\n NOP 1\n";
    const Program p = assemble(text, "p.s", tiny());
    using Rows = std::vector<std::pair<uint32_t, std::vector<uint32_t>>>;
    CHECK(p.tensor("b")->data == Rows{{1, {1, 2, 0xff, 5, 5, 5, 0x80}}});  // trailing zeros are the default
    CHECK(p.tensor("w")->data == Rows{{0, {0x12345678, 0xffffffff, 0xffffffff, 7}},
                                      {1, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80000000}}});
    CHECK(p.tensor("z")->data == Rows{{0, {}}});

    Chip chip("", tiny());
    chip.run(p);
    const std::vector<uint8_t> b = chip.dump_tensor(*p.tensor("b"));
    const std::vector<uint8_t> row1 = {1, 2, 0xff, 5, 5, 5, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(std::vector<uint8_t>(b.begin(), b.begin() + 16) == std::vector<uint8_t>(16, 7));
    CHECK(std::vector<uint8_t>(b.begin() + 16, b.begin() + 32) == row1);
    CHECK(std::vector<uint8_t>(b.begin() + 32, b.end()) == std::vector<uint8_t>(16, 7));

    const std::vector<uint8_t> w = chip.dump_tensor(*p.tensor("w"));
    REQUIRE(w.size() == 2 * 16 * 4);
    for (size_t l = 0; l < 16; ++l) {
        const uint32_t r0 = l == 0 ? 0x12345678u : l < 3 ? 0xffffffffu : l == 3 ? 7u : 0u;
        CHECK(element(w, l, 4) == r0);
        CHECK(element(w, 16 + l, 4) == (l == 15 ? 0x80000000u : 0u));
    }
    // Byte k of each element is in slice MEM_W0 + k, as for any i32 tensor.
    CHECK(w[0] == 0x78);
    CHECK(w[1] == 0x56);
    CHECK(w[2] == 0x34);
    CHECK(w[3] == 0x12);

    std::vector<uint8_t> f(32, 3);
    std::fill(f.begin(), f.begin() + 16, 0);
    f[0] = 9;
    CHECK(chip.dump_tensor(*p.tensor("f")) == f);
    CHECK(chip.dump_tensor(*p.tensor("z")) == std::vector<uint8_t>(16, 0));

    // Disassembly: hex, runs as V*N, no trailing zeros, after the .fill lines; it assembles to the
    // same program, and so does the object file.
    const std::string dis = disassemble(p, tiny());
    CHECK(dis.find(".fill z 0x44\n.data b 1 0x1 0x2 0xff 0x5*3 0x80\n.data w 0 0x12345678 0xffffffff*2 0x7\n"
                   ".data w 1 0x0*15 0x80000000\n.data f 0 0x9\n.data z 0 0x0\n") != std::string::npos);
    const Program again = assemble(dis, "again.s", tiny());
    CHECK(disassemble(again, tiny()) == dis);
    CHECK(again.tensor("w")->data == p.tensor("w")->data);
    CHECK(again.tensor("z")->data == p.tensor("z")->data);
    const Program back = decode_program(encode_program(p), "p.lpo", tiny());
    for (const char* name : {"b", "w", "f", "z"})
        CHECK(back.tensor(name)->data == p.tensor(name)->data);
    CHECK(disassemble(back, tiny()) == dis);
    Chip chip2("chip2", tiny());
    chip2.run(back);
    CHECK(chip2.dump_tensor(*back.tensor("b")) == b);
    CHECK(chip2.dump_tensor(*back.tensor("w")) == w);
}

TEST_CASE("a .data row read onto a stream and written elsewhere is copied", "[image][run]")
{
    // MEM_E0 reads data row 1, then fill row 0, onto s0e; MEM_E5 writes them to dst rows 0, 1.
    const QueueMap map(tiny());
    const auto pos = [&](const char* q) { return map.queues()[static_cast<size_t>(map.find(q))].position; };
    const unsigned wait = 2 + (pos("MEM_E5") - pos("MEM_E0"));  // Read drives at +2, then 1 hop/cycle
    const Program p = assemble(".tensor src MEM_E0 0 2 i8\n.fill src 0x11\n.data src 1 0x80 0x7f*2 0 0xfe*3 1\n"
                               ".tensor dst MEM_E5 0 2 i8\n"
                               ".queue MEM_E0\n Read 1, s0e\n Read 0, s0e\n"
                               ".queue MEM_E5\n NOP " +
                                   std::to_string(wait) + "\n Write 0, s0e\n Write 1, s0e\n",
                               "p.s", tiny());
    Chip chip("", tiny());
    chip.run(p);
    std::vector<uint8_t> want = {0x80, 0x7f, 0x7f, 0, 0xfe, 0xfe, 0xfe, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    want.resize(32, 0x11);
    CHECK(chip.dump_tensor(*p.tensor("dst")) == want);
}

TEST_CASE(".data rows are a Gather's map", "[image][run]")
{
    // small: 4 tiles of 16 lanes; tile t's word address is in its first 2 bytes (docs/mem.md 5).
    // MEM_E1 gathers tile t from word 20 + (3 - t) with map row 0 (as docs/isa.md 3.4 shows).
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/small.yaml");
    const std::string src = ".tensor map MEM_E0 0 1 u8\n.data map 0 23 0*15 22 0*15 21 0*15 20\n"
                            ".tensor d MEM_E1 20 4 u8\n.tensor g MEM_E2 0 1 u8\n"
                            ".queue MEM_E0\n Read 0, s0e\n"
                            ".queue MEM_E1\n NOP 3\n Gather s0e, s1e\n"
                            ".queue MEM_E2\n NOP 6\n Write 0, s1e\n";
    const Program p = assemble(src, "g.s", cfg);
    Chip chip("", cfg);
    std::vector<uint8_t> d(4 * 64);
    for (unsigned i = 0; i < d.size(); ++i)
        d[i] = static_cast<uint8_t>(i * 7 + 1);
    chip.load_tensor(*p.tensor("d"), d);
    chip.run(p);
    const std::vector<uint8_t> g = chip.dump_tensor(*p.tensor("g"));
    for (unsigned t = 0; t < 4; ++t)
        for (unsigned l = 0; l < 16; ++l)
            CHECK(g[t * 16 + l] == d[(3 - t) * 64 + t * 16 + l]);  // tile t of row 3 - t
}

TEST_CASE(".data errors name the line and column", "[image][asm]")
{
    const std::string t2 = ".tensor t MEM_E0 0 2 i8\n";
    CHECK(asm_error(".data x 0 1\n") == "p.s:1:7: no tensor 'x' declared before this .data");
    CHECK(asm_error(t2 + ".data t\n") == "p.s:2:8: missing row");
    CHECK(asm_error(t2 + ".data t 2 1\n") == "p.s:2:9: row 2 out of range [0, 1]");
    CHECK(asm_error(t2 + ".data t r1 1\n") == "p.s:2:9: expected row, got 'r1'");
    CHECK(asm_error(t2 + ".data t 0\n") == "p.s:2:10: missing element bit pattern");
    CHECK(asm_error(t2 + ".data t 0 1 256\n") == "p.s:2:13: element bit pattern 256 out of range [0, 255]");
    CHECK(asm_error(t2 + ".data t 0 1 -1\n") == "p.s:2:13: element bit pattern -1 out of range [0, 255]");
    CHECK(asm_error(t2 + ".data t 0 x1\n") == "p.s:2:11: expected element bit pattern, got 'x1'");
    CHECK(asm_error(t2 + ".data t 0 012\n") == "p.s:2:11: expected element bit pattern (decimal or 0x hex), got '012'");
    CHECK(asm_error(t2 + ".data t 0 0x100*2\n") == "p.s:2:11: element bit pattern 0x100 out of range [0, 255]");
    CHECK(asm_error(".tensor w MEM_E0 0 2 i32\n.data w 1 0x100000000\n") ==
          "p.s:2:11: element bit pattern 0x100000000 out of range [0, 4294967295]");
    CHECK(asm_error(t2 + ".data t 0 1 5*0\n") == "p.s:2:15: repeat count 0 out of range [1, 16]");
    CHECK(asm_error(t2 + ".data t 0 1 5*17\n") == "p.s:2:15: repeat count 17 out of range [1, 16]");
    CHECK(asm_error(t2 + ".data t 0 1 5*x\n") == "p.s:2:15: expected repeat count, got 'x'");
    CHECK(asm_error(t2 + ".data t 0 1 5*\n") == "p.s:2:15: missing repeat count after '*'");
    CHECK(asm_error(t2 + ".data t 0 1*10 2*7\n") ==
          "p.s:2:16: row 0 of tensor 't' given more than 16 elements (the chip's lanes)");
    CHECK(asm_error(t2 + ".data t 0 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n") ==
          "p.s:2:49: row 0 of tensor 't' given more than 16 elements (the chip's lanes)");
    CHECK(asm_error(t2 + ".data t 1 1\n.data t 0 1\n.data t 1 2\n") ==
          "p.s:4:9: row 1 of tensor 't' given twice (first at p.s:2)");
    CHECK(asm_error(t2 + ".data t 0 1*16\n.data t 1 0xff 0*15\n") == "");  // exactly the lanes
}

TEST_CASE("object files keep .data rows and refuse bad counts", "[image][asm]")
{
    const Program p = assemble(".tensor t MEM_E0 0 2 i8\n.data t 1 5 6\n", "p.s", tiny());
    const std::string obj = encode_program(p);
    CHECK(decode_program(obj, "p.lpo", tiny()).tensor("t")->data == p.tensor("t")->data);

    // After the first tensor's fill: magic (8), count (4), name (4 + 1), slice (4 + 6), addr,
    // rows, type, fill flag, fill: its data row count, then row, element count, elements.
    const size_t at = 8 + 4 + 5 + 10 + 4 + 4 + 1 + 1 + 4;
    REQUIRE(static_cast<uint8_t>(obj[at]) == 1);
    REQUIRE(static_cast<uint8_t>(obj[at + 4]) == 1);
    REQUIRE(static_cast<uint8_t>(obj[at + 8]) == 2);
    REQUIRE(static_cast<uint8_t>(obj[at + 12]) == 5);
    const std::string bad = "p.lpo: not a valid lpusim object file: ";
    auto with = [&](size_t i, uint8_t v) {
        std::string b = obj;
        b[i] = static_cast<char>(v);
        return b;
    };
    CHECK(decode_error(with(at, 3)) ==
          bad + "tensor 't' has 3 data rows, more than its 2 rows at byte " + std::to_string(at + 4));
    CHECK(decode_error(with(at + 4, 2)) ==
          bad + "data row 2 of tensor 't' is past its 2 rows at byte " + std::to_string(at + 8));
    CHECK(decode_error(with(at + 8, 17)) ==
          bad + "data row 1 of tensor 't' has 17 elements, more than the config's 16 lanes at byte " +
              std::to_string(at + 12));
    CHECK(decode_error(obj.substr(0, at + 14)) ==
          bad + "truncated (reading tensor data element) at byte " + std::to_string(at + 12));
    CHECK(decode_error(with(at + 12, 0)) == "");  // a zero element: still a valid program
    // Element values are checked by assembling the disassembly, like everything else.
    CHECK(decode_error(with(at + 13, 1)) ==
          "p.lpo: invalid program: p.lpo (disassembled):2:11: element bit pattern 0x105 out of range [0, 255]");
    CHECK(decode_error(with(6, '3')) == "p.lpo: object file version '3' is not this build's ('4'): assemble it again");
}
