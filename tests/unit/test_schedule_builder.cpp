// The compiler's booking table (compiler/ScheduleBuilder): queue slots, stream stretches on a
// diagonal, the MEM bank rule, rollback, the predicted length and the emitted assembly, which
// the chip must run in exactly the predicted number of cycles.
#include "compiler/ScheduleBuilder.h"
#include "models/chip/Chip.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

Instr mem(Opcode op, int64_t addr, StreamId s)
{
    Instr in;
    in.op = op;
    in.a = addr;
    in.streams = {s};
    return in;
}

}  // namespace

TEST_CASE("stream stretches conflict only where they overlap on one diagonal", "[compiler]")
{
    ScheduleBuilder sb(tiny());
    const StreamId s0{StreamDir::East, 0};
    // A value driven at 48 in cycle 10 and read at 51 (in cycle 13).
    REQUIRE(sb.stream_free(s0, 48, 51, 10));
    sb.book_stream(s0, 48, 51, 10);
    CHECK_FALSE(sb.stream_free(s0, 48, 51, 10));
    CHECK_FALSE(sb.stream_free(s0, 50, 60, 12));  // same diagonal, overlapping at 50..51
    CHECK_FALSE(sb.stream_free(s0, 51, 60, 13));  // touching at 51: the reader would see it
    CHECK(sb.stream_free(s0, 52, 60, 14));        // downstream of the reader: legal reuse
    CHECK(sb.stream_free(s0, 48, 51, 11));        // the next diagonal
    CHECK(sb.stream_free(StreamId{StreamDir::East, 1}, 48, 51, 10));
    // Westbound diagonals run the other way: driven at 60 in 10, at 57 in 13.
    const StreamId w0{StreamDir::West, 0};
    sb.book_stream(w0, 60, 57, 10);
    CHECK_FALSE(sb.stream_free(w0, 58, 50, 12));
    CHECK(sb.stream_free(w0, 58, 50, 11));
    // The first free group of 4 consecutive streams skips s0e.
    const auto g = sb.find_streams(4, 48, 51, 10);
    REQUIRE(g);
    CHECK(g->dir == StreamDir::East);
    CHECK(g->index == 1);
}

TEST_CASE("rollback takes back every booking since the mark", "[compiler]")
{
    ScheduleBuilder sb(tiny());
    const size_t q = sb.mem_queue(0);
    const StreamId s0{StreamDir::East, 0};
    sb.place(q, 3, mem(Opcode::Read, 5, s0));
    sb.book_mem_read(0, 5, 3);
    sb.commit();
    const uint64_t end = sb.predicted_cycles();
    const size_t mark = sb.mark();
    sb.place(q, 9, mem(Opcode::Write, 7, s0));
    sb.book_mem_write(0, 7, 9);
    sb.book_stream(s0, 40, 46, 20);
    CHECK(sb.predicted_cycles() > end);
    CHECK(sb.last_write(0, 7) == std::optional<uint64_t>(9));
    sb.rollback(mark);
    CHECK(sb.predicted_cycles() == end);
    CHECK(sb.queue_free(q, 9));
    CHECK_FALSE(sb.queue_free(q, 3));
    CHECK(sb.stream_free(s0, 40, 46, 20));
    CHECK_FALSE(sb.last_write(0, 7));
    CHECK(sb.last_read(0, 5) == std::optional<uint64_t>(3));
    CHECK(sb.instructions() == 1);
}

TEST_CASE("the bank rule: a read and a write in one cycle need different banks", "[compiler]")
{
    ScheduleBuilder sb(tiny());
    const uint32_t per_bank = sb.mem().words_per_bank;
    sb.book_mem_read(2, 0, 40);
    CHECK_FALSE(sb.mem_write_ok(2, 1, 40 - (sb.mem().write_latency - 1)));  // bank 0 again
    CHECK(sb.mem_write_ok(2, per_bank, 40 - (sb.mem().write_latency - 1)));
    CHECK_FALSE(sb.mem_read_ok(2, per_bank, 40));  // one read per slice per cycle
    CHECK(sb.mem_read_ok(3, 0, 40));
}

TEST_CASE("emitted assembly folds runs into Repeat and runs for exactly the predicted cycles", "[compiler]")
{
    ScheduleBuilder sb(tiny());
    // MEM_E0 (48) reads words 0..5 in cycles 4..9 onto s0e; MEM_E3 (51) writes them 5 cycles
    // later (read latency 2 + 3 hops) to words 10..15.
    const size_t e0 = sb.queue("MEM_E0"), e3 = sb.queue("MEM_E3");
    const StreamId s0{StreamDir::East, 0};
    for (int r = 0; r < 6; ++r) {
        sb.place(e0, 4 + r, mem(Opcode::Read, r, s0));
        sb.book_mem_read(sb.queues().queues()[e0].unit, static_cast<uint32_t>(r), 4 + r);
        sb.book_stream(s0, 48, 51, 6 + r);
        sb.place(e3, 9 + r, mem(Opcode::Write, 10 + r, s0));
        sb.book_mem_write(sb.queues().queues()[e3].unit, static_cast<uint32_t>(10 + r), 9 + r);
    }
    const std::string text = sb.assembly(".tensor a MEM_E0 0 6 i8\n.tensor b MEM_E3 10 6 i8\n");
    CHECK(text.find(".queue MEM_E0\n    NOP 4\n    Read 0x0, s0e\n    Repeat 5, 1, 1\n") != std::string::npos);
    CHECK(text.find(".queue MEM_E3\n    NOP 9\n    Write 0xa, s0e\n    Repeat 5, 1, 1\n") != std::string::npos);
    CHECK(sb.predicted_cycles() == 14 + 1 + 1);  // the last write, issued in 14, commits in 15
    const Program p = assemble(text, "p.s", tiny());
    Chip chip("", tiny());
    std::vector<uint8_t> a(6 * 16);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<uint8_t>(i * 11 + 5);
    chip.load_tensor(*p.tensor("a"), a);
    const RunStats st = chip.run(p);
    CHECK(st.cycles == sb.predicted_cycles());
    CHECK(chip.dump_tensor(*p.tensor("b")) == a);
}
