#include "MxmInstr.h"

namespace lpu {

const char* mxm_opcode_name(MxmOpcode op)
{
    switch (op) {
    case MxmOpcode::LW: return "LW";
    case MxmOpcode::IW: return "IW";
    case MxmOpcode::ABC: return "ABC";
    case MxmOpcode::ACC: return "ACC";
    }
    return "?";
}

std::string MxmInstr::disasm() const
{
    const char* type = is_signed ? "i8" : "u8";
    switch (op) {
    case MxmOpcode::LW: return "LW " + std::to_string(row) + ", " + type;
    case MxmOpcode::IW: return "IW";
    case MxmOpcode::ABC: return std::string("ABC ") + type;
    case MxmOpcode::ACC:
        return "ACC " + std::to_string(slot) + (add ? ", add" : ", set") + (emit ? ", emit" : "");
    }
    return "?";
}

}  // namespace lpu
