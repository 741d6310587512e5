// The timing rules of models/spec/Timing.h are the ones the chip enforces: programs placed with
// them run, and the same programs one cycle off fail or read other data, on configs whose
// latencies differ (tiny, small, tsp-v1, latency-variant with MEM 4/3, VXM 3, SXM 5). The
// compiler books with the same functions (its predicted cycles are checked against runs in the
// golden and example tests).
#include "models/spec/Timing.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

unsigned position(const ChipSpec& spec, const std::string& queue)
{
    const QueueMap map(spec);
    return map.queues().at(static_cast<size_t>(map.find(queue))).position;
}

// MEM_E0 reads word 0 at cycle 0 onto s0e; MEM_E3 writes it at cycle `w`.
std::string copy_program(uint64_t w)
{
    std::ostringstream p;
    p << ".tensor a MEM_E0 0 1 i8\n.tensor b MEM_E3 0 1 i8\n.queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n";
    if (w > 0)
        p << " NOP " << w << "\n";
    p << " Write 0, s0e\n";
    return p.str();
}

}  // namespace

TEST_CASE("a Read's vector reaches another slice when timing::arrives says", "[timing]")
{
    for (const char* name : {"tiny", "small", "tsp-v1", "latency-variant"}) {
        INFO(name);
        const ChipSpec& spec = config_named(name);
        const uint64_t w =
            timing::arrives(timing::read_drives(spec.mem, 0), position(spec, "MEM_E0"), position(spec, "MEM_E3"));
        CHECK(run_error(spec, assemble(copy_program(w), "p.s", spec)) == "");
        CHECK(run_error(spec, assemble(copy_program(w - 1), "p.s", spec)).find("no value") != std::string::npos);
    }
}

namespace {

// MEM_E3 reads word 0 onto s1w in time for MEM_E0 to write it to word 5 at cycle c; MEM_E0 then
// reads word 5 at each cycle of `reads` (onto s2e, s3e, ...).
std::string write_then_reads(const ChipSpec& spec, uint64_t c, const std::vector<uint64_t>& reads)
{
    const unsigned e0 = position(spec, "MEM_E0"), e3 = position(spec, "MEM_E3");
    const uint64_t read3 = c - Floorplan::hops(e3, e0) - spec.mem.read_latency;
    std::ostringstream p;
    p << ".tensor a MEM_E0 0 8 i8\n.tensor src MEM_E3 0 1 i8\n.queue MEM_E3\n NOP " << read3 << "\n Read 0, s1w\n"
      << ".queue MEM_E0\n NOP " << c << "\n Write 5, s1w\n";
    uint64_t next = c + 1;
    for (size_t i = 0; i < reads.size(); ++i) {
        if (reads[i] > next)
            p << " NOP " << (reads[i] - next) << "\n";
        p << " Read 5, s" << (2 + i) << "e\n";
        next = reads[i] + 1;
    }
    return p.str();
}

}  // namespace

TEST_CASE("a Write is seen by Reads from timing::write_commits on, in the bank timing::bank_cycle says", "[timing]")
{
    for (const char* name : {"tiny", "latency-variant"}) {
        INFO(name);
        const ChipSpec& spec = config_named(name);
        const uint64_t c = 10, commit = timing::write_commits(spec.mem, c),
                       bank = timing::bank_cycle(spec.mem, c, true);
        CHECK(bank + 1 == commit);
        CHECK(timing::bank_cycle(spec.mem, c, false) == c);
        // Reads of the word before its bank cycle see the old value, from the commit the new one.
        std::vector<uint64_t> reads;
        if (bank > c + 1)
            reads.push_back(bank - 1);
        reads.push_back(commit);
        const Program prog = assemble(write_then_reads(spec, c, reads), "p.s", spec);
        Chip chip("", spec);
        chip.load_tensor(*prog.tensor("src"), std::vector<uint8_t>(spec.chip.lanes(), 1));
        chip.load_tensor(*prog.tensor("a"), std::vector<uint8_t>(8 * spec.chip.lanes(), 7));
        struct Seen : ChipObserver {  // the first lane of every value driven, by stream
            std::map<unsigned, uint8_t> by_stream;
            void begin(const QueueMap&, const Program&) override {}
            void on_issue(size_t, size_t, const Instr&, int64_t, uint64_t) override {}
            void on_release(size_t, uint64_t) override {}
            void on_stream_write(StreamId s, unsigned, uint64_t, const Vector& v) override
            {
                by_stream[s.index] = v[0];
            }
            void end(uint64_t) override {}
            void on_error(uint64_t, const std::string&) override {}
        } seen;
        chip.run(prog, {&seen});
        CHECK(seen.by_stream.at(static_cast<unsigned>(2 + reads.size() - 1)) == 1);
        if (reads.size() == 2)
            CHECK(seen.by_stream.at(2) == 7);
        // A read of the same bank in the write's bank cycle breaks the bank rule.
        if (bank > c)
            CHECK(run_error(write_then_reads(spec, c, {bank}), spec).find("must use different banks") !=
                  std::string::npos);
    }
    CHECK(config_named("latency-variant").mem.write_latency > 2);  // so the cases above all ran there
    CHECK(timing::banks_clash(tiny().mem, 0, 1));
    CHECK_FALSE(timing::banks_clash(tiny().mem, 0, tiny().mem.words_per_bank));
}

TEST_CASE("an ACC takes the product of the ABC timing::acc_for_abc says", "[timing]")
{
    const ChipSpec& spec = config_named("tiny");
    const uint64_t acc = timing::acc_for_abc(spec.mxm, 0);
    auto program = [](uint64_t acc_cycle) {
        std::ostringstream p;
        p << ".queue MXM_E0.a\n ABC i8, s0e\n.queue MXM_E0.c\n";
        if (acc_cycle > 0)
            p << " NOP " << acc_cycle << "\n";
        p << " ACC 0, set\n";
        return p.str();
    };
    // The ABC reads s0e at MXM_E0 in cycle 0: a Read from MEM_E0 in time.
    const unsigned e0 = position(spec, "MEM_E0"), mxm = position(spec, "MXM_E0.a");
    const uint64_t hops = Floorplan::hops(e0, mxm) + spec.mem.read_latency;
    auto with_read = [&](const std::string& body) {
        std::ostringstream p;
        p << ".queue MEM_E0\n Read 0, s0e\n" << body;
        return p.str();
    };
    // Shift the MXM side by `hops` cycles so the ABC finds its operand.
    auto shifted = [&](uint64_t acc_cycle) {
        std::string s = program(acc_cycle + hops);
        const std::string abc = ".queue MXM_E0.a\n ABC i8, s0e\n";
        return with_read(".queue MXM_E0.a\n NOP " + std::to_string(hops) + "\n ABC i8, s0e\n" + s.substr(abc.size()));
    };
    CHECK(run_error(shifted(acc), tiny()) == "");
    CHECK(run_error(shifted(acc + 1), tiny()).find("no product to take") != std::string::npos);
}
