// The compiler's booking table (compiler/ScheduleBuilder): queue slots, stream stretches on a
// diagonal, the MEM bank rule, rollback, the predicted length and the emitted assembly, which
// the chip must run in exactly the predicted number of cycles.
#include "compiler/ScheduleBuilder.h"
#include "compiler/StreamTable.h"
#include "models/chip/Chip.h"
#include "models/isa/Assembler.h"
#include "models/isa/InstrForms.h"
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

TEST_CASE("stream stretches: several on one diagonal, taken back in any order", "[compiler]")
{
    // Most diagonals hold two stretches in place; more go to a side table (compiler/StreamTable).
    StreamTable t(2, 100);
    t.add(0, 7, 10, 20);
    t.add(0, 7, 30, 40);
    t.add(0, 7, 50, 60);
    CHECK_FALSE(t.free(0, 7, 20, 25));
    CHECK_FALSE(t.free(0, 7, 35, 35));
    CHECK_FALSE(t.free(0, 7, 45, 55));
    CHECK(t.free(0, 7, 21, 29));
    CHECK(t.free(0, 7, 61, 99));
    CHECK(t.free(1, 7, 10, 20));  // another stream
    CHECK(t.free(0, 8, 10, 20));  // another diagonal
    t.remove(0, 7, 10, 20);       // the one kept in place: another takes its place
    CHECK(t.free(0, 7, 10, 20));
    CHECK_FALSE(t.free(0, 7, 30, 30));
    CHECK_FALSE(t.free(0, 7, 60, 60));
    t.remove(0, 7, 50, 60);
    CHECK(t.free(0, 7, 41, 99));
    CHECK_FALSE(t.free(0, 7, 0, 30));
    t.remove(0, 7, 30, 40);
    CHECK(t.free(0, 7, 0, 99));
    t.add(0, 7, 0, 99);
    CHECK_FALSE(t.free(0, 7, 99, 99));
}

TEST_CASE("stream stretches: random bookings and take-backs against a plain list", "[compiler]")
{
    // Up to six disjoint stretches per diagonal, in place and in the side table, taken back in a
    // random order; every query is answered as a brute-force scan of the booked list answers it.
    // Floorplans of up to 127 positions take 32-bit entries, larger ones 64-bit: both, at the
    // edges of their fields.
    const unsigned positions = GENERATE(64u, 127u, 128u, 300u, 32766u);
    INFO(positions << " positions");
    constexpr unsigned kSlots = 3, kDiagonals = 4;
    const unsigned kPositions = positions;
    StreamTable t(kSlots, kPositions);
    struct Booking {
        unsigned slot;
        uint64_t diagonal;
        unsigned lo, hi;
    };
    std::vector<Booking> booked;
    const auto reference_free = [&](unsigned slot, uint64_t d, unsigned lo, unsigned hi) {
        for (const Booking& b : booked)
            if (b.slot == slot && b.diagonal == d && b.lo <= hi && lo <= b.hi)
                return false;
        return true;
    };
    uint64_t state = 12345;
    const auto next = [&](unsigned n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<unsigned>((state >> 33) % n);
    };
    for (int step = 0; step < 20000; ++step) {
        // Half the stretches at the floorplan's far end, where the fields' high bits are used.
        const unsigned slot = next(kSlots), d = next(kDiagonals) * 1000,
                       lo = next(2) ? next(kPositions) : kPositions - 1 - next(std::min(kPositions, 12u));
        const unsigned hi = std::min(kPositions - 1, lo + next(6));
        const bool free = reference_free(slot, d, lo, hi);
        REQUIRE(t.free(slot, d, lo, hi) == free);
        if (free && next(2) == 0) {
            t.add(slot, d, lo, hi);
            booked.push_back({slot, d, lo, hi});
        } else if (!booked.empty() && next(3) == 0) {
            const size_t i = next(static_cast<unsigned>(booked.size()));
            t.remove(booked[i].slot, booked[i].diagonal, booked[i].lo, booked[i].hi);
            booked.erase(booked.begin() + static_cast<long>(i));
        }
    }
    CHECK(booked.size() > 20);  // the bookings did pile up: some diagonals used the side table
}

TEST_CASE("instruction forms: one per instruction without its operand, per owner", "[compiler]")
{
    InstrForms f;
    const StreamId s0{StreamDir::East, 0}, s1{StreamDir::West, 1};
    const uint32_t r0 = f.intern(mem(Opcode::Read, 5, s0), 0);
    CHECK(f.intern(mem(Opcode::Read, 9, s0), 0) == r0);  // another address: the same form
    CHECK(f.intern(mem(Opcode::Read, 9, s0), 0, r0) == r0);
    CHECK(f.intern(mem(Opcode::Read, 5, s1), 0, r0) != r0);  // a wrong hint is only a hint
    CHECK(f.intern(mem(Opcode::Write, 5, s0), 0) != r0);
    const uint32_t other = f.intern(mem(Opcode::Read, 5, s0), 1);
    CHECK(other != r0);
    CHECK(f.owner(other) == 1);
    CHECK(f.instr(r0).a == 0);
    CHECK(f.instr(r0).disasm() == "Read 0x0, s0e");
    Instr v;
    v.op = Opcode::Vxm;
    v.alu = VxmAluOp::make_binary(VxmBinaryOp::Add, VxmType::I32);
    v.streams = {s0, s1};
    const uint32_t add = f.intern(v, 0);
    v.alu = VxmAluOp::make_binary(VxmBinaryOp::Sub, VxmType::I32);
    CHECK(f.intern(v, 0) != add);
    for (int i = 0; i < 3000; ++i)  // grows the table: every form still found
        f.intern(mem(Opcode::Read, 0, StreamId{StreamDir::East, static_cast<unsigned>(i)}), 2);
    CHECK(f.intern(mem(Opcode::Read, 1, s0), 0) == r0);
    CHECK(f.intern(mem(Opcode::Read, 1, StreamId{StreamDir::East, 2999}), 2) + 1 == f.size());
}

TEST_CASE("a snapshot of the booking table restores everything booked after it", "[compiler]")
{
    ScheduleBuilder sb(tiny());
    const size_t q = sb.mem_queue(0);
    const StreamId s0{StreamDir::East, 0};
    sb.place(q, 3, mem(Opcode::Read, 5, s0));
    sb.book_mem_read(0, 5, 3);
    sb.book_stream(s0, 40, 46, 5);
    sb.commit();
    const ScheduleBuilder::State before = sb.snapshot();
    const std::string text = sb.assembly("");
    for (uint64_t c = 4; c < 5000; c += 3) {  // past a page of every table
        sb.place(q, c, mem(Opcode::Write, 7, s0));
        sb.book_mem_write(0, 7, c);
        sb.book_stream(s0, 40, 46, c + 10);
        sb.commit();
    }
    ScheduleBuilder::State after = sb.take();
    sb.restore(before);
    CHECK(sb.instructions() == 1);
    CHECK(sb.assembly("") == text);
    CHECK(sb.queue_free(q, 4));
    CHECK(sb.stream_free(s0, 40, 46, 14));
    CHECK_FALSE(sb.stream_free(s0, 40, 46, 5));
    CHECK_FALSE(sb.last_write(0, 7));
    sb.restore(std::move(after));
    CHECK(sb.instructions() == 1 + 1666);
    CHECK_FALSE(sb.queue_free(q, 4));
    CHECK(sb.last_write(0, 7) == std::optional<uint64_t>(4999));
}
