#include "ObjectFile.h"

#include "models/isa/OpcodeTable.h"

#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/isa/InstrForms.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/QueueMap.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace lpu {

namespace {

// Version 3: VXM chaining operands, instruction blocks and the ICU/MEM control instructions.
// Version 4: tensors' .data rows.
const char kMagic[8] = {'L', 'P', 'U', 'O', 'B', 'J', '4', '\n'};

class Writer {
public:
    template <typename T> void put(T v)
    {
        for (size_t i = 0; i < sizeof(T); ++i)
            out += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
    }
    void str(const std::string& s)
    {
        put<uint32_t>(static_cast<uint32_t>(s.size()));
        out += s;
    }
    std::string out;
};

class Reader {
public:
    Reader(const std::string& bytes, const std::string& name) : b_(bytes), name_(name) {}

    template <typename T> T get(const char* what)
    {
        if (pos_ + sizeof(T) > b_.size())
            fail(std::string("truncated (reading ") + what + ")");
        uint64_t v = 0;
        for (size_t i = 0; i < sizeof(T); ++i)
            v |= uint64_t(static_cast<uint8_t>(b_[pos_ + i])) << (8 * i);
        pos_ += sizeof(T);
        return static_cast<T>(v);
    }
    std::string str(const char* what)
    {
        const uint32_t n = get<uint32_t>(what);
        if (n > b_.size() - pos_)
            fail(std::string("truncated (reading ") + what + ")");
        std::string s = b_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    // A name the disassembly writes as one assembler token (is_program_name). Anything else would
    // be read back as other tokens, or as other lines, when the decoded program is checked by
    // assembling its disassembly.
    std::string name(const char* what)
    {
        const size_t at = pos_;
        std::string s = str(what);
        if (!is_program_name(s)) {
            pos_ = at;
            fail(std::string(what) + " " + quote_token(s) + " is not one word of printable characters");
        }
        return s;
    }
    bool at_end() const { return pos_ == b_.size(); }
    size_t left() const { return b_.size() - pos_; }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError(name_ + ": not a valid lpusim object file: " + why + " at byte " + std::to_string(pos_));
    }

private:
    const std::string& b_;
    std::string name_;
    size_t pos_ = sizeof(kMagic);
};

}  // namespace

bool is_object_file(const std::string& bytes)
{
    // "LPUOBJ" of any version: an old or future version is an object file too, and gets a
    // version error rather than being parsed as assembly.
    return bytes.size() >= 6 && std::memcmp(bytes.data(), kMagic, 6) == 0;
}

std::string encode_program(const Program& program)
{
    Writer w;
    w.out.assign(kMagic, sizeof(kMagic));
    w.put<uint32_t>(static_cast<uint32_t>(program.tensors.size()));
    for (const auto& t : program.tensors) {
        w.str(t.name);
        w.str(t.slice_name);
        w.put<uint32_t>(t.addr);
        w.put<uint32_t>(t.rows);
        w.put<uint8_t>(static_cast<uint8_t>(t.type));
        w.put<uint8_t>(t.filled ? 1 : 0);
        w.put<uint32_t>(t.fill);
        w.put<uint32_t>(static_cast<uint32_t>(t.data.size()));
        for (const auto& [row, values] : t.data) {
            w.put<uint32_t>(row);
            w.put<uint32_t>(static_cast<uint32_t>(values.size()));
            for (uint32_t v : values)
                w.put<uint32_t>(v);
        }
    }
    w.put<uint32_t>(static_cast<uint32_t>(program.queues.size()));
    for (const auto& q : program.queues) {
        w.put<uint32_t>(static_cast<uint32_t>(q.size()));
        for (const auto& in : q) {
            w.put<uint8_t>(static_cast<uint8_t>(in.op));
            w.put<int64_t>(in.a);
            w.put<int64_t>(in.b);
            w.put<int64_t>(in.c);
            w.put<uint8_t>(static_cast<uint8_t>(in.streams.size()));
            for (const auto& s : in.streams) {
                w.put<uint8_t>(static_cast<uint8_t>(s.dir));
                w.put<uint16_t>(static_cast<uint16_t>(s.index));
            }
            if (in.op == Opcode::Vxm) {  // the ALU operation in its text form, parsed back on load
                w.str(in.alu.disasm());
                w.put<int8_t>(in.chain_src[0]);
                w.put<int8_t>(in.chain_src[1]);
                w.put<uint8_t>(in.chain_out ? 1 : 0);
            }
            if (in.op == Opcode::Sxm)
                w.str(in.sxm.disasm());
        }
    }
    w.put<uint32_t>(static_cast<uint32_t>(program.matrices.size()));
    for (const auto& m : program.matrices) {
        w.str(m.name);
        w.put<uint32_t>(m.rows);
        w.put<uint32_t>(m.cols);
        w.put<uint8_t>(static_cast<uint8_t>(m.type));
    }
    w.put<uint32_t>(static_cast<uint32_t>(program.blocks.size()));
    for (const auto& b : program.blocks) {
        w.str(b.name);
        w.str(b.queue);
        w.str(b.slice_name);
        w.put<uint32_t>(b.addr);
        w.str(b.text);
    }
    return w.out;
}

