// The distinct instructions of a program with their address operand left out, each stored once:
// a compiled program books millions of instructions but only a few hundred forms (an opcode, its
// streams, ALU operation, ...), so the compiler's booking table keeps a form index and the
// operand `a` per instruction instead of a whole Instr (with its heap-allocated stream list) per
// cycle, and the object file reader checks each form once, not each instruction.
#pragma once

#include "models/isa/Instr.h"

#include <cstdint>
#include <vector>

namespace lpu {

class InstrForms {
public:
    // The index of `in`'s form (every field but `a` and the source position) for `owner`; `hint`
    // is checked first (a queue often books the same form again: no hashing then).
    uint32_t intern(const Instr& in, int owner, uint32_t hint = kNone);
    // The form's instruction, with a = 0.
    const Instr& instr(uint32_t form) const { return forms_[form].in; }
    int owner(uint32_t form) const { return owners_[form]; }
    static constexpr uint32_t kNone = ~uint32_t{0};
    size_t size() const { return forms_.size(); }

private:
    struct Form {
        Instr in;
        int owner;
    };
    std::vector<Form> forms_;
    std::vector<int> owners_;  // forms_[i].owner, compact: spans() reads one per instruction
    // Open addressing by hash (linear probing, at most half full): interning is on the path of
    // every booked instruction.
    struct Slot {
        uint64_t hash = 0;
        uint32_t form = kEmpty;
    };
    static constexpr uint32_t kEmpty = kNone;
    std::vector<Slot> table_ = std::vector<Slot>(1024);
    void insert(uint64_t hash, uint32_t form);
};

}  // namespace lpu
