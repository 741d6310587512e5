// The opcode table (models/isa/OpcodeTable.h) drives the assembler, the disassembler and the
// object file reader: every row's operands assemble, print back to the same text and survive an
// object file; every queue kind a row does not list refuses it; and object files holding what the
// assembler would never produce (a wrong queue kind, an operand out of range, a missing stream)
// are refused with a clear reason instead of being printed or run.
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"
#include "models/isa/OpcodeTable.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

// A queue of `kind` on tiny.
std::string queue_of(QueueKind kind)
{
    const QueueMap map(tiny());
    for (const QueueInfo& q : map.queues())
        if (q.kind == kind)
            return q.name;
    FAIL("no queue of kind " << queue_kind_name(kind));
    return "";
}

// The text of `row` with every operand at the top of its range (streams s0e, keywords the last).
std::string max_text(const OpcodeInfo& row, const IsaLimits& lim)
{
    std::ostringstream os;
    os << row.mnemonic;
    const char* sep = " ";
    for (const OperandSpec& o : row.operands) {
        os << sep;
        sep = ", ";
        switch (o.kind) {
        case OperandSpec::Kind::Int: os << o.range(lim).second; break;
        case OperandSpec::Kind::Address: os << "0x" << std::hex << o.range(lim).second << std::dec; break;
        case OperandSpec::Kind::Keyword: os << o.keywords.back(); break;
        case OperandSpec::Kind::Stream: os << "s0e"; break;
        }
    }
    return os.str();
}

const std::vector<QueueKind> kKinds = {QueueKind::MEM,   QueueKind::VXM,   QueueKind::SXM,
                                       QueueKind::MXM_W, QueueKind::MXM_A, QueueKind::MXM_C};

}  // namespace

TEST_CASE("every table row assembles, prints back and survives an object file", "[isa]")
{
    const IsaLimits lim = isa_limits(tiny());
    for (const OpcodeInfo& row : opcode_table()) {
        if (row.custom)
            continue;
        for (QueueKind kind : kKinds) {
            if (!(row.queues & queue_bit(kind)))
                continue;
            // A Repeat follows work: a Read on MEM, a NOP elsewhere is refused, so give each queue
            // kind an instruction that does work there.
            std::string before;
            if (row.op == Opcode::Repeat)
                before = kind == QueueKind::MEM ? " Read 0x0, s0e\n" : kind == QueueKind::MXM_W ? " IW\n" : "";
            if (row.op == Opcode::Repeat && before.empty())
                continue;
            const std::string text = max_text(row, lim);
            INFO(text << " on " << queue_of(kind));
            const std::string src = ".queue " + queue_of(kind) + "\n" + before + " " + text + "\n";
            const Program p = assemble(src, "p.s", tiny());
            const Instr& in = p.queues[static_cast<size_t>(QueueMap(tiny()).find(queue_of(kind)))].back();
            CHECK(in.op == row.op);
            CHECK(in.disasm() == text);
            CHECK(check_instr(in, kind, lim) == "");
            const Program back = decode_program(encode_program(p), "p.lpo", tiny());
            CHECK(disassemble(back, tiny()) == disassemble(p, tiny()));
        }
    }
}

TEST_CASE("a row refuses every queue kind it does not list", "[isa]")
{
    const IsaLimits lim = isa_limits(tiny());
    for (const OpcodeInfo& row : opcode_table()) {
        if (row.custom)
            continue;
        for (QueueKind kind : kKinds) {
            if (row.queues & queue_bit(kind))
                continue;
            const std::string q = queue_of(kind);
            const std::string text = max_text(row, lim);
            INFO(text << " on " << q);
            const std::string err = asm_error(".queue " + q + "\n " + text + "\n");
            if (kind == QueueKind::VXM || kind == QueueKind::SXM)
                CHECK(err.find("p.s:2:2: ") == 0);  // read as a VXM/SXM operation, which it is not
            else
                CHECK(err == "p.s:2:2: '" + std::string(row.mnemonic) + "' cannot run on queue " + q + " (a " +
                                 queue_kind_name(kind) + " queue)");
        }
    }
}