namespace {

TensorDecl read_tensor(Reader& r, unsigned lanes)
{
    TensorDecl t;
    t.name = r.name("tensor name");
    t.slice_name = r.name("tensor slice");
    t.addr = r.get<uint32_t>("tensor address");
    t.rows = r.get<uint32_t>("tensor rows");
    const auto type = r.get<uint8_t>("tensor type");
    // Types are only ever appended (f16, f32 came after version 2 was fixed), so older files
    // read unchanged; a type beyond ours comes from a newer build.
    if (type > static_cast<uint8_t>(TensorType::F32))
        r.fail("unknown tensor type " + std::to_string(type) + " (written by a newer lpusim? assemble it again)");
    t.type = static_cast<TensorType>(type);
    t.filled = r.get<uint8_t>("tensor fill flag") != 0;
    t.fill = r.get<uint32_t>("tensor fill");
    // Counts are checked before anything is read by them, so a damaged count is an error,
    // not a huge allocation; values and repeated rows are checked by assembling (below).
    const uint32_t data_rows = r.get<uint32_t>("tensor data row count");
    if (data_rows > t.rows)
        r.fail("tensor " + quote_token(t.name) + " has " + std::to_string(data_rows) + " data rows, more than its " +
               std::to_string(t.rows) + " rows");
    for (uint32_t d = 0; d < data_rows; ++d) {
        const uint32_t row = r.get<uint32_t>("tensor data row");
        if (row >= t.rows)
            r.fail("data row " + std::to_string(row) + " of tensor " + quote_token(t.name) + " is past its " +
                   std::to_string(t.rows) + " rows");
        const uint32_t count = r.get<uint32_t>("tensor data element count");
        if (count > lanes)
            r.fail("data row " + std::to_string(row) + " of tensor " + quote_token(t.name) + " has " +
                   std::to_string(count) + " elements, more than the config's " + std::to_string(lanes) + " lanes");
        std::vector<uint32_t> values(count);
        for (auto& v : values)
            v = r.get<uint32_t>("tensor data element");
        t.data.emplace_back(row, std::move(values));
    }
    return t;
}

// The VXM operation and its chaining, or the SXM operation, of an instruction read so far.
// VXM and SXM operations as parsed from their text, by text: a program repeats a few of them.
struct ParsedOps {
    std::unordered_map<std::string, VxmAluOp> vxm;
    std::unordered_map<std::string, SxmOp> sxm;
};

// The operation a text names, parsed once (parse: throws InputError).
template <class Op, class Parse> Op parsed(std::unordered_map<std::string, Op>& known, std::string text, Parse parse)
{
    const auto it = known.find(text);
    if (it != known.end())
        return it->second;
    Op op = parse(text);
    known.emplace(std::move(text), op);
    return op;
}

void read_operation(Reader& r, Instr& in, ParsedOps& ops)
{
    if (in.op == Opcode::Sxm) {
        try {
            in.sxm = parsed(ops.sxm, r.str("SXM operation"), parse_sxm_op);
        } catch (const InputError& e) {
            r.fail(e.what());
        }
        return;
    }
    if (in.op != Opcode::Vxm)
        return;
    try {
        in.alu = parsed(ops.vxm, r.str("VXM operation"), parse_vxm_alu_op);
    } catch (const InputError& e) {
        r.fail(e.what());
    }
    in.chain_src[0] = r.get<int8_t>("chained ALU");
    in.chain_src[1] = r.get<int8_t>("chained ALU");
    in.chain_out = r.get<uint8_t>("chain flag") != 0;
    unsigned chained = in.chain_out ? 1 : 0;
    for (unsigned k = 0; k < in.alu.operands(); ++k)
        chained += in.chain_src[k] >= 0 ? 1 : 0;
    if (in.streams.size() + chained != in.alu.operands() + 1u)
        r.fail("VXM operation with " + std::to_string(in.streams.size()) + " streams");
}

// Opcode, three operands and a stream count: the least an instruction takes in the file.
constexpr size_t kMinInstrBytes = 1 + 3 * 8 + 1;

Instr read_instr(Reader& r, ParsedOps& ops)
{
    Instr in;
    const auto op = r.get<uint8_t>("opcode");
    if (op > kLastOpcode)
        r.fail("unknown opcode " + std::to_string(op));
    in.op = static_cast<Opcode>(op);
    in.a = r.get<int64_t>("operand");
    in.b = r.get<int64_t>("operand");
    in.c = r.get<int64_t>("operand");
    const auto ns = r.get<uint8_t>("stream count");
    if (ns > 4)
        r.fail("too many streams");
    for (unsigned k = 0; k < ns; ++k) {
        StreamId s;
        const auto dir = r.get<uint8_t>("stream direction");
        if (dir > 1)
            r.fail("bad stream direction");
        s.dir = static_cast<StreamDir>(dir);
        s.index = r.get<uint16_t>("stream index");
        in.streams.push_back(s);
    }
    read_operation(r, in, ops);
    return in;
}

void read_queues(Reader& r, const ChipSpec& spec, Program& p)
{
    const uint32_t queues = r.get<uint32_t>("queue count");
    const QueueMap map(spec);
    // The C2C queues come last (QueueMap): a file assembled before chips had them holds every
    // other queue, in the same order, and its program leaves the links idle.
    const size_t without_c2c = map.queues().size() - spec.c2c.links;
    if (queues != map.queues().size() && queues != without_c2c)
        r.fail("it has " + std::to_string(queues) + " queues, this config has " + std::to_string(map.queues().size()) +
               " (assembled for another config?)");
    p.queues.resize(map.queues().size());
    const IsaLimits limits = isa_limits(spec);
    ParsedOps ops;
    for (size_t qi = 0; qi < queues; ++qi) {
        const uint32_t count = r.get<uint32_t>("instruction count");
        // Room for what the file can hold, not for what a damaged count claims.
        p.queues[qi].reserve(std::min<size_t>(count, r.left() / kMinInstrBytes));
        for (uint32_t i = 0; i < count; ++i) {
            Instr in = read_instr(r, ops);
            // The opcode table's rules: the queue kind, operand ranges, streams that exist.
            const std::string bad = check_instr(in, map.queues()[qi].kind, limits);
            if (!bad.empty())
                r.fail("queue " + map.queues()[qi].name + ", instruction " + std::to_string(i) + ": " + bad);
            p.queues[qi].push_back(std::move(in));
        }
    }
}

void read_matrices_and_blocks(Reader& r, Program& p)
{
    const uint32_t matrices = r.get<uint32_t>("matrix count");
    for (uint32_t i = 0; i < matrices; ++i) {
        MatrixDecl m;
        m.name = r.name("matrix name");
        m.rows = r.get<uint32_t>("matrix rows");
        m.cols = r.get<uint32_t>("matrix columns");
        const auto type = r.get<uint8_t>("matrix type");
        if (type > static_cast<uint8_t>(TensorType::F32))
            r.fail("unknown matrix type " + std::to_string(type));
        m.type = static_cast<TensorType>(type);
        p.matrices.push_back(std::move(m));
    }
    const uint32_t blocks = r.get<uint32_t>("block count");
    for (uint32_t i = 0; i < blocks; ++i) {
        InstrBlock b;
        b.name = r.name("block name");
        b.queue = r.name("block queue");
        b.slice_name = r.name("block slice");
        b.addr = r.get<uint32_t>("block address");
        b.text = r.str("block text");
        p.blocks.push_back(std::move(b));
    }
}

bool has_operand_a(Opcode op)
{
    const std::vector<OperandSpec>& ops = opcode_info(op).operands;
    return std::any_of(ops.begin(), ops.end(),
                       [](const OperandSpec& o) { return o.kind != OperandSpec::Kind::Stream && o.field == 'a'; });
}

// The assembler's rules for the decoded instructions, which follow `line` lines of directives in
// the disassembly: the opcode table's (read_queues), the queue's sequence (check_sequence), and
// everything the assembler reads from an instruction's text, checked by reading each distinct
// instruction (InstrForms: all but operand a, which the table's range covers) back from its
// text once. A 1.8 M-instruction program has a few thousand.
void check_instructions(Program& p, const ChipSpec& spec, const std::string& name, int line)
{
    const QueueMap map(spec);
    const SourceFile file(name + " (disassembled)");
    InstrForms forms;
    for (size_t q = 0; q < p.queues.size(); ++q) {
        std::vector<Instr>& list = p.queues[q];
        if (list.empty())
            continue;
        ++line;  // .queue
        const QueueInfo& info = map.queues()[q];
        int64_t iterations = 1;
        uint32_t form = InstrForms::kNone;
        for (size_t i = 0; i < list.size(); ++i) {
            Instr& in = list[i];
            in.pos = SourcePos{file, ++line, 5};  // after the indent
            const auto fail = [&](const std::string& why) {
                throw InputError(name + ": invalid program: " + in.pos.text() + ": " + why);
            };
            if (in.a != 0 && !has_operand_a(in.op))
                fail(std::string("'") + opcode_name(in.op) + "' has no operand a, yet holds " + std::to_string(in.a));
            const size_t known = forms.size();
            form = forms.intern(in, static_cast<int>(q), form);
            if (forms.size() > known) {  // the first of its form
                Instr back;
                try {
                    back = assemble_instruction("    " + in.disasm(), file.name(), line, spec, info.name);
                } catch (const InputError& e) {
                    throw InputError(name + ": invalid program: " + e.what());
                }
                if (forms.intern(back, static_cast<int>(q), form) != form || back.a != in.a)
                    fail("'" + in.disasm() +
                         "' holds a field its text does not show (the assembler reads the "
                         "text as another instruction)");
            }
            const std::string bad = check_sequence(in, i ? &list[i - 1] : nullptr, i, info, iterations);
            if (!bad.empty())
                fail(bad);
        }
    }
}

}  // namespace

