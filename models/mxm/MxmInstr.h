// One MXM plane instruction (docs/isa.md section 1.1) as it travels through the model and the
// testbench. The operand vector (LW weights, ABC activations) travels beside it, in the TLM
// payload's data buffer.
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

enum class MxmOpcode : uint8_t { LW, IW, ABC, ACC };
constexpr unsigned kMxmChannels = 4;  // one instruction channel per opcode

const char* mxm_opcode_name(MxmOpcode op);

// Element type of an LW or ABC operand vector (docs/isa.md 1.1 and 1.5). i8 and u8 are one byte
// per lane; f16 (IEEE binary16) is two, lane l's value little-endian in bytes 2l and 2l + 1.
enum class MxmType : uint8_t { I8, U8, F16 };

const char* mxm_type_name(MxmType type);  // "i8", "u8", "f16": the assembly spelling
constexpr unsigned mxm_type_bytes(MxmType type) { return type == MxmType::F16 ? 2 : 1; }
constexpr bool mxm_type_is_int(MxmType type) { return type != MxmType::F16; }

struct MxmInstr {
    MxmOpcode op = MxmOpcode::IW;
    uint32_t row = 0;            // LW: shadow row
    MxmType type = MxmType::I8;  // LW, ABC: element type of the operand vector
    uint32_t slot = 0;           // ACC: accumulator slot
    bool add = false;            // ACC: add to the slot (else set)
    bool emit = false;           // ACC: send the new slot value out
    uint64_t id = 0;             // sequence number given by the issuer, for reports

    // Assembly text as in docs/isa.md, e.g. "LW 5, i8", "ABC f16", "ACC 2, add, emit".
    std::string disasm() const;
};

}  // namespace lpu