TEST_CASE("object files holding what the assembler never writes are refused", "[isa]")
{
    const Program ok = assemble(".queue MXM_W0.w\n LW 3, i8, s0e\n", "p.s", tiny());
    const size_t q = static_cast<size_t>(QueueMap(tiny()).find("MXM_W0.w"));
    auto decode_error = [&](const std::function<void(Program&)>& change) -> std::string {
        Program p = ok;
        change(p);
        try {
            decode_program(encode_program(p), "p.lpo", tiny());
        } catch (const InputError& e) {
            return e.what();
        }
        return "";
    };
    const std::string bad = "p.lpo: not a valid lpusim object file: queue MXM_W0.w, instruction 0: ";
    CHECK(decode_error([](Program&) {}) == "");
    // An operand type past u8/i8/f16 printed as u8 before the table checked it: a silent change.
    CHECK(decode_error([&](Program& p) {
              p.queues[q][0].b = 7;
          }).find(bad + "LW type i8, u8 or f16 7 out of range [0, 2]") == 0);
    CHECK(decode_error([&](Program& p) {
              p.queues[q][0].a = 16;
          }).find(bad + "LW weight row 16 out of range [0, 15]") == 0);
    CHECK(decode_error([&](Program& p) {
              p.queues[q][0].op = Opcode::Read;
          }).find(bad + "Read cannot run on a MXM weights (LW, IW) queue") == 0);
    CHECK(decode_error([&](Program& p) { p.queues[q][0].streams.clear(); }).find(bad + "LW with 0 streams") == 0);
    CHECK(decode_error([&](Program& p) {
              p.queues[q][0].streams[0].index = 40;
          }).find(bad + "LW stream s40e does not exist") == 0);
    // An f16 operand spans two streams: the last stream cannot start one.
    CHECK(decode_error([&](Program& p) {
              p.queues[q][0].b = 2;
              p.queues[q][0].streams[0].index = 31;
          }).find(bad + "LW stream s31e (spanning 2) does not exist") == 0);
    // What the assembler would have read differently from the instruction's text: an operand the
    // instruction has none of (the disassembly leaves it out).
    CHECK(decode_error([&](Program& p) {
              Instr iw;
              iw.op = Opcode::IW;
              iw.a = 5;
              p.queues[q].push_back(iw);
          }) == "p.lpo: invalid program: p.lpo (disassembled):3:5: 'IW' has no operand a, yet holds 5");
    CHECK(decode_error([&](Program& p) { p.queues[q][0].c = 1; }) ==
          "p.lpo: invalid program: p.lpo (disassembled):2:5: 'LW 3, i8, s0e' holds a field its text does not show "
          "(the assembler reads the text as another instruction)");
}

