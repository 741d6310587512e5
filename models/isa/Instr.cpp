#include "Instr.h"

#include "models/isa/OpcodeTable.h"

#include <sstream>

namespace lpu {

const char* opcode_name(Opcode op) { return opcode_info(op).mnemonic; }

bool is_counted_issue(Opcode op) { return opcode_info(op).counted; }

bool Instr::offset_applies() const { return opcode_info(op).stepped; }

namespace {

int64_t field_of(const Instr& in, char field) { return field == 'a' ? in.a : field == 'b' ? in.b : in.c; }

// "0x1f", or "-0x4" in a report of a repetition that stepped off the slice.
std::string address_text(int64_t a)
{
    // The magnitude in unsigned arithmetic: -a overflows for INT64_MIN (an object file can hold it).
    const uint64_t mag = a < 0 ? uint64_t{0} - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
    std::ostringstream os;
    os << (a < 0 ? "-0x" : "0x") << std::hex << mag;
    return os.str();
}

// VXM: the ALU operation, its operands from streams or chained ALUs, then the destination.
std::string vxm_text(const Instr& in)
{
    std::ostringstream os;
    os << in.alu.disasm();
    size_t next = 0;
    for (unsigned i = 0; i < in.alu.operands(); ++i) {
        if (in.chain_src[i] >= 0)
            os << ", alu" << int{in.chain_src[i]};
        else
            os << ", " << in.streams.at(next++).text();
    }
    os << ", " << (in.chain_out ? std::string("chain") : in.streams.at(next).text());
    return os.str();
}

}  // namespace

std::string Instr::disasm() const
{
    const OpcodeInfo& row = opcode_info(op);
    if (op == Opcode::Vxm)
        return vxm_text(*this);
    std::ostringstream os;
    if (op == Opcode::Sxm) {
        os << sxm.disasm();
        for (const auto& s : streams)
            os << ", " << s.text();
        return os.str();
    }
    os << row.mnemonic;
    size_t next_stream = 0;
    const char* sep = " ";
    for (const OperandSpec& o : row.operands) {
        const int64_t v = o.kind == OperandSpec::Kind::Stream ? 0 : field_of(*this, o.field);
        if (o.optional && v == 0)
            break;
        os << sep;
        sep = ", ";
        switch (o.kind) {
        case OperandSpec::Kind::Int: os << v; break;
        case OperandSpec::Kind::Address: os << address_text(v); break;
        case OperandSpec::Kind::Keyword: os << o.keywords.at(static_cast<size_t>(v)); break;
        case OperandSpec::Kind::Stream: os << streams.at(next_stream++).text(); break;
        }
    }
    return os.str();
}

}  // namespace lpu
