// The ICU's own instructions through the runner: the MEM address generator (Iterations, Step,
// Countdown), power modes (Config), instruction fetch from MEM through a stream (Ifetch,
// .block), and VXM ALU chaining. Values are checked against the inputs moved by hand; cycles
// against docs/isa.md 3.2 worked out in the comments.
#include "models/chip/Chip.h"
#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

std::vector<uint8_t> pattern(size_t n, unsigned mul, unsigned add)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<uint8_t>(mul * i + add);
    return v;
}

const QueueStats& queue_stats(const RunStats& st, const Program&, const char* name)
{
    const QueueMap map(tiny());
    return st.queues.at(static_cast<size_t>(map.find(name)));
}

}  // namespace

TEST_CASE("Iterations, Step and Countdown make one access run n times", "[icu]")
{
    // MEM_E0 (position 48) reads rows 0..3 in cycles 3, 5, 7, 9; each is on s0e at MEM_E3 (51)
    // read latency 2 + 3 hops later: 8, 10, 12, 14, where MEM_E3 writes them with its own
    // iterations. The registers persist, so the second Read iterates too: 10, 12, 14, 16, its
    // last value on s1e in 18, so the run is 19 cycles.
    const std::string text = ".tensor a MEM_E0 0 4 i8\n.tensor b MEM_E3 0 4 i8\n"
                             ".queue MEM_E0\n Iterations 4\n Step 1\n Countdown 2\n Read 0, s0e\n Read 0, s1e\n"
                             ".queue MEM_E3\n Iterations 4\n Countdown 2\n Step 1\n NOP 5\n Write 0, s0e\n";
    const Program p = assemble(text, "p.s", tiny());
    Chip chip("", tiny());
    const auto a = pattern(4 * 16, 7, 3);
    chip.load_tensor(*p.tensor("a"), a);
    const RunStats st = chip.run(p);
    CHECK(chip.dump_tensor(*p.tensor("b")) == a);
    CHECK(st.cycles == 19);
    const QueueStats& e0 = queue_stats(st, p, "MEM_E0");
    CHECK(e0.issued == 3 + 4 + 4);  // the registers persist: the second Read iterates too
    CHECK(e0.first == 0);
    CHECK(e0.last == 10 + 3 * 2);  // the next instruction issues the cycle after the last iteration
    CHECK(st.sram_bytes_read == 8 * 16);
    CHECK(st.sram_bytes_written == 4 * 16);
}

TEST_CASE("address generator errors", "[icu]")
{
    CHECK(asm_error(".queue MEM_E0\n Iterations 2\n Read 0, s0e\n Repeat 1, 1\n") ==
          "p.s:4:2: Repeat cannot follow a MEM access while Iterations is 2 (the access already repeats; set "
          "Iterations 1 first)");
    CHECK(asm_error(".queue VXM.0\n Iterations 2\n").find("cannot run on queue VXM.0") != std::string::npos);
    CHECK(asm_error(".queue MEM_E0\n Countdown 0\n") ==
          "p.s:2:12: cycles between iterations 0 out of range [1, 1048576]");
    CHECK(asm_error(".queue MEM_E0\n Iterations 1\n Read 0, s0e\n Repeat 1, 1\n").empty());
    // The third iteration would read address -1.
    CHECK(run_error(".queue MEM_E0\n Iterations 3\n Step -1\n Read 1, s0e\n") ==
          "cycle 4: MEM_E0: 'Read -0x1, s0e' (p.s:4:2): repeated address -1 is out of range [0, 8192)");
}

TEST_CASE("Config low_power stops a slice until Config normal", "[icu]")
{
    // Config takes chip.icu.config_latency (4) cycles: low power from 4 until the Config normal
    // of cycle 104; the Read issues 4 cycles after that.
    const std::string text = ".queue MEM_E0\n Config low_power\n NOP 100\n Config normal\n Read 0, s0e\n";
    const Program p = assemble(text, "p.s", tiny());
    Chip chip("", tiny());
    const RunStats st = chip.run(p);
    const QueueStats& q = queue_stats(st, p, "MEM_E0");
    CHECK(q.low_power_cycles == 100);
    CHECK(q.last == 108);
    CHECK(chip.stats_json(st).find("\"low_power_cycles\": 100") != std::string::npos);

    CHECK(run_error(".queue MEM_E0\n Config low_power\n Read 0, s0e\n") ==
          "cycle 4: MEM_E0: 'Read 0x0, s0e' (p.s:3:2): the slice is in low-power mode (Config low_power); issue Config "
          "normal first");
    // Low power until the end of the run counts too.
    const Program idle = assemble(".queue VXM.3\n Config low_power\n NOP 20\n", "p.s", tiny());
    Chip chip2("chip2", tiny());
    const RunStats st2 = chip2.run(idle);
    CHECK(queue_stats(st2, idle, "VXM.3").low_power_cycles == st2.cycles - 4);
    CHECK(asm_error(".queue MEM_E0\n Config sleepy\n") ==
          "p.s:2:9: expected power mode low_power or normal, got 'sleepy'");
}

