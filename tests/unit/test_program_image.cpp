// What a program puts into MEM itself before cycle 0 (.fill constants) and how whole matrices
// move through the host (.matrix: column blocks, zero-padded lanes).
#include "chip/Chip.h"
#include "chip/ChipSchema.h"
#include "common/Error.h"
#include "icu/Assembler.h"
#include "icu/ObjectFile.h"

#include <catch2/catch.hpp>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

TEST_CASE(".fill writes a constant into every element before the run", "[image]")
{
    // 0x3f800000 is 1.0f; the i8 tensor holds -3 (0xfd) everywhere.
    const std::string text = ".tensor one MEM_E0 0x10 2 f32\n.fill one 0x3f800000\n"
                             ".tensor m3 MEM_W0 0 1 i8\n.fill m3 0xfd\n.queue MEM_E0\n NOP 1\n";
    const Program p = assemble(text, "p.s", tiny());
    Chip chip("chip", tiny());
    chip.run(p, nullptr);
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
    CHECK(asm_error(".tensor t MEM_E0 0 1 i8\n.fill t 256\n") == "p.s:2:9: element bit pattern 256 out of range [0, 255]");
    CHECK(asm_error(".tensor t MEM_E0 0 1 i8\n.fill t 1\n.fill t 2\n") == "p.s:3:7: tensor 't' filled twice");
}

TEST_CASE(".matrix moves a matrix of any width as column blocks", "[image]")
{
    // 3 x 20 int8 on 16 lanes: block 0 holds columns 0..15, block 1 columns 16..19 + zeros.
    const std::string text = ".matrix A 3 20 i8\n.tensor A@c0 MEM_E0 0 3 i8\n.tensor A@c1 MEM_E1 0 4 i8\n";
    const Program p = assemble(text, "p.s", tiny());
    REQUIRE(p.matrix("A"));
    Chip chip("chip", tiny());
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
