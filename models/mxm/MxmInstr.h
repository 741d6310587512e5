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

struct MxmInstr {
    MxmOpcode op = MxmOpcode::IW;
    uint32_t row = 0;        // LW: shadow row
    bool is_signed = true;   // LW, ABC: operand bytes are int8 (else uint8)
    uint32_t slot = 0;       // ACC: accumulator slot
    bool add = false;        // ACC: add to the slot (else set)
    bool emit = false;       // ACC: send the new slot value out
    uint64_t id = 0;         // sequence number given by the issuer, for reports

    // Assembly text as in docs/isa.md, e.g. "LW 5, i8", "ACC 2, add, emit".
    std::string disasm() const;
};

}  // namespace lpu
