// The per-cycle port and bank rules of a MEM slice (docs/mem.md, "Ports and banks"): the legal
// neighbours of each rule pass, each violation is a ScheduleError with the full text.
#include "models/common/Error.h"
#include "models/mem/MemPorts.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using namespace lpu;

namespace {

// 2 superlanes (2 tiles); 4 slices; banks of 16 words: words 0..15 bank 0, 16..31 bank 1.
MemParams params(unsigned write_latency = 1)
{
    return (parse_chip_spec(
                "version: 1\nchip:\n  geometry:\n    superlanes: 2\n  mem:\n    slices: 4\n    words_per_bank: 16\n"
                "    write_latency: " +
                    std::to_string(write_latency) + "\n",
                "ports.yaml"))
        .mem;
}

std::string schedule_error(const std::function<void()>& f)
{
    try {
        f();
    } catch (const ScheduleError& e) {
        return e.what();
    }
    return "(no ScheduleError)";
}

}  // namespace

TEST_CASE("one read and one write per cycle in different banks are legal", "[mem][ports]")
{
    MemPortChecker c(params());
    CHECK_NOTHROW(c.read(10, 0, 3, "Read 3, s0e"));
    CHECK_NOTHROW(c.write(10, 0, 20, "Write 20, s1w"));  // bank 1 vs bank 0
    CHECK_NOTHROW(c.read(11, 0, 20, "Read 20, s0e"));    // next cycle: ports free again, banks swapped
    CHECK_NOTHROW(c.write(11, 0, 4, "Write 4, s1w"));
    CHECK_NOTHROW(c.write(12, 0, 3, "Write 3, s1w"));  // the write port is free again a cycle later
    CHECK_NOTHROW(c.read(12, 0, 21, "Read 21, s0e"));
    CHECK_NOTHROW(c.read(12, 1, 5, "Read 5, s0e"));  // another slice has its own ports
    CHECK_NOTHROW(c.write(12, 1, 25, "Write 25, s2w"));
    CHECK_NOTHROW(c.write(12, 2, 5, "Write 5, s2w"));  // slice 2: a write alone may use any bank
}

TEST_CASE("two reads in one cycle on one slice: one read port", "[mem][ports]")
{
    MemPortChecker c(params());
    c.read(10, 1, 3, "Read 3, s0e");
    CHECK(schedule_error([&] { c.read(10, 1, 20, "Read 20, s4e"); }) ==
          "schedule error at cycle 10 in MEM slice 1 (MEM_W1): 'Read 3, s0e' reads word 3 (bank 0) and "
          "'Read 20, s4e' reads word 20 (bank 1) in the same cycle: a slice has one read port");
}

TEST_CASE("two writes in one cycle on one slice: one write port", "[mem][ports]")
{
    MemPortChecker c(params());
    c.write(7, 3, 30, "Write 30, s1w");
    CHECK(schedule_error([&] { c.write(7, 3, 2, "Write 2, s2w"); }) ==
          "schedule error at cycle 7 in MEM slice 3 (MEM_E1): 'Write 30, s1w' writes word 30 (bank 1) and "
          "'Write 2, s2w' writes word 2 (bank 0) in the same cycle: a slice has one write port");
}

TEST_CASE("a read and a write of one bank in one cycle: the bank rule, in either order", "[mem][ports]")
{
    const std::string expected =
        "schedule error at cycle 5 in MEM slice 2 (MEM_E0): 'Read 17, s3e' reads word 17 (bank 1) and "
        "'Write 31, s0w' writes word 31 (bank 1) in the same cycle: a read and a write in one cycle must use "
        "different banks";
    SECTION("read first")
    {
        MemPortChecker c(params());
        c.read(5, 2, 17, "Read 17, s3e");
        CHECK(schedule_error([&] { c.write(5, 2, 31, "Write 31, s0w"); }) == expected);
    }
    SECTION("write first")
    {
        MemPortChecker c(params());
        c.write(5, 2, 31, "Write 31, s0w");
        CHECK(schedule_error([&] { c.read(5, 2, 17, "Read 17, s3e"); }) == expected);
    }
    SECTION("same word")
    {
        MemPortChecker c(params());
        c.read(5, 2, 17, "Read 17, s3e");
        CHECK(schedule_error([&] { c.write(5, 2, 17, "Write 17, s0w"); }).find("word 17 (bank 1) in the same cycle") !=
              std::string::npos);
    }
}

TEST_CASE("gather and scatter check banks tile by tile", "[mem][ports][gather]")
{
    MemPortChecker c(params());
    const std::vector<uint32_t> gather_map{2, 18};   // tile 0 bank 0, tile 1 bank 1
    const std::vector<uint32_t> scatter_map{20, 3};  // tile 0 bank 1, tile 1 bank 0
    c.access(4, 0, MemPort::Read, gather_map.data(), 2, "Gather s1e, s2e");
    // Both banks are in use in this cycle, but each tile reads one bank and writes the other.
    CHECK_NOTHROW(c.access(4, 0, MemPort::Write, scatter_map.data(), 2, "Scatter s3w, s4w"));

    // A plain write to word 1 (bank 0 in every tile) meets the gather's bank 0 in tile 0.
    MemPortChecker d(params());
    d.access(9, 0, MemPort::Read, gather_map.data(), 2, "Gather s1e, s2e");
    CHECK(schedule_error([&] { d.write(9, 0, 1, "Write 1, s0w"); }) ==
          "schedule error at cycle 9 in MEM slice 0 (MEM_W0): 'Gather s1e, s2e' reads word 2 (bank 0) in tile 0 "
          "and 'Write 1, s0w' writes word 1 (bank 0) in tile 0 in the same cycle: a read and a write in one cycle "
          "must use different banks");
    // ... and a write to word 16 (bank 1) meets it in tile 1.
    MemPortChecker e(params());
    e.access(9, 0, MemPort::Read, gather_map.data(), 2, "Gather s1e, s2e");
    CHECK(schedule_error([&] { e.write(9, 0, 16, "Write 16, s0w"); }).find("reads word 18 (bank 1) in tile 1") !=
          std::string::npos);
}