Program decode_program(const std::string& bytes, const std::string& name, const ChipSpec& spec)
{
    if (!is_object_file(bytes))
        throw InputError(name + ": not a valid lpusim object file: bad magic");
    if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
        throw InputError(name + ": object file version " + quote_token(bytes.substr(6, 1)) + " is not this build's ('" +
                         std::string(1, kMagic[6]) + "'): assemble it again");
    Reader r(bytes, name);
    Program p;
    const uint32_t tensors = r.get<uint32_t>("tensor count");
    for (uint32_t i = 0; i < tensors; ++i)
        p.tensors.push_back(read_tensor(r, spec.mem.word_bytes()));
    read_queues(r, spec, p);
    read_matrices_and_blocks(r, p);
    if (!r.at_end())
        r.fail("trailing bytes after the last block");
    // Every rule the assembler enforces holds for the decoded program too. The tensors, matrices
    // and blocks are checked by assembling their disassembly (a few lines), the instructions
    // without text (check_instructions); each names its line in the program's disassembly.
    std::vector<std::vector<Instr>> queues = std::move(p.queues);
    p.queues.assign(queues.size(), {});
    const std::string head = disassemble(p, spec);
    Program checked;
    try {
        checked = assemble(head, name + " (disassembled)", spec);
    } catch (const InputError& e) {
        throw InputError(name + ": invalid program: " + e.what());
    }
    checked.queues = std::move(queues);
    check_instructions(checked, spec, name, static_cast<int>(std::count(head.begin(), head.end(), '\n')));
    return checked;
}

}  // namespace lpu
