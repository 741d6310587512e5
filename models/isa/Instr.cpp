#include "Instr.h"

#include <sstream>

namespace lpu {

const char* opcode_name(Opcode op)
{
    switch (op) {
    case Opcode::Nop: return "NOP";
    case Opcode::Repeat: return "Repeat";
    case Opcode::Sync: return "Sync";
    case Opcode::Notify: return "Notify";
    case Opcode::Read: return "Read";
    case Opcode::Write: return "Write";
    case Opcode::Gather: return "Gather";
    case Opcode::Scatter: return "Scatter";
    case Opcode::LW: return "LW";
    case Opcode::IW: return "IW";
    case Opcode::ABC: return "ABC";
    case Opcode::ACC: return "ACC";
    case Opcode::Vxm: return "VXM";
    case Opcode::Sxm: return "SXM";
    case Opcode::Ifetch: return "Ifetch";
    case Opcode::Config: return "Config";
    case Opcode::Countdown: return "Countdown";
    case Opcode::Step: return "Step";
    case Opcode::Iterations: return "Iterations";
    }
    return "?";
}

std::string Instr::disasm() const
{
    std::ostringstream os;
    if (op == Opcode::Sxm) {
        os << sxm.disasm();
        for (const auto& s : streams)
            os << ", " << s.text();
        return os.str();
    }
    if (op == Opcode::Vxm) {  // operands from streams or chained ALUs, then the destination
        os << alu.disasm();
        size_t next = 0;
        for (unsigned i = 0; i < alu.operands(); ++i) {
            if (chain_src[i] >= 0)
                os << ", alu" << int{chain_src[i]};
            else
                os << ", " << streams.at(next++).text();
        }
        os << ", " << (chain_out ? std::string("chain") : streams.at(next).text());
        return os.str();
    }
    os << opcode_name(op);
    auto type = [](int64_t t) { return t == 2 ? "f16" : t == 1 ? "i8" : "u8"; };
    switch (op) {
    case Opcode::Nop: os << " " << a; break;
    case Opcode::Repeat:
        os << " " << a << ", " << b;
        if (c)
            os << ", " << c;
        break;
    case Opcode::Sync:
    case Opcode::Notify:
    case Opcode::IW: break;
    case Opcode::Ifetch: os << " " << a << ", " << streams.at(0).text(); break;
    case Opcode::Config: os << (a ? " low_power" : " normal"); break;
    case Opcode::Countdown:
    case Opcode::Step:
    case Opcode::Iterations: os << " " << a; break;
    case Opcode::Read:
    case Opcode::Write: {  // negative only in a report of a repetition that stepped off the slice
        // The magnitude in unsigned arithmetic: -a overflows for INT64_MIN (an object file can hold it).
        const uint64_t mag = a < 0 ? uint64_t{0} - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
        os << (a < 0 ? " -0x" : " 0x") << std::hex << mag << std::dec << ", " << streams.at(0).text();
        break;
    }
    case Opcode::Gather:
    case Opcode::Scatter: os << " " << streams.at(0).text() << ", " << streams.at(1).text(); break;
    case Opcode::LW: os << " " << a << ", " << type(b) << ", " << streams.at(0).text(); break;
    case Opcode::ABC: os << " " << type(b) << ", " << streams.at(0).text(); break;
    case Opcode::ACC:
        os << " " << a << (b ? ", add" : ", set");
        if (c)
            os << ", emit, " << streams.at(0).text();
        break;
    case Opcode::Vxm:
    case Opcode::Sxm: break;
    }
    return os.str();
}

}  // namespace lpu
