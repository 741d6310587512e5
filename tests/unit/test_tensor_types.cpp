// Tensor element types f16 and f32 next to i8/u8/i32: the .tensor directive, the byte-plane
// layout in MEM, object files, and `lpusim run --load/--dump` with numpy float16/float32 files.
#include "apps/lpusim/ProgramCommands.h"
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/common/NpyReader.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MemParams.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = std::string(LPUSIM_CONFIG_DIR) + "/tiny.yaml";

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// `lpusim run` with these arguments; the InputError message, or "" if it succeeded.
std::string run_cli(const std::vector<std::string>& args)
{
    try {
        std::ostringstream sink;
        auto* old = std::cout.rdbuf(sink.rdbuf());  // the run summary is not under test
        struct Restore {
            std::streambuf* b;
            ~Restore() { std::cout.rdbuf(b); }
        } restore{old};
        cmd_run(args);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

// Deterministic float32 values with distinct bytes in every plane (sign, exponent, mantissa).
std::vector<uint8_t> f32_bytes(size_t n)
{
    std::vector<uint8_t> b(n * 4);
    for (size_t i = 0; i < n; ++i) {
        const float v = (i % 2 ? -1.0f : 1.0f) * (0.37f + 1.5f * static_cast<float>(i));
        std::memcpy(&b[i * 4], &v, 4);
    }
    return b;
}

}  // namespace

TEST_CASE("f16 and f32 tensors assemble with 2 and 4 byte planes", "[asm][tensor]")
{
    const Program p = assemble(".tensor h MEM_E0 0x10 3 f16\n.tensor f MEM_E2 0 5 F32\n", "p.s", tiny());
    REQUIRE(p.tensor("h"));
    REQUIRE(p.tensor("f"));
    CHECK(p.tensor("h")->type == TensorType::F16);
    CHECK(p.tensor("h")->element_bytes() == 2);
    CHECK(p.tensor("f")->type == TensorType::F32);
    CHECK(p.tensor("f")->element_bytes() == 4);
    CHECK(std::string(tensor_type_name(TensorType::F16)) == "f16");
    CHECK(std::string(tensor_type_name(TensorType::F32)) == "f32");
    CHECK(tensor_type_bytes(TensorType::I8) == 1);
    CHECK(tensor_type_bytes(TensorType::U8) == 1);
    CHECK(tensor_type_bytes(TensorType::I32) == 4);

    // Disassembly names the types, and assembles back to the same declarations.
    const std::string text = disassemble(p, tiny());
    CHECK(text.find(".tensor h MEM_E0 0x10 3 f16\n") != std::string::npos);
    CHECK(text.find(".tensor f MEM_E2 0x0 5 f32\n") != std::string::npos);
    CHECK(disassemble(assemble(text, "again.s", tiny()), tiny()) == text);
}

TEST_CASE("f16/f32 byte planes count for overlaps and the hemisphere end", "[asm][tensor]")
{
    // An f16 at MEM_W0 occupies MEM_W0 and MEM_W1; an f32 at MEM_W0 reaches MEM_W3.
    CHECK(asm_error(".tensor a MEM_W0 0 4 f16\n.tensor b MEM_W1 2 4 i8\n") ==
          "p.s:2:1: tensor 'b' overlaps tensor 'a' (p.s:1:1)");
    CHECK(asm_error(".tensor a MEM_W0 0 4 f16\n.tensor b MEM_W2 0 4 i8\n").empty());
    CHECK(asm_error(".tensor a MEM_W0 0 4 f32\n.tensor b MEM_W3 3 1 u8\n") ==
          "p.s:2:1: tensor 'b' overlaps tensor 'a' (p.s:1:1)");
    CHECK(asm_error(".tensor a MEM_W0 0 4 f32\n.tensor b MEM_W0 4 4 f32\n").empty());  // next rows

    const unsigned half = tiny().mem.slices / 2;
    const std::string last = "MEM_W" + std::to_string(half - 1), before = "MEM_W" + std::to_string(half - 2);
    CHECK(asm_error(".tensor a " + before + " 0 4 f16\n").empty());
    CHECK(asm_error(".tensor a " + last + " 0 4 f16\n") == "p.s:1:11: tensor 'a' needs 2 slices outward from " + last +
                                                               " for its byte planes; the hemisphere ends first");
    CHECK(asm_error(".tensor a " + before + " 0 4 f32\n") == "p.s:1:11: tensor 'a' needs 4 slices outward from " +
                                                                 before +
                                                                 " for its byte planes; the hemisphere ends first");
}

TEST_CASE("an unknown tensor type is an error naming all types", "[asm][tensor]")
{
    CHECK(asm_error(".tensor a MEM_W0 0 4 f64\n") ==
          "p.s:1:22: expected element type i8, u8, i32, f16 or f32, got 'f64'");
    CHECK(asm_error(".tensor a MEM_W0 0 4 bf16\n") ==
          "p.s:1:22: expected element type i8, u8, i32, f16 or f32, got 'bf16'");
    CHECK(asm_error(".tensor a MEM_W0 0 4\n") == "p.s:1:21: missing element type i8, u8, i32, f16 or f32");
}

TEST_CASE("object files keep f16/f32 tensors and reject unknown types", "[asm][tensor]")
{
    const Program p = assemble(".tensor h MEM_E0 0 2 f16\n.tensor f MEM_W4 7 3 f32\n", "p.s", tiny());
    const std::string obj = encode_program(p);
    const Program back = decode_program(obj, "p.lpo", tiny());
    REQUIRE(back.tensors.size() == 2);
    CHECK(back.tensors[0].type == TensorType::F16);
    CHECK(back.tensors[1].type == TensorType::F32);
    CHECK(back.tensors[1].addr == 7);
    CHECK(back.tensors[1].rows == 3);
    CHECK(disassemble(back, tiny()) == disassemble(p, tiny()));

    // The first tensor's type byte: magic (8), count (4), name (4 + 1), slice (4 + 6), addr, rows.
    const size_t at = 8 + 4 + 5 + 10 + 4 + 4;
    REQUIRE(static_cast<uint8_t>(obj[at]) == static_cast<uint8_t>(TensorType::F16));
    std::string bad = obj;
    bad[at] = 5;
    try {
        decode_program(bad, "p.lpo", tiny());
        FAIL("decoded an unknown tensor type");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "p.lpo: not a valid lpusim object file: unknown tensor type 5 (written by a "
                                       "newer lpusim? assemble it again) at byte " +
                                           std::to_string(at + 1));
    }
}