TEST_CASE("a second gather in a cycle lists its per-tile words", "[mem][ports][gather]")
{
    MemPortChecker c(params());
    const std::vector<uint32_t> a{1, 2}, b{3, 31};
    c.access(0, 1, MemPort::Read, a.data(), 2, "Gather s0e, s1e");
    CHECK(schedule_error([&] { c.access(0, 1, MemPort::Read, b.data(), 2, "Gather s2e, s3e"); }) ==
          "schedule error at cycle 0 in MEM slice 1 (MEM_W1): 'Gather s0e, s1e' reads words [1, 2] (one per tile) "
          "and 'Gather s2e, s3e' reads words [3, 31] (one per tile) in the same cycle: a slice has one read port");
}

TEST_CASE("a write uses its bank write_latency - 1 cycles after issue", "[mem][ports][timing]")
{
    MemPortChecker c(params(3));
    CHECK(c.bank_cycle(10, MemPort::Write) == 12);
    CHECK(c.bank_cycle(10, MemPort::Read) == 10);
    c.write(10, 0, 4, "Write 4, s0w");               // bank 0, busy in cycle 12
    CHECK_NOTHROW(c.read(10, 0, 5, "Read 5, s0e"));  // same bank, cycle 10: legal
    CHECK_NOTHROW(c.read(11, 0, 6, "Read 6, s0e"));  // cycle 11: legal
    CHECK(schedule_error([&] { c.read(12, 0, 7, "Read 7, s0e"); }) ==
          "schedule error at cycle 12 in MEM slice 0 (MEM_W0): 'Read 7, s0e' reads word 7 (bank 0) and "
          "'Write 4, s0w' (issued at cycle 10, write latency 3) writes word 4 (bank 0) in the same cycle: a read "
          "and a write in one cycle must use different banks");
    CHECK_NOTHROW(c.read(12, 0, 17, "Read 17, s0e"));  // the other bank in that cycle is free
    // Two writes issued one cycle apart use consecutive cycles: legal.
    CHECK_NOTHROW(c.write(11, 1, 4, "Write 4, s0w"));
    CHECK_NOTHROW(c.write(12, 1, 4, "Write 4, s0w"));
    CHECK(schedule_error([&] { c.write(12, 1, 5, "Write 5, s0w"); }).find("one write port") != std::string::npos);
}

TEST_CASE("a rejected access is not recorded", "[mem][ports]")
{
    MemPortChecker c(params());
    c.read(3, 0, 1, "Read 1, s0e");
    CHECK_THROWS_AS(c.write(3, 0, 2, "Write 2, s0w"), ScheduleError);
    CHECK_NOTHROW(c.write(3, 0, 20, "Write 20, s0w"));  // the failed write did not occupy the write port
}

TEST_CASE("issue cycles on a slice must not decrease", "[mem][ports]")
{
    MemPortChecker c(params());
    c.read(9, 0, 1, "Read 1, s0e");
    CHECK_NOTHROW(c.read(4, 1, 1, "Read 1, s0e"));  // another slice keeps its own order
    CHECK(schedule_error([&] { c.write(8, 0, 20, "Write 20, s0w"); }) ==
          "schedule error at cycle 8 in MEM slice 0 (MEM_W0): 'Write 20, s0w' issued after an access issued at "
          "cycle 9 (issue cycles on a slice must not decrease)");
}

TEST_CASE("bad slice, address or map size are input errors", "[mem][ports]")
{
    MemPortChecker c(params());
    CHECK_THROWS_WITH(c.read(0, 4, 0, "Read 0, s0e"), "MEM: 'Read 0, s0e': slice 4 out of range (4 slices)");
    CHECK_THROWS_WITH(c.write(0, 0, 32, "Write 32, s0w"),
                      "MEM: 'Write 32, s0w': word address 32 out of range (32 words per slice)");
    const std::vector<uint32_t> three{1, 2, 3};
    CHECK_THROWS_WITH(c.access(0, 0, MemPort::Read, three.data(), 3, "Gather s0e, s1e"),
                      "MEM: 'Gather s0e, s1e': 3 word addresses (expected 1 or one per tile: 2)");
    const std::vector<uint32_t> bad{1, 99};
    CHECK_THROWS_WITH(c.access(0, 0, MemPort::Read, bad.data(), 2, "Gather s0e, s1e"),
                      "MEM: 'Gather s0e, s1e': word address 99 in tile 1 out of range (32 words per slice)");
}