TEST_CASE("decoded instructions keep the assembler's rules and name their disassembly's lines", "[isa]")
{
    // Directives first (their lines count), then two queues; a VXM operation, a Repeat after work.
    const std::string text = ".tensor t MEM_E0 0 2 i8\n.data t 1 0x1 0x2*3\n.queue MEM_E0\n Read 0x0, s0e\n"
                             " Repeat 3, 2, 1\n NOP 4\n.queue VXM.1\n add i32, s0e, s4e, s8w\n";
    const Program p = assemble(text, "p.s", tiny());
    const Program back = decode_program(encode_program(p), "p.lpo", tiny());
    const std::string dis = disassemble(back, tiny());
    CHECK(dis == disassemble(p, tiny()));
    // Every instruction names its line of the disassembly, after the indent.
    std::vector<std::string> lines;
    for (size_t at = 0; at < dis.size();) {
        const size_t eol = dis.find('\n', at);
        lines.push_back(dis.substr(at, eol - at));
        at = eol + 1;
    }
    size_t seen = 0;
    for (const std::vector<Instr>& list : back.queues)
        for (const Instr& in : list) {
            INFO(in.disasm());
            REQUIRE(in.pos.file.name() == "p.lpo (disassembled)");
            REQUIRE(in.pos.col == 5);
            REQUIRE(in.pos.line >= 1);
            CHECK(lines.at(static_cast<size_t>(in.pos.line - 1)) == "    " + in.disasm());
            ++seen;
        }
    CHECK(seen == 4);
    // The ICU's sequence rules (check_sequence, the assembler's own): a Repeat with nothing
    // before it, and after a MEM access Iterations already repeats.
    const size_t mem = static_cast<size_t>(QueueMap(tiny()).find("MEM_E0"));
    Program first = p;
    first.queues[mem].erase(first.queues[mem].begin());
    const std::string why = "Repeat must follow an instruction that does work";
    CHECK_THROWS_WITH(decode_program(encode_program(first), "p.lpo", tiny()),
                      Catch::StartsWith("p.lpo: invalid program: p.lpo (disassembled):4:5: " + why));
    const Program iter = assemble(".queue MEM_E0\n Iterations 2\n Read 0x0, s0e\n NOP 1\n", "p.s", tiny());
    Program repeated = iter;
    repeated.queues[mem][2] = p.queues[mem][1];  // the Repeat
    CHECK_THROWS_WITH(decode_program(encode_program(repeated), "p.lpo", tiny()),
                      "p.lpo: invalid program: p.lpo (disassembled):4:5: Repeat cannot follow a MEM access while "
                      "Iterations is 2 (the access already repeats; set Iterations 1 first)");
    // A VXM operation the assembler refuses: an ALU chained to itself.
    const size_t vxm = static_cast<size_t>(QueueMap(tiny()).find("VXM.1"));
    Program self = p;
    self.queues[vxm][0].chain_src[0] = 1;
    self.queues[vxm][0].streams.erase(self.queues[vxm][0].streams.begin());
    CHECK_THROWS_WITH(decode_program(encode_program(self), "p.lpo", tiny()),
                      Catch::StartsWith("p.lpo: invalid program: p.lpo (disassembled):8:") &&
                          Catch::Contains("ALU 1 cannot chain to itself"));
}

TEST_CASE("a queue's sequence: Repeat after work, and at most 2^23 instructions", "[isa]")
{
    const QueueMap map(tiny());
    const QueueInfo& mem = map.queues()[static_cast<size_t>(map.find("MEM_E0"))];
    Instr read, repeat, nop, iterations;
    read.op = Opcode::Read;
    repeat.op = Opcode::Repeat;
    repeat.a = 2;
    repeat.b = 1;
    nop.op = Opcode::Nop;
    nop.a = 1;
    iterations.op = Opcode::Iterations;
    iterations.a = 3;
    int64_t it = 1;
    CHECK(check_sequence(repeat, &read, 1, mem, it) == "");
    CHECK(check_sequence(repeat, nullptr, 0, mem, it).find("Repeat must follow an instruction that does work") == 0);
    CHECK(check_sequence(repeat, &nop, 1, mem, it).find("Repeat must follow an instruction that does work") == 0);
    CHECK(check_sequence(iterations, &read, 1, mem, it) == "");
    CHECK(it == 3);
    CHECK(
        check_sequence(repeat, &read, 2, mem, it) ==
        "Repeat cannot follow a MEM access while Iterations is 3 (the access already repeats; set Iterations 1 first)");
    // The chip's instruction index has 23 bits (models/icu/IcuQueue.h).
    it = 1;
    CHECK(check_sequence(read, &read, (size_t{1} << 23) - 1, mem, it) == "");
    CHECK(check_sequence(read, &read, size_t{1} << 23, mem, it) ==
          "queue MEM_E0 holds more than 8,388,608 instructions (use Repeat)");
}
