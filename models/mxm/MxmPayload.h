// TLM-2.0 payload extensions of the MXM sockets. An instruction is a generic-payload WRITE whose
// data buffer holds the operand vector and whose extension holds the decoded instruction; its
// issue cycle is the transaction's time (sc_time_stamp() + annotated delay) divided by the
// clock period. A result is a WRITE whose data buffer holds N 32-bit words in host order --
// int32 values, or binary32 bit patterns when MxmResult::fp32 (an f16 ABC, docs/isa.md 1.5) --
// and whose time is the cycle of its chunk 0.
#pragma once

#include "models/mxm/MxmCore.h"
#include "models/mxm/MxmInstr.h"

#include <tlm>

namespace lpu {

struct MxmInstrExtension : tlm::tlm_extension<MxmInstrExtension> {
    MxmInstr instr;

    tlm::tlm_extension_base* clone() const override { return new MxmInstrExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override
    {
        instr = static_cast<const MxmInstrExtension&>(other).instr;
    }
};

struct MxmResultExtension : tlm::tlm_extension<MxmResultExtension> {
    const MxmResult* result = nullptr;  // valid for the duration of the b_transport call

    tlm::tlm_extension_base* clone() const override { return new MxmResultExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override
    {
        result = static_cast<const MxmResultExtension&>(other).result;
    }
};

}  // namespace lpu