namespace {

// A block of two writes for MEM_E3, kept at MEM_E0 0x100 (2 words of 16 bytes on tiny), read
// onto s1e in cycles 0 and 1: at MEM_E3 in 5 and 6, where Ifetch 2 reads them; the first
// fetched instruction issues 6 + ifetch_latency (2) = 8. Rows 0 and 1 of `a`, read in 3 and 4,
// reach MEM_E3 in 8 and 9.
const std::string kFetchProgram =
    ".tensor a MEM_E0 0 2 i8\n.tensor b MEM_E3 0 2 i8\n"
    ".block writes MEM_E3 MEM_E0 0x100\n Write 0x0, s0e\n Write 0x1, s0e\n.end\n"
    ".queue MEM_E0\n Read 0x100, s1e\n Repeat 1, 1, 1\n NOP 1\n Read 0, s0e\n Repeat 1, 1, 1\n"
    ".queue MEM_E3\n NOP 5\n Ifetch 2, s1e\n";

}  // namespace

TEST_CASE("Ifetch brings instruction text from MEM into a queue", "[icu]")
{
    const Program p = assemble(kFetchProgram, "p.s", tiny());
    REQUIRE(p.blocks.size() == 1);
    CHECK(p.blocks[0].text == "Write 0x0, s0e\nWrite 0x1, s0e\n");
    CHECK(p.blocks[0].words(16) == 2);
    Chip chip("", tiny());
    const auto a = pattern(2 * 16, 5, 1);
    chip.load_tensor(*p.tensor("a"), a);
    std::ostringstream trace;
    PerfettoTrace tracer(trace, chip.spec());
    const RunStats st = chip.run(p, {&tracer});
    CHECK(chip.dump_tensor(*p.tensor("b")) == a);
    CHECK(st.fetched_instructions == 2);
    const QueueStats& q = queue_stats(st, p, "MEM_E3");
    CHECK(q.first == 5);
    CHECK(q.last == 9);
    CHECK(q.issued == 3);  // the Ifetch and the two fetched writes
    // The trace names fetched instructions by where they came from.
    CHECK(trace.str().find("\"name\":\"Write 0x1, s0e\"") != std::string::npos);

    // Disassembly keeps the block; it and the object file round-trip.
    const std::string text = disassemble(p, tiny());
    CHECK(text.find(".block writes MEM_E3 MEM_E0 0x100\n    Write 0x0, s0e\n    Write 0x1, s0e\n.end\n") !=
          std::string::npos);
    CHECK(disassemble(assemble(text, "d.s", tiny()), tiny()) == text);
    CHECK(disassemble(decode_program(encode_program(p), "p.lpo", tiny()), tiny()) == text);
}

TEST_CASE("Ifetch errors: wrong data, wrong cycle, bad blocks", "[icu]")
{
    // Fetching the tensor's bytes instead of the block: not text.
    std::string wrong = kFetchProgram;
    wrong.replace(wrong.find("Read 0x100, s1e"), 15, "Read 0x000, s1e");
    const Program p = assemble(wrong, "p.s", tiny());
    Chip chip("", tiny());
    chip.load_tensor(*p.tensor("a"), pattern(2 * 16, 5, 1));
    try {
        chip.run(p);
        FAIL("expected a schedule error");
    } catch (const ScheduleError& e) {
        CHECK_THAT(without_chip(chip, e.what()),
                   Catch::StartsWith("cycle 5: MEM_E3: 'Ifetch 2, s1e' (p.s:15:2): the fetched text is not a "
                                     "valid instruction block: byte 0x"));
    }
    // One cycle early: nothing on the stream yet.
    std::string early = kFetchProgram;
    early.replace(early.find("NOP 5\n Ifetch"), 5, "NOP 4");
    CHECK_THAT(run_error(early),
               Catch::Contains("cycle 4") && Catch::Contains("s1e") && Catch::Contains("'Ifetch 2, s1e' (p.s:15:2)"));
    CHECK(asm_error(".block b MEM_E3 MEM_E0 0\n Write 0, s0e\n") == "p.s:1:1: .block 'b' has no .end");
    CHECK(asm_error(".end\n") == "p.s:1:1: .end without a .block");
    CHECK(asm_error(".block b MEM_E3 VXM.0 0\n.end\n") == "p.s:1:17: 'VXM.0' is not a MEM slice");
    CHECK(asm_error(".block b MEM_E3 MEM_E0 0\n Read 0, s0e\n .block c MEM_E3 MEM_E0 8\n")
              .find("a .block inside .block 'b'") != std::string::npos);
    CHECK(asm_error(".block b VXM.0 MEM_E0 0\n Read 0, s0e\n.end\n").find("cannot run on queue VXM.0") !=
          std::string::npos);
    CHECK(asm_error(".tensor t MEM_E0 0 4 i8\n.block b MEM_E3 MEM_E0 2\n Read 0, s0e\n.end\n")
              .find("block 'b' overlaps tensor 't'") != std::string::npos);
}

