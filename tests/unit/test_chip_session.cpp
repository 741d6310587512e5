// ChipSession (models/session): the load -> run -> dump -> report sequence of `lpusim run`. The
// hand-scheduled GEMM of examples/gemm runs from .npy files and its result is checked against a
// plain C++ matrix product; bad names, shapes and paths are refused before any simulation; and a
// failing run leaves every output file as it was.
#include "models/common/Npy.h"
#include "models/common/NpyReader.h"
#include "models/session/ChipSession.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "ChipTestSupport.h"
#include "TempDir.h"

using namespace lpu;
using namespace lpu::test;

namespace {

const std::string kGemm = std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_tiny.s";

std::vector<uint8_t> pattern(size_t n, int mul, int add)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<uint8_t>(static_cast<int>(i) * mul + add);
    return v;
}

}  // namespace

TEST_CASE("a session runs a program from .npy files to .npy files", "[session]")
{
    TempDir dir("lpusim-session");
    const std::vector<uint8_t> x = pattern(4 * 16, 7, -60), w = pattern(16 * 16, 13, 5);
    write_npy_raw(dir / "x.npy", "|i1", {4, 16}, x);
    write_npy_raw(dir / "w.npy", "|i1", {16, 16}, w);

    ChipSession s(tiny(), load_program_file(kGemm, tiny()), "gemm_tiny.s");
    s.load("X", dir / "x.npy");
    s.load("W", dir / "w.npy");
    s.dump_after("Y", dir / "y.npy");
    s.stats_after(dir / "stats.json");
    s.trace_after(dir / "trace.json");
    const RunStats& st = s.run();
    CHECK(st.macs == 4 * 16 * 16);

    const std::vector<int32_t> y = read_npy(dir / "y.npy").values<int32_t>();
    REQUIRE(y.size() == 4 * 16);
    for (int m = 0; m < 4; ++m)
        for (int n = 0; n < 16; ++n) {
            int32_t ref = 0;
            for (int k = 0; k < 16; ++k)
                ref += int32_t{static_cast<int8_t>(x[m * 16 + k])} * int32_t{static_cast<int8_t>(w[k * 16 + n])};
            CHECK(y[m * 16 + n] == ref);
        }
    CHECK(read_text(dir / "stats.json") == s.chip().stats_json(st));
    CHECK(read_text(dir / "trace.json").find("\"traceEvents\"") != std::string::npos);
    CHECK(s.report().rfind("ran gemm_tiny.s: " + std::to_string(st.instructions) + " instructions in " +
                               std::to_string(st.cycles) + " cycles",
                           0) == 0);
    // The arrays a caller can take without files are the same.
    CHECK(s.array("Y").values<int32_t>() == y);
}

TEST_CASE("a session refuses bad names, shapes and paths before it runs", "[session]")
{
    TempDir dir("lpusim-session");
    ChipSession s(tiny(), load_program_file(kGemm, tiny()), "gemm_tiny.s");
    CHECK_THROWS_WITH(s.load("Z", dir / "none.npy"), "gemm_tiny.s: no tensor 'Z' (declared: X, W, Y)");
    CHECK_THROWS_WITH(s.dump_after("Q", dir / "q.npy"), "gemm_tiny.s: no tensor 'Q' (declared: X, W, Y)");
    write_npy_raw(dir / "x.npy", "|i1", {3, 16}, pattern(3 * 16, 1, 0));
    CHECK_THROWS_WITH(s.load("X", dir / "x.npy"),
                      dir / "x.npy" + ": tensor 'X' is 4 x 16 int8, the file holds (3, 16) int8");
    CHECK_THROWS_WITH(s.stats_after(dir.path.string()), Catch::EndsWith(": is a directory, not a file to write"));
    CHECK_THROWS_AS(load_program_file(dir / "missing.s", tiny()), InputError);
}

TEST_CASE("a failing run leaves every output file as it was", "[session]")
{
    TempDir dir("lpusim-session");
    std::ofstream(dir / "stats.json") << "before";
    // MEM_E3 writes s0e one cycle before MEM_E0's value reaches it: a schedule error at cycle 4.
    const Program p = assemble(
        ".tensor t MEM_E3 0 1 i8\n.queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n NOP 4\n Write 0, s0e\n", "e.s", tiny());
    ChipSession s(tiny(), p, "e.s");
    s.stats_after(dir / "stats.json");
    s.trace_after(dir / "trace.json");
    s.dump_after("t", dir / "t.npy");
    CHECK_THROWS_AS(s.run(), ScheduleError);
    CHECK(read_text(dir / "stats.json") == "before");
    CHECK_FALSE(std::filesystem::exists(dir / "trace.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "t.npy"));
    CHECK_THROWS_AS(s.report(), std::logic_error);
}
