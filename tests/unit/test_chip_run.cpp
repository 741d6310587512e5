// The whole-chip runner: assembly errors, disassembly round trips, stream and MEM timing, the
// schedule errors a program can make, and an int8 GEMM against a plain C++ matmul.
#include "models/chip/Chip.h"
#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <limits>

#include <fstream>
#include <sstream>

#include "ChipTestSupport.h"
#include "TempDir.h"

using namespace lpu;
using namespace lpu::test;

namespace {}  // namespace

TEST_CASE("assembly errors name file, line, column and reason", "[asm]")
{
    CHECK(asm_error("Read 0, s0e\n") == "p.s:1:1: instruction 'Read' before any .queue directive");
    CHECK(asm_error(".queue MEM_Q9\n") ==
          "p.s:1:8: unknown queue 'MEM_Q9' (queues are e.g. MEM_W0, VXM.3, SXM_E0.1, MXM_W0.a)");
    CHECK(asm_error(".queue MEM_W0\n  Raed 0, s0e\n") == "p.s:2:3: unknown instruction 'Raed'");
    CHECK(asm_error(".queue MEM_W0\n  Read 8192, s0e\n") == "p.s:2:8: word address 8192 out of range [0, 8191]");
    CHECK(asm_error(".queue MEM_W0\n  Read 0x10, s32e\n") ==
          "p.s:2:14: stream s32e does not exist (32 eastbound streams)");
    // Found by fuzzing: a huge stream index is "does not exist", not an escaping std::stoul, and
    // one past 32 bits is not truncated into an existing stream (s4294967296e was s0e).
    CHECK(asm_error(".queue MEM_E0\n Read 0x000, s99999999999999999999e\n") ==
          "p.s:2:14: stream s99999999999999999999e does not exist (32 eastbound streams)");
    CHECK(asm_error(".queue MEM_E0\n Read 0x000, s4294967296e\n") ==
          "p.s:2:14: stream s4294967296e does not exist (32 eastbound streams)");
    CHECK(asm_error(".queue MEM_E0\n Read 0x000, s999999999w\n") ==
          "p.s:2:14: stream s999999999w does not exist (32 westbound streams)");
    // An object file can hold any 64-bit address: the disassembly of INT64_MIN is exact (no overflow).
    Instr min_read;
    min_read.op = Opcode::Read;
    min_read.a = std::numeric_limits<int64_t>::min();
    min_read.streams = {StreamId{StreamDir::East, 0}};
    CHECK(min_read.disasm() == "Read -0x8000000000000000, s0e");
    CHECK(asm_error(".queue MEM_W0\n  Read 0x10, q1\n") == "p.s:2:14: expected a stream like s3e or s17w, got 'q1'");
    CHECK(asm_error(".queue MEM_W0\n  Read 0x10\n") == "p.s:2:12: missing stream (e.g. s3e)");
    CHECK(asm_error(".queue MEM_W0\n  Read 1, s0e, s1e\n") == "p.s:2:16: unexpected 's1e'");
    CHECK(asm_error(".queue MEM_W0\n  ABC i8, s0e\n") == "p.s:2:3: 'ABC' cannot run on queue MEM_W0 (a MEM queue)");
    CHECK(asm_error(".queue MXM_E0.c\n  ACC 4, set\n") == "p.s:2:7: accumulator slot 4 out of range [0, 3]");
    CHECK(asm_error(".queue MXM_E0.c\n  ACC 0, keep\n") == "p.s:2:10: expected set or add, got 'keep'");
    CHECK(asm_error(".queue MXM_E0.c\n  ACC 0, set, emit, s30w\n") ==
          "p.s:2:21: an int32 result needs 4 consecutive streams from s30w (only 32 exist)");
    CHECK(asm_error(".queue MEM_W0\n  Repeat 3, 1\n") ==
          "p.s:2:3: Repeat must follow an instruction that does work (not NOP, Sync, Notify, Repeat, Ifetch, Config, "
          "Countdown, Step or Iterations)");
    CHECK(asm_error(".queue MEM_W0\n  NOP 0\n") == "p.s:2:7: cycle count 0 out of range [1, 1099511627776]");
    CHECK(asm_error(".queue MEM_W0\n  NOP 012\n") == "p.s:2:7: expected cycle count (decimal or 0x hex), got '012'");
    CHECK(asm_error(".tensor a MEM_W0 0 4 i8\n.tensor b MEM_W0 3 4 i8\n") ==
          "p.s:2:1: tensor 'b' overlaps tensor 'a' (p.s:1:1)");
    CHECK(asm_error(".tensor a MEM_W42 0 4 i32\n") ==
          "p.s:1:11: tensor 'a' needs 4 slices outward from MEM_W42 for its byte planes; the hemisphere ends first");
    CHECK(asm_error(".tensor a VXM.0 0 4 i8\n") == "p.s:1:11: 'VXM.0' is not a MEM slice");
    CHECK(asm_error(".tensor a MEM_W0 0 4 f64\n") ==
          "p.s:1:22: expected element type i8, u8, i32, f16 or f32, got 'f64'");
}