namespace {

// x (MEM_W0, position 46) and y (MEM_W1, 45) reach the VXM (47) on s0e/s1e in cycle 4; ALU 0
// adds them and keeps the sum in its output for cycle 5, where ALU 1 applies ReLU and drives
// s2e, at MEM_E0 (48) in 7.
std::string chain_program(int relu_nop)
{
    return ".tensor x MEM_W0 0 1 i8\n.tensor y MEM_W1 0 1 i8\n.tensor z MEM_E0 0 1 i8\n"
           ".queue MEM_W0\n NOP 1\n Read 0, s0e\n"
           ".queue MEM_W1\n Read 0, s1e\n"
           ".queue VXM.0\n NOP 4\n add i8, s0e, s1e, chain\n"
           ".queue VXM.1\n NOP " +
           std::to_string(relu_nop) +
           "\n relu i8, alu0, s2e\n"
           ".queue MEM_E0\n NOP 7\n Write 0, s2e\n";
}

}  // namespace

TEST_CASE("VXM ALUs chain without streams, one cycle per ALU", "[icu][vxm]")
{
    const Program p = assemble(chain_program(5), "p.s", tiny());
    Chip chip("", tiny());
    const auto x = pattern(16, 37, 200), y = pattern(16, 91, 13);
    chip.load_tensor(*p.tensor("x"), x);
    chip.load_tensor(*p.tensor("y"), y);
    const RunStats st = chip.run(p);
    std::vector<uint8_t> want(16);
    for (size_t i = 0; i < 16; ++i) {
        const auto sum = static_cast<int8_t>(static_cast<uint8_t>(x[i] + y[i]));  // i8 add wraps
        want[i] = static_cast<uint8_t>(sum < 0 ? 0 : sum);
    }
    CHECK(chip.dump_tensor(*p.tensor("z")) == want);
    CHECK(st.streams.writes == 3);  // x, y and the result: the sum never used a stream
    CHECK(st.vxm_lane_ops == 2 * 16);

    const std::string text = disassemble(p, tiny());
    CHECK(text.find("    add i8, s0e, s1e, chain\n") != std::string::npos);
    CHECK(text.find("    relu i8, alu0, s2e\n") != std::string::npos);
    CHECK(disassemble(decode_program(encode_program(p), "p.lpo", tiny()), tiny()) == text);
}

TEST_CASE("VXM chaining errors", "[icu][vxm]")
{
    CHECK(run_error(chain_program(6)) ==
          "cycle 6: VXM.1: 'relu i8, alu0, s2e' (p.s:14:2): ALU 0 has no result in this cycle");
    CHECK_THAT(
        run_error(chain_program(4)),
        Catch::StartsWith("cycle 4: VXM.1: 'relu i8, alu0, s2e' (p.s:14:2): ALU 0 has no result in this cycle "
                          "(its next one, from VXM.0: 'add i8, s0e, s1e, chain' (p.s:11:2), is there in cycle 5)"));
    CHECK(asm_error(".queue VXM.1\n relu i8, alu1, s0e\n") == "p.s:2:11: ALU 1 cannot chain to itself");
    CHECK(asm_error(".queue VXM.1\n relu i8, alu16, s0e\n") == "p.s:2:11: no ALU 'alu16' (the VXM has alu0 .. alu15)");
    // Found by fuzzing: ALU names that are not a number are an error at the operand, never an
    // escaping std::stoul.
    CHECK(asm_error(".queue VXM.0\n add i32, s8e, alue, s8w\n") ==
          "p.s:2:16: no ALU 'alue' (the VXM has alu0 .. alu15)");
    CHECK(asm_error(".queue VXM.0\n add i32, s8e, alu, s8w\n") == "p.s:2:16: no ALU 'alu' (the VXM has alu0 .. alu15)");
    CHECK(asm_error(".queue VXM.0\n add i32, s8e, alu99999999999999999999, s8w\n") ==
          "p.s:2:16: no ALU 'alu99999999999999999999' (the VXM has alu0 .. alu15)");
    CHECK(asm_error(".queue VXM.1\n relu i8, chain, s0e\n").find("p.s:2:11:") == 0);
    CHECK(asm_error(".queue VXM.1\n relu i8, s0e, alu0\n").find("p.s:2:16:") == 0);
}
