#include "Instr.h"

#include "models/isa/OpcodeTable.h"

#include <charconv>
#include <string>

namespace lpu {

const char* opcode_name(Opcode op) { return opcode_info(op).mnemonic; }

bool is_counted_issue(Opcode op) { return opcode_info(op).counted; }

bool Instr::offset_applies() const { return opcode_info(op).stepped; }

namespace {

int64_t field_of(const Instr& in, char field) { return field == 'a' ? in.a : field == 'b' ? in.b : in.c; }

// Text is built by appending (no stream per instruction: the compiler prints every instruction it
// books, and an ostringstream's construction cost more than the text).
void append_int(std::string& out, int64_t v)
{
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

// "0x1f", or "-0x4" in a report of a repetition that stepped off the slice.
void append_address(std::string& out, int64_t a)
{
    // The magnitude in unsigned arithmetic: -a overflows for INT64_MIN (an object file can hold it).
    const uint64_t mag = a < 0 ? uint64_t{0} - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, mag, 16);
    out += a < 0 ? "-0x" : "0x";
    out.append(buf, res.ptr);
}

void append_stream(std::string& out, const StreamId& s)
{
    out += 's';
    append_int(out, s.index);
    out += s.dir == StreamDir::East ? 'e' : 'w';
}

// VXM: the ALU operation, its operands from streams or chained ALUs, then the destination.
std::string vxm_text(const Instr& in)
{
    std::string out = in.alu.disasm();
    size_t next = 0;
    for (unsigned i = 0; i < in.alu.operands(); ++i) {
        out += ", ";
        if (in.chain_src[i] >= 0) {
            out += "alu";
            append_int(out, in.chain_src[i]);
        } else {
            append_stream(out, in.streams.at(next++));
        }
    }
    out += ", ";
    if (in.chain_out)
        out += "chain";
    else
        append_stream(out, in.streams.at(next));
    return out;
}

}  // namespace

std::string Instr::disasm() const
{
    const OpcodeInfo& row = opcode_info(op);
    if (op == Opcode::Vxm)
        return vxm_text(*this);
    if (op == Opcode::Sxm) {
        std::string out = sxm.disasm();
        for (const auto& s : streams) {
            out += ", ";
            append_stream(out, s);
        }
        return out;
    }
    std::string out = row.mnemonic;
    size_t next_stream = 0;
    const char* sep = " ";
    for (const OperandSpec& o : row.operands) {
        const int64_t v = o.kind == OperandSpec::Kind::Stream ? 0 : field_of(*this, o.field);
        if (o.optional && v == 0)
            break;
        out += sep;
        sep = ", ";
        switch (o.kind) {
        case OperandSpec::Kind::Int: append_int(out, v); break;
        case OperandSpec::Kind::Address: append_address(out, v); break;
        case OperandSpec::Kind::Keyword: out += o.keywords.at(static_cast<size_t>(v)); break;
        case OperandSpec::Kind::Stream: append_stream(out, streams.at(next_stream++)); break;
        }
    }
    return out;
}

}  // namespace lpu