TEST_CASE("disassembly assembles back to the same program", "[asm]")
{
    const std::string src = read_text(std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_tiny.s");
    const Program p = assemble(src, "gemm_tiny.s", tiny());
    const std::string text = disassemble(p, tiny());
    const Program again = assemble(text, "again.s", tiny());
    CHECK(disassemble(again, tiny()) == text);
    CHECK(again.instruction_count() == p.instruction_count());
    CHECK(text.find("    Repeat 15, 1, 1\n") != std::string::npos);
    CHECK(text.find(".tensor Y MEM_E2 0x0 4 i32\n") != std::string::npos);
}

TEST_CASE("queues cover the published chip: 144 on tsp-v1, and one per C2C link", "[asm]")
{
    const QueueMap map(load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tsp-v1.yaml"));
    unsigned mem = 0, vxm = 0, mxm = 0, sxm = 0, c2c = 0;
    for (const auto& q : map.queues()) {
        mem += q.kind == QueueKind::MEM;
        vxm += q.kind == QueueKind::VXM;
        sxm += q.kind == QueueKind::SXM;
        mxm += q.kind == QueueKind::MXM_W || q.kind == QueueKind::MXM_A || q.kind == QueueKind::MXM_C;
        c2c += q.kind == QueueKind::C2C;
    }
    CHECK(mem == 88);
    CHECK(vxm == 16);
    CHECK(mxm == 12);
    CHECK(sxm == 28);
    CHECK(map.queues().size() - c2c == 144);  // the published count: the ICU's own queues
    CHECK(c2c == 16);                         // one per link, at the C2C slice east of MXM_E1
    CHECK(map.queues()[static_cast<size_t>(map.find("MEM_E0"))].position == 48);
    CHECK(map.queues()[static_cast<size_t>(map.find("MXM_W1.a"))].position == 0);
    CHECK(map.queues()[static_cast<size_t>(map.find("C2C.15"))].position == 95);
    CHECK(map.positions() == 96);
}

TEST_CASE("a vector moves MEM to MEM in read latency + hops cycles", "[run]")
{
    // MEM_E0 (48) reads at 0, drives s0e at 2; MEM_E3 (51) sees it at 2 + 3 = 5.
    const std::string ok = ".tensor a MEM_E0 0 1 i8\n.tensor b MEM_E3 0 1 i8\n"
                           ".queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n NOP 5\n Write 0, s0e\n";
    const Program p = assemble(ok, "p.s", tiny());
    Chip chip("", tiny());
    std::vector<uint8_t> a(16);
    for (unsigned i = 0; i < 16; ++i)
        a[i] = static_cast<uint8_t>(3 * i + 1);
    chip.load_tensor(*p.tensor("a"), a);
    const RunStats st = chip.run(p);
    CHECK(chip.dump_tensor(*p.tensor("b")) == a);
    CHECK(st.cycles == 7);  // the write lands at 5 + write latency 1
    CHECK(st.sram_bytes_read == 16);
    CHECK(st.sram_bytes_written == 16);
    CHECK(st.streams.writes == 1);
    CHECK(st.streams.reads == 1);
    // One cycle early there is nothing on the stream yet.
    CHECK(run_error(".queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n NOP 4\n Write 0, s0e\n")
              .find("schedule error at cycle 4: MEM_E3: 'Write 0x0, s0e' (p.s:5:2) reads stream s0e at position 51 "
                    "but no value is there") != std::string::npos);
}

TEST_CASE("schedule errors from programs", "[run]")
{
    SECTION("a downstream producer replacing a passing value is legal and counted")
    {
        // MEM_E0 (48) drives s0e at 2; MEM_E1 (49) drives the same diagonal at 3 and replaces it.
        const Program p = assemble(".queue MEM_E0\n Read 0, s0e\n.queue MEM_E1\n NOP 1\n Read 0, s0e\n"
                                   ".queue MEM_E3\n NOP 5\n Write 7, s0e\n",
                                   "p.s", tiny());
        Chip chip("", tiny());
        const RunStats st = chip.run(p);
        CHECK(st.streams.overwritten == 1);
        CHECK(st.streams.never_read == 1);  // MEM_E0's value died at position 49 unread
    }
    SECTION("Sync that no Notify releases")
    {
        const auto e = run_error(".queue MEM_E0\n Sync\n Read 0, s0e\n");
        CHECK(e == "queue MEM_E0 is parked at a Sync (p.s:2:2) that no Notify releases");
    }
    SECTION("ABC while weights install, through the program")
    {
        // On tiny T_iw = 1: no torn window; use ACC without product instead.
        const auto e = run_error(".queue MXM_E0.c\n NOP 3\n ACC 0, set\n");
        CHECK(e.find("no product to take") != std::string::npos);
    }
}

TEST_CASE("Sync parks queues until a Notify, they resume notify_latency later", "[run]")
{
    const std::string src = ".tensor a MEM_E0 0 2 i8\n.tensor b MEM_E1 0 2 i8\n"
                            ".queue MEM_E0\n Sync\n Read 0, s0e\n"
                            ".queue VXM.0\n NOP 9\n Notify\n"
                            ".queue MEM_E1\n Sync\n NOP 2\n Write 0, s0e\n";
    const Program p = assemble(src, "p.s", tiny());
    Chip chip("", tiny());
    chip.load_tensor(*p.tensor("a"), std::vector<uint8_t>(32, 9));
    // Notify at 9; both resume at 10: Read at 10 drives s0e at 12 at 48, at 49 at 13; the Write
    // issues at 10 + 2 = 12: one cycle too early.
    CHECK_THROWS_WITH(chip.run(p), Catch::Contains("schedule error at cycle 12"));
}

TEST_CASE("int8 GEMM example equals a plain C++ matmul", "[run][example]")
{
    const std::string path = std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_tiny.s";
    const Program p = assemble_file(path, tiny());
    for (uint64_t seed : {1u, 2u, 3u}) {
        Chip chip("", tiny());
        Rng rng(seed);
        std::vector<uint8_t> x(4 * 16), w(16 * 16);
        for (auto& b : x)
            b = rng.byte();
        for (auto& b : w)
            b = rng.byte();
        if (seed == 3) {  // extremes: -128 everywhere
            std::fill(x.begin(), x.end(), 0x80);
            std::fill(w.begin(), w.end(), 0x80);
        }
        chip.load_tensor(*p.tensor("X"), x);
        chip.load_tensor(*p.tensor("W"), w);
        std::ostringstream trace;
        PerfettoTrace tracer(trace, chip.spec());
        const RunStats st = chip.run(p, {&tracer});
        const std::vector<uint8_t> y = chip.dump_tensor(*p.tensor("Y"));
        for (unsigned m = 0; m < 4; ++m)
            for (unsigned n = 0; n < 16; ++n) {
                int32_t want = 0;
                for (unsigned k = 0; k < 16; ++k)
                    want += int8_t(x[m * 16 + k]) * int8_t(w[k * 16 + n]);
                int32_t got = 0;
                for (unsigned b = 0; b < 4; ++b)
                    got |= int32_t(uint32_t(y[(m * 16 + n) * 4 + b]) << (8 * b));
                INFO("seed " << seed << " m " << m << " n " << n);
                CHECK(got == want);
            }
        CHECK(st.macs == 4 * 16 * 16);
        CHECK(st.cycles == 114);  // cycles 0..113: the last Write issues at 112, its word lands at 113
        CHECK(trace.str().find("\"name\":\"LW 15, i8, s0e\"") != std::string::npos);
        CHECK(chip.stats_json(st).find("\"cycles\": 114") != std::string::npos);
        // The plane's three queues issue 16 LW + IW (cycles 46..62), 4 ABC (63..66), 4 ACC
        // (64..67): busy in 46..67, 22 distinct cycles.
        CHECK(st.slice_busy.at("MXM_E0") == 22);
        CHECK(st.slice_busy.at("MEM_E1") == 16);
        CHECK(chip.stats_json(st).find("\"MXM_E0\": {\"busy_cycles\": 22") != std::string::npos);
    }
}

TEST_CASE("VXM operations in assembly: parsing, stream groups and errors", "[asm]")
{
    CHECK(asm_error(".queue VXM.0\n  add i32, s0e, s4e, s30w\n") ==
          "p.s:2:22: a i32 vector needs 4 consecutive streams from s30w (only 32 exist)");
    CHECK(asm_error(".queue VXM.0\n  tanh i32, s0e, s4w\n").find("p.s:2:3: ") == 0);
    CHECK(asm_error(".queue VXM.0\n  frobnicate i8, s0e, s1w\n").find("p.s:2:3: ") == 0);
    CHECK(asm_error(".queue VXM.0\n  add i8, s0e, s1e\n") == "p.s:2:19: missing stream (e.g. s3e)");
    CHECK(asm_error(".queue MEM_E0\n  add i8, s0e, s1e, s2e\n") == "p.s:2:3: unknown instruction 'add'");
    const std::string src = read_text(std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_bias_relu_requant_tiny.s");
    const Program p = assemble(src, "q.s", tiny());
    const std::string text = disassemble(p, tiny());
    CHECK(text.find("    requant i8 1 11 -3 half_even, s16w, s20w\n") != std::string::npos);
    CHECK(disassemble(assemble(text, "again.s", tiny()), tiny()) == text);
}

TEST_CASE("SXM operations in programs: timing and results", "[run][sxm]")
{
    // MEM_W0 (position 46) reads at 0 and drives s0w at 46 in cycle 2; it reaches the west SXM
    // (position 2) in cycle 46. The SXM rotates it by 3 and drives s1e at position 2 in cycle
    // 48 (latency 2); that reaches MEM_W0 in cycle 48 + 44 = 92.
    const std::string src = ".tensor a MEM_W0 0 1 u8\n.tensor b MEM_W0 1 1 u8\n"
                            ".queue MEM_W0\n Read 0, s0w\n NOP 91\n Write 1, s1e\n"
                            ".queue SXM_W0.0\n NOP 46\n rotate 3, s0w, s1e\n";
    const Program p = assemble(src, "p.s", tiny());
    Chip chip("", tiny());
    std::vector<uint8_t> a(16);
    for (unsigned i = 0; i < 16; ++i)
        a[i] = static_cast<uint8_t>(i + 1);
    chip.load_tensor(*p.tensor("a"), a);
    chip.run(p);
    const std::vector<uint8_t> b = chip.dump_tensor(*p.tensor("b"));
    for (unsigned i = 0; i < 16; ++i)
        CHECK(b[i] == a[(i + 16 - 3) % 16]);
    CHECK(disassemble(p, tiny()).find("    rotate 3, s0w, s1e\n") != std::string::npos);
    CHECK(asm_error(".queue SXM_W0.0\n  transpose, s0e, s20w\n") ==
          "p.s:2:19: transpose needs 16 consecutive streams from s20w (only 32 exist)");
    CHECK(asm_error(".queue SXM_W0.0\n  rotate 16, s0e, s1e\n").find("p.s:2:3: ") == 0);
}

TEST_CASE("mangled assembly and object files are refused with InputError, never a crash", "[asm]")
{
    const std::string src = read_text(std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_bias_relu_requant_tiny.s");
    const std::string obj = encode_program(assemble(src, "q.s", tiny()));
    Rng rng(2024);
    unsigned refused_text = 0, refused_obj = 0;
    for (unsigned i = 0; i < 3000; ++i) {
        for (const bool object : {false, true}) {
            std::string b = object ? obj : src;
            switch (rng.below(3)) {
            case 0: b.resize(rng.below(b.size())); break;                                    // truncate
            case 1: b[rng.below(b.size())] = static_cast<char>(rng.byte()); break;           // change a byte
            case 2: b.insert(rng.below(b.size()), 1, static_cast<char>(rng.byte())); break;  // insert one
            }
            try {
                if (object)
                    decode_program(b, "m.lpo", tiny());
                else
                    assemble(b, "m.s", tiny());
            } catch (const InputError&) {
                ++(object ? refused_obj : refused_text);
            }
        }
    }
    // Most mutations must be caught; the rest happen to be valid programs (e.g. a changed digit).
    CHECK(refused_text > 1000);
    CHECK(refused_obj > 1000);
}

TEST_CASE("Gather and Scatter in programs: per-tile addresses from a map on a stream", "[run]")
{
    // small: 4 superlanes, so 4 tiles of 16 lanes. MEM_E0 (position 48) holds two maps; MEM_E1
    // (49) gathers tile t from word 20 + (3 - t) and scatters the result to words 30 + t.
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/small.yaml");
    const std::string src = ".tensor map MEM_E0 0 2 u8\n.tensor d MEM_E1 20 4 u8\n.tensor out MEM_E1 30 4 u8\n"
                            ".tensor g MEM_E2 0 1 u8\n"
                            ".queue MEM_E0\n Read 0, s0e\n NOP 1\n Read 1, s2e\n"  // maps at 49 in 3 and 5
                            ".queue MEM_E1\n NOP 3\n Gather s0e, s1e\n NOP 1\n Scatter s1e, s2e\n"
                            ".queue MEM_E2\n NOP 6\n Write 0, s1e\n";  // the gathered vector: 49 in 5, 50 in 6
    const Program p = assemble(src, "g.s", cfg);
    CHECK(disassemble(p, cfg).find("    Gather s0e, s1e\n    NOP 1\n    Scatter s1e, s2e\n") != std::string::npos);
    Chip chip("", cfg);
    std::vector<uint8_t> map(2 * 64, 0), d(4 * 64);
    for (unsigned t = 0; t < 4; ++t) {
        map[t * 16] = static_cast<uint8_t>(20 + 3 - t);  // little-endian word address in the tile's first bytes
        map[64 + t * 16] = static_cast<uint8_t>(30 + t);
    }
    for (unsigned i = 0; i < d.size(); ++i)
        d[i] = static_cast<uint8_t>(i * 7 + 1);
    chip.load_tensor(*p.tensor("map"), map);
    chip.load_tensor(*p.tensor("d"), d);
    chip.run(p);
    const std::vector<uint8_t> g = chip.dump_tensor(*p.tensor("g"));
    const std::vector<uint8_t> out = chip.dump_tensor(*p.tensor("out"));
    for (unsigned t = 0; t < 4; ++t)
        for (unsigned l = 0; l < 16; ++l) {
            const uint8_t want = d[(3 - t) * 64 + t * 16 + l];  // tile t of row 3 - t
            CHECK(g[t * 16 + l] == want);
            for (unsigned r = 0; r < 4; ++r)  // row r received tile r only
                CHECK(out[r * 64 + t * 16 + l] == (r == t ? want : 0));
        }
    // One cycle earlier the second map is not at MEM_E1 yet.
    const std::string early = ".queue MEM_E0\n Read 0, s0e\n NOP 1\n Read 1, s2e\n"
                              ".queue MEM_E1\n NOP 3\n Gather s0e, s1e\n Scatter s1e, s2e\n";
    Chip chip2("chip2", cfg);
    CHECK_THROWS_WITH(chip2.run(assemble(early, "e.s", cfg)),
                      Catch::Contains("schedule error at cycle 4: MEM_E1: 'Scatter s1e, s2e'"));
}
