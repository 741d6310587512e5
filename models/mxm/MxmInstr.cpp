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

const char* mxm_type_name(MxmType type)
{
    switch (type) {
    case MxmType::I8: return "i8";
    case MxmType::U8: return "u8";
    case MxmType::F16: return "f16";
    }
    return "?";
}

std::string MxmInstr::disasm() const
{
    const char* t = mxm_type_name(type);
    switch (op) {
    case MxmOpcode::LW: return "LW " + std::to_string(row) + ", " + t;
    case MxmOpcode::IW: return "IW";
    case MxmOpcode::ABC: return std::string("ABC ") + t;
    case MxmOpcode::ACC: return "ACC " + std::to_string(slot) + (add ? ", add" : ", set") + (emit ? ", emit" : "");
    }
    return "?";
}

}  // namespace lpu
