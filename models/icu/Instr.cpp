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
    }
    return "?";
}

std::string Instr::disasm() const
{
    std::ostringstream os;
    if (op == Opcode::Vxm || op == Opcode::Sxm) {
        os << (op == Opcode::Vxm ? alu.disasm() : sxm.disasm());
        for (const auto& s : streams)
            os << ", " << s.text();
        return os.str();
    }
    os << opcode_name(op);
    auto type = [](int64_t is_signed) { return is_signed ? "i8" : "u8"; };
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
    case Opcode::Read:
    case Opcode::Write: os << " 0x" << std::hex << a << std::dec << ", " << streams.at(0).text(); break;
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
