#include "OpcodeTable.h"

#include "models/common/AsciiText.h"

#include "models/spec/ChipSpec.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_map>

namespace lpu {

namespace {

using Kind = OperandSpec::Kind;
using Bound = OperandSpec::Bound;
using Span = OperandSpec::Span;
using Q = QueueKind;

constexpr int64_t k2to20 = int64_t{1} << 20;

OperandSpec integer(char field, const char* what, int64_t lo, int64_t hi)
{
    OperandSpec o;
    o.field = field;
    o.what = what;
    o.lo = lo;
    o.hi = hi;
    return o;
}

OperandSpec bounded(Kind kind, char field, const char* what, Bound bound)
{
    OperandSpec o = integer(field, what, 0, 0);
    o.kind = kind;
    o.bound = bound;
    return o;
}

OperandSpec keyword(char field, const char* what, std::vector<const char*> words)
{
    OperandSpec o = integer(field, what, 0, static_cast<int64_t>(words.size()) - 1);
    o.kind = Kind::Keyword;
    o.keywords = std::move(words);
    return o;
}

OperandSpec stream(Span span = Span::One)
{
    OperandSpec o;
    o.kind = Kind::Stream;
    o.what = "stream (e.g. s3e)";
    o.span = span;
    return o;
}

OperandSpec optional(OperandSpec o)
{
    o.optional = true;
    return o;
}

// An MXM operand type, Instr::b of LW and ABC: 0 u8, 1 i8, 2 f16.
OperandSpec mxm_type() { return keyword('b', "type i8, u8 or f16", {"u8", "i8", "f16"}); }

std::vector<OpcodeInfo> make_table()
{
    const uint8_t mem = queue_bit(Q::MEM);
    // Rows in Opcode order. Columns: opcode, mnemonic, queues, operands, icu, counted, stepped.
    std::vector<OpcodeInfo> t = {
        {Opcode::Nop, "NOP", kAnyQueue, {integer('a', "cycle count", 1, int64_t{1} << 40)}, true, false, false},
        {Opcode::Repeat,
         "Repeat",
         kAnyQueue,
         {integer('a', "repeat count", 1, int64_t{1} << 32), integer('b', "spacing in cycles", 1, k2to20),
          optional(integer('c', "step", -k2to20, k2to20))},
         true,
         true,
         false},
        {Opcode::Sync, "Sync", kAnyQueue, {}, true, false, false},
        {Opcode::Notify, "Notify", kAnyQueue, {}, true, false, false},
        {Opcode::Read,
         "Read",
         mem,
         {bounded(Kind::Address, 'a', "word address", Bound::MemWord), stream()},
         false,
         true,
         true},
        {Opcode::Write,
         "Write",
         mem,
         {bounded(Kind::Address, 'a', "word address", Bound::MemWord), stream()},
         false,
         true,
         true},
        {Opcode::Gather, "Gather", mem, {stream(), stream()}, false, true, false},
        {Opcode::Scatter, "Scatter", mem, {stream(), stream()}, false, true, false},
        {Opcode::LW,
         "LW",
         queue_bit(Q::MXM_W),
         {bounded(Kind::Int, 'a', "weight row", Bound::MxmRow), mxm_type(), stream(Span::MxmType)},
         false,
         true,
         true},
        {Opcode::IW, "IW", queue_bit(Q::MXM_W), {}, false, true, false},
        {Opcode::ABC, "ABC", queue_bit(Q::MXM_A), {mxm_type(), stream(Span::MxmType)}, false, true, false},
        {Opcode::ACC,
         "ACC",
         queue_bit(Q::MXM_C),
         {bounded(Kind::Int, 'a', "accumulator slot", Bound::AccSlot), keyword('b', "set or add", {"set", "add"}),
          optional(keyword('c', "emit", {"", "emit"})), stream(Span::Int32)},
         false,
         true,
         false},
        {Opcode::Vxm, "VXM", queue_bit(Q::VXM), {}, false, true, false, true},
        {Opcode::Sxm, "SXM", queue_bit(Q::SXM), {}, false, true, false, true},
        {Opcode::Ifetch, "Ifetch", kAnyQueue, {integer('a', "vector count", 1, 4096), stream()}, true, true, false},
        {Opcode::Config,
         "Config",
         kAnyQueue,
         {keyword('a', "power mode low_power or normal", {"normal", "low_power"})},
         true,
         true,
         false},
        {Opcode::Countdown,
         "Countdown",
         mem,
         {integer('a', "cycles between iterations", 1, k2to20)},
         true,
         true,
         false},
        {Opcode::Step, "Step", mem, {bounded(Kind::Int, 'a', "address step", Bound::MemStep)}, true, true, false},
        {Opcode::Iterations, "Iterations", mem, {integer('a', "iteration count", 1, k2to20)}, true, true, false},
        {Opcode::Send, "Send", queue_bit(Q::C2C), {stream()}, false, true, false},
        {Opcode::Receive, "Receive", queue_bit(Q::C2C), {stream()}, false, true, false},
        {Opcode::Deskew, "Deskew", kAnyQueue, {}, true, false, false},
        {Opcode::RuntimeDeskew,
         "RuntimeDeskew",
         kAnyQueue,
         {integer('a', "nominal cycles", 1, k2to20)},
         true,
         false,
         false},
    };
    for (size_t i = 0; i < t.size(); ++i)
        if (static_cast<size_t>(t[i].op) != i)
            throw std::logic_error("opcode table out of Opcode order at " + std::string(t[i].mnemonic));
    if (t.size() != size_t{kLastOpcode} + 1)
        throw std::logic_error("opcode table misses an opcode");
    return t;
}

int64_t field_of(const Instr& in, char field) { return field == 'a' ? in.a : field == 'b' ? in.b : in.c; }

// Consecutive streams the operand spans in `in`.
unsigned span_of(const OperandSpec& o, const Instr& in)
{
    switch (o.span) {
    case Span::One: return 1;
    case Span::MxmType: return in.b == 2 ? 2 : 1;
    case Span::Int32: return 4;
    }
    return 1;
}

}  // namespace

IsaLimits isa_limits(const ChipSpec& spec)
{
    IsaLimits l;
    l.mem_words = spec.mem.words_per_slice();
    l.mxm_rows = spec.mxm.rows;
    l.acc_slots = spec.mxm.acc_slots;
    l.east_streams = spec.stream.east;
    l.west_streams = spec.stream.west;
    l.vxm_alus = spec.icu.vxm_queues;
    l.lanes = spec.chip.lanes();
    l.lanes_per_superlane = spec.chip.lanes_per_superlane;
    return l;
}

std::pair<int64_t, int64_t> OperandSpec::range(const IsaLimits& lim) const
{
    switch (bound) {
    case Bound::Fixed: return {lo, hi};
    case Bound::MemWord: return {0, lim.mem_words - 1};
    case Bound::MemStep: return {-(lim.mem_words - 1), lim.mem_words - 1};
    case Bound::MxmRow: return {0, lim.mxm_rows - 1};
    case Bound::AccSlot: return {0, lim.acc_slots - 1};
    }
    return {lo, hi};
}

const std::vector<OpcodeInfo>& opcode_table()
{
    static const std::vector<OpcodeInfo> table = make_table();
    return table;
}

const OpcodeInfo& opcode_info(Opcode op) { return opcode_table().at(static_cast<size_t>(op)); }

const OpcodeInfo* find_mnemonic(const std::string& word)
{
    // Built once: the assembler looks up every instruction it reads.
    static const std::unordered_map<std::string, const OpcodeInfo*> by_name = [&] {
        std::unordered_map<std::string, const OpcodeInfo*> m;
        for (const OpcodeInfo& row : opcode_table())
            if (!row.custom)
                m.emplace(lower_ascii(row.mnemonic), &row);
        return m;
    }();
    const auto it = by_name.find(lower_ascii(word));
    return it == by_name.end() ? nullptr : it->second;
}

std::string check_instr(const Instr& in, QueueKind queue, const IsaLimits& lim)
{
    const OpcodeInfo& row = opcode_info(in.op);
    const std::string name = row.mnemonic;
    if (!(row.queues & queue_bit(queue)))
        return name + " cannot run on a " + queue_kind_name(queue) + " queue";
    size_t streams = 0;
    bool tail_absent = false;
    for (const OperandSpec& o : row.operands) {
        if (o.optional && field_of(in, o.field) == 0)
            tail_absent = true;
        if (tail_absent)
            continue;
        if (o.kind == Kind::Stream) {
            if (streams >= in.streams.size())
                break;  // counted below
            const StreamId s = in.streams[streams++];
            const unsigned width = span_of(o, in);
            if (s.index + width > lim.streams(s.dir))
                return name + " stream " + s.text() + (width > 1 ? " (spanning " + std::to_string(width) + ")" : "") +
                       " does not exist";
            continue;
        }
        const auto [lo, hi] = o.range(lim);
        const int64_t v = field_of(in, o.field);
        if (v < lo || v > hi || (o.kind == Kind::Keyword && *o.keywords[static_cast<size_t>(v)] == '\0'))
            return name + " " + o.what + " " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]";
    }
    if (row.custom) {
        for (const StreamId& s : in.streams)
            if (s.index >= lim.streams(s.dir))
                return name + " stream " + s.text() + " does not exist";
        return "";
    }
    size_t expected = 0;
    for (const OperandSpec& o : row.operands) {
        if (o.optional && field_of(in, o.field) == 0)
            break;
        expected += o.kind == Kind::Stream ? 1 : 0;
    }
    if (in.streams.size() != expected)
        return name + " with " + std::to_string(in.streams.size()) + " streams";
    return "";
}

std::string check_sequence(const Instr& in, const Instr* prev, size_t index, const QueueInfo& queue,
                           int64_t& iterations)
{
    if (in.op == Opcode::Iterations)
        iterations = in.a;
    if (in.op == Opcode::Repeat && (!prev || opcode_info(prev->op).icu))
        return "Repeat must follow an instruction that does work (not NOP, Sync, Notify, Repeat, Ifetch, Config, "
               "Countdown, Step or Iterations)";
    if (in.op == Opcode::Repeat && queue.kind == QueueKind::MEM && iterations > 1)
        return "Repeat cannot follow a MEM access while Iterations is " + std::to_string(iterations) +
               " (the access already repeats; set Iterations 1 first)";
    // The chip names an executed instruction by its index in 23 bits (models/icu/IcuQueue.h).
    if (index >= (size_t{1} << 23))
        return "queue " + queue.name + " holds more than 8,388,608 instructions (use Repeat)";
    return "";
}

}  // namespace lpu
