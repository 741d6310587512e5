// fp16 matrix multiplication through the whole chip: an f16 operand is two byte streams (low
// byte on s, high byte on s + 1, docs/isa.md 1.5), results are fp32 on four streams, and f16
// ABCs are at least chip.mxm.fp16_issue_interval cycles apart. Checked against a plain C++
// fp32 sum in row order from +0.0, with fp16 decoded from its definition here.
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

float half_value(uint16_t h)
{
    const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    const float mag = e == 0 ? std::ldexp(float(m), -24) : std::ldexp(float(1024 + m), e - 25);
    return (h & 0x8000) ? -mag : mag;
}

// Rows of W (16 x 16) from MEM_E1/E2 reach MXM_E0 (position 93) in cycles 50..65; IW in 66;
// four rows of X from MEM_E4/E5 feed ABCs in 67, 71, 75, 79 (fp16: 4 cycles apart); their
// results leave MXM_E0 in 70 + 4m on s0w..s3w and are written by MEM_E8..E11 (56..59).
std::string program(unsigned abc_spacing)
{
    const std::string sp = std::to_string(abc_spacing);
    auto at = [&](int base) { return std::to_string(base); };
    return ".tensor W MEM_E1 0 16 f16\n.tensor X MEM_E4 0 4 f16\n.tensor Y MEM_E8 0 4 f32\n"
           ".queue MEM_E1\n NOP 4\n Read 0, s0e\n Repeat 15, 1, 1\n"
           ".queue MEM_E2\n NOP 5\n Read 0, s1e\n Repeat 15, 1, 1\n"
           ".queue MXM_E0.w\n NOP 50\n LW 0, f16, s0e\n Repeat 15, 1, 1\n IW\n"
           ".queue MEM_E4\n NOP 24\n Read 0, s2e\n Repeat 3, " +
           sp +
           ", 1\n"
           ".queue MEM_E5\n NOP 25\n Read 0, s3e\n Repeat 3, " +
           sp +
           ", 1\n"
           ".queue MXM_E0.a\n NOP 67\n ABC f16, s2e\n Repeat 3, " +
           sp +
           "\n"
           ".queue MXM_E0.c\n NOP 68\n ACC 0, set, emit, s0w\n Repeat 3, " +
           sp +
           "\n"
           ".queue MEM_E8\n NOP " +
           at(107) + "\n Write 0, s0w\n Repeat 3, " + sp +
           ", 1\n"
           ".queue MEM_E9\n NOP " +
           at(106) + "\n Write 0, s1w\n Repeat 3, " + sp +
           ", 1\n"
           ".queue MEM_E10\n NOP " +
           at(105) + "\n Write 0, s2w\n Repeat 3, " + sp +
           ", 1\n"
           ".queue MEM_E11\n NOP " +
           at(104) + "\n Write 0, s3w\n Repeat 3, " + sp + ", 1\n";
}

}  // namespace

TEST_CASE("fp16 GEMM through streams: values, timing and the quarter rate", "[fp16][run]")
{
    const Program p = assemble(program(4), "p.s", tiny());
    Rng rng(5);
    // Normal values of moderate size with random signs and mantissas.
    auto random_half = [&] {
        const auto s = static_cast<uint16_t>(rng.below(2) << 15);
        const auto e = static_cast<uint16_t>((10 + rng.below(10)) << 10);
        return static_cast<uint16_t>(s | e | rng.below(1024));
    };
    std::vector<uint16_t> w(16 * 16), x(4 * 16);
    for (auto& v : w)
        v = random_half();
    for (auto& v : x)
        v = random_half();
    auto bytes = [](const std::vector<uint16_t>& v) {
        std::vector<uint8_t> b(v.size() * 2);
        std::memcpy(b.data(), v.data(), b.size());  // little-endian host, as .npy <f2
        return b;
    };
    Chip chip("", tiny());
    chip.load_tensor(*p.tensor("W"), bytes(w));
    chip.load_tensor(*p.tensor("X"), bytes(x));
    const RunStats st = chip.run(p);
    const std::vector<uint8_t> y = chip.dump_tensor(*p.tensor("Y"));
    for (unsigned m = 0; m < 4; ++m)
        for (unsigned n = 0; n < 16; ++n) {
            float acc = 0.0f;
            for (unsigned k = 0; k < 16; ++k)
                acc += half_value(x[m * 16 + k]) * half_value(w[k * 16 + n]);
            float got;
            std::memcpy(&got, &y[(m * 16 + n) * 4], 4);
            CHECK(got == acc);
        }
    CHECK(st.macs_fp16 == 4 * 16 * 16);
    CHECK(st.macs == 0);
    CHECK(st.cycles == 107 + 12 + 2);  // the last write (MEM_E8, cycle 119) commits in 120
    CHECK(chip.stats_json(st).find("\"macs_fp16\": 1024") != std::string::npos);

    // fp16 activations closer than the issue interval are a schedule error.
    Chip chip2("chip2", tiny());
    try {
        chip2.run(assemble(program(3), "p.s", tiny()));
        FAIL("expected a schedule error");
    } catch (const ScheduleError& e) {
        CHECK_THAT(e.what(), Catch::Contains("cycle 70"));
    }
}

TEST_CASE("f16 operands need two streams", "[fp16][asm]")
{
    try {
        assemble(".queue MXM_E0.a\n ABC f16, s31e\n", "p.s", tiny());
        FAIL("expected an assembly error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "p.s:2:11: an f16 vector needs 2 consecutive streams from s31e (only 32 exist)");
    }
    CHECK(disassemble(assemble(".queue MXM_E0.w\n LW 3, f16, s4w\n", "p.s", tiny()), tiny()) ==
          ".queue MXM_E0.w\n    LW 3, f16, s4w\n");
}
