// One instruction of a statically scheduled program, as the assembler decodes it and the chip
// executes it (docs/isa.md section 3). Operands are plain fields; what each means depends on
// the opcode, and the assembler has already checked them against the queue's slice kind.
#pragma once

#include "models/common/SourcePos.h"
#include "models/isa/StreamId.h"
#include "models/isa/SxmOp.h"
#include "models/isa/VxmAluOp.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

enum class Opcode : uint8_t {
    // every queue (ICU)
    Nop,     // idle for a cycles
    Repeat,  // repeat the previous instruction a more times, b cycles apart
    Sync,    // park until a Notify
    Notify,  // release every parked queue
    // MEM
    Read,     // word a -> stream
    Write,    // stream -> word a
    Gather,   // per-tile words named by the map on streams[0] -> streams[1]
    Scatter,  // streams[0] -> per-tile words named by the map on streams[1]
    // MXM (queue kinds: .w for LW/IW, .a for ABC, .c for ACC)
    LW,   // stream -> shadow row a (b: element type, 0 = u8, 1 = i8, 2 = f16 from two streams)
    IW,   // install
    ABC,  // stream -> activation (b: element type as LW)
    ACC,  // product -> slot a (b: 1 = add; c: 1 = emit), emit onto streams[0..3]
    // VXM
    Vxm,  // alu applied lane-wise: streams = sources..., destination (each the first of a group)
    // SXM
    Sxm,  // sxm: streams = first input stream of each input group, then of each output group
    // Appended after the first object file version: never renumber.
    Ifetch,         // every queue: a vectors of instruction text from streams[0] become the next instructions
    Config,         // every queue: a = 1 low-power mode, 0 normal
    Countdown,      // MEM: a = cycles between the iterations of the next accesses
    Step,           // MEM: a = address step between iterations
    Iterations,     // MEM: a = accesses each Read/Write/Gather/Scatter makes
    Send,           // C2C: the vector on streams[0] leaves on the queue's link
    Receive,        // C2C: the vector that arrived on the queue's link goes onto streams[0]
    Deskew,         // every queue: hold until the chip's next hardware-aligned counter epoch
    RuntimeDeskew,  // every queue: hold a cycles, plus what the chip's clock gained on the aligned counter
};
constexpr uint8_t kLastOpcode = static_cast<uint8_t>(Opcode::RuntimeDeskew);

// Its mnemonic (the opcode table).
const char* opcode_name(Opcode op);

struct Instr {
    Opcode op = Opcode::Nop;
    int64_t a = 0, b = 0, c = 0;
    std::vector<StreamId> streams;
    VxmAluOp alu;  // Vxm only
    // Vxm chaining (docs/isa.md 3.3): operand i (0 = x, 1 = y) is the result ALU chain_src[i]
    // has for this cycle instead of a stream group (-1: a stream group); with chain_out the
    // result stays in this ALU's output for the next ALU instead of going to a stream group.
    // `streams` lists only the operands that are stream groups, in order.
    int8_t chain_src[2] = {-1, -1};
    bool chain_out = false;
    SxmOp sxm;  // Sxm only
    SourcePos pos;

    // Canonical assembly text (what the assembler reads back to the same instruction).
    std::string disasm() const;

    // A repetition (Repeat, or a MEM access's Iterations) adds `offset` to an address or row:
    // the operand `a` as executed, and the instruction as executed (a copy: for reports only).
    bool offset_applies() const;  // its row in the opcode table is `stepped`
    int64_t executed_a(int64_t offset) const { return offset_applies() ? a + offset : a; }
    Instr executed(int64_t offset) const
    {
        Instr e = *this;
        e.a = executed_a(offset);
        return e;
    }
};

// Instructions the ICU hands a slice or runs itself (Config, Ifetch, MEM address registers)
// count as issues; Nop, Sync and Notify only pace the queue (the opcode table's `counted`).
bool is_counted_issue(Opcode op);

}  // namespace lpu