TEST_CASE("f32 byte k of every element lies in slice SLICE + k", "[chip][tensor]")
{
    // Copy plane 2 (MEM_E2 of the f32 at MEM_E0) to a u8 tensor at MEM_E7 over stream s0e.
    const QueueMap map(tiny());
    const auto pos = [&](const char* q) { return map.queues()[static_cast<size_t>(map.find(q))].position; };
    const unsigned wait = 2 + (pos("MEM_E7") - pos("MEM_E2"));  // Read drives at +2, then 1 hop/cycle
    const Program p = assemble(".tensor x MEM_E0 0 2 f32\n.tensor b MEM_E7 0 2 u8\n"
                               ".queue MEM_E2\n Read 0, s0e\n Read 1, s0e\n"
                               ".queue MEM_E7\n NOP " +
                                   std::to_string(wait) + "\n Write 0, s0e\n Write 1, s0e\n",
                               "p.s", tiny());
    const unsigned lanes = 16;
    const std::vector<uint8_t> x = f32_bytes(2 * lanes);
    Chip chip("", tiny());
    chip.load_tensor(*p.tensor("x"), x);
    chip.run(p);
    std::vector<uint8_t> plane2(2 * lanes);
    for (size_t i = 0; i < plane2.size(); ++i)
        plane2[i] = x[i * 4 + 2];
    CHECK(chip.dump_tensor(*p.tensor("b")) == plane2);
    CHECK(chip.dump_tensor(*p.tensor("x")) == x);
}

TEST_CASE("lpusim run moves f16/f32 tensors as float16/float32 .npy files", "[cli][tensor]")
{
    TempDir dir("lpusim-tt");
    const std::string prog = dir / "p.s";
    write_text(prog, ".tensor h MEM_E0 0 3 f16\n.tensor f MEM_W0 0 2 f32\n.tensor i MEM_W8 0 2 i32\n");
    const unsigned lanes = 16;

    std::vector<uint8_t> h(3 * lanes * 2);
    for (size_t i = 0; i < h.size(); ++i)
        h[i] = static_cast<uint8_t>(i * 7 + 3);
    const std::vector<uint8_t> f = f32_bytes(2 * lanes);
    write_npy_raw(dir / "h.npy", "<f2", {3, lanes}, h);
    write_npy_raw(dir / "f.npy", "<f4", {2, lanes}, f);
    write_npy_raw(dir / "i.npy", "<i4", {2, lanes}, f);  // same bytes, other dtype

    CHECK(run_cli({"--config", kTiny, "--program", prog, "--load", "h=" + (dir / "h.npy"), "--load",
                   "f=" + (dir / "f.npy"), "--dump", "h=" + (dir / "h_out.npy"), "--dump", "f=" + (dir / "f_out.npy")})
              .empty());
    const NpyArray ho = read_npy(dir / "h_out.npy");
    CHECK(ho.descr == "<f2");
    CHECK(ho.dtype == NpyDtype::Float16);
    CHECK(ho.shape == std::vector<size_t>{3, lanes});
    CHECK(ho.data == h);
    const NpyArray fo = read_npy(dir / "f_out.npy");
    CHECK(fo.descr == "<f4");
    CHECK(fo.shape == std::vector<size_t>{2, lanes});
    CHECK(fo.data == f);

    // Same shape, wrong dtype: no silent reinterpretation between int32, float32 and float16.
    CHECK(run_cli({"--config", kTiny, "--program", prog, "--load", "f=" + (dir / "i.npy")}) ==
          dir / "i.npy" + ": tensor 'f' is 2 x 16 float32, the file holds (2, 16) int32");
    CHECK(run_cli({"--config", kTiny, "--program", prog, "--load", "i=" + (dir / "f.npy")}) ==
          dir / "f.npy" + ": tensor 'i' is 2 x 16 int32, the file holds (2, 16) float32");
    write_npy_raw(dir / "h2.npy", "<f2", {2, lanes}, std::vector<uint8_t>(2 * lanes * 2));
    CHECK(run_cli({"--config", kTiny, "--program", prog, "--load", "f=" + (dir / "h2.npy")}) ==
          dir / "h2.npy" + ": tensor 'f' is 2 x 16 float32, the file holds (2, 16) float16");
    CHECK(run_cli({"--config", kTiny, "--program", prog, "--load", "h=" + (dir / "f.npy")}) ==
          dir / "f.npy" + ": tensor 'h' is 3 x 16 float16, the file holds (2, 16) float32");
}
