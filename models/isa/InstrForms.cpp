#include "InstrForms.h"

namespace lpu {

namespace {

// Every field of Instr except `a` and `pos` (neither is part of a form); a field added to Instr
// must be added here, or two instructions differing only in it would share a form.
bool same_form(const Instr& x, const Instr& y)
{
    const VxmAluOp &p = x.alu, &q = y.alu;
    const VxmRequant &r = p.requant, &s = q.requant;
    if (x.op != y.op || x.b != y.b || x.c != y.c || x.streams.size() != y.streams.size() ||
        x.chain_src[0] != y.chain_src[0] || x.chain_src[1] != y.chain_src[1] || x.chain_out != y.chain_out ||
        !(x.sxm == y.sxm))
        return false;
    for (size_t i = 0; i < x.streams.size(); ++i)
        if (x.streams[i].dir != y.streams[i].dir || x.streams[i].index != y.streams[i].index)
            return false;
    return p.kind == q.kind && p.binary == q.binary && p.unary == q.unary && p.type == q.type && p.to == q.to &&
           r.multiplier == s.multiplier && r.shift == s.shift && r.zero_point == s.zero_point &&
           r.rounding == s.rounding && r.out_unsigned == s.out_unsigned;
}

uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

// Over the fields that tell the compiler's instructions apart; same_form decides.
uint64_t form_hash(const Instr& in, int owner)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = mix(h, static_cast<uint64_t>(in.op));
    h = mix(h, static_cast<uint64_t>(in.b));
    h = mix(h, static_cast<uint64_t>(in.c));
    for (const StreamId& s : in.streams)
        h = mix(h, s.index * 2u + (s.dir == StreamDir::West ? 1u : 0u));
    h = mix(h, static_cast<uint64_t>(in.alu.kind) << 16 | static_cast<uint64_t>(in.alu.binary) << 8 |
                   static_cast<uint64_t>(in.alu.unary));
    h = mix(h, static_cast<uint64_t>(in.alu.type) << 8 | static_cast<uint64_t>(in.alu.to));
    h = mix(h,
            static_cast<uint64_t>(static_cast<uint8_t>(in.chain_src[0])) << 8 | static_cast<uint8_t>(in.chain_src[1]));
    h = mix(h, static_cast<uint64_t>(in.sxm.kind) << 32 | in.sxm.n);
    h = mix(h, static_cast<uint64_t>(static_cast<uint32_t>(owner)));
    // The table indexes by the low bits: every bit of the fields mixed into them (murmur3's finaliser).
    h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull;
    h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

}  // namespace

uint32_t InstrForms::intern(const Instr& in, int owner, uint32_t hint)
{
    if (hint != kNone && owners_[hint] == owner && same_form(forms_[hint].in, in))
        return hint;
    const uint64_t h = form_hash(in, owner);
    const size_t mask = table_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& slot = table_[i];
        if (slot.form == kEmpty)
            break;
        if (slot.hash == h && forms_[slot.form].owner == owner && same_form(forms_[slot.form].in, in))
            return slot.form;
    }
    Form f{in, owner};
    f.in.a = 0;
    f.in.pos = SourcePos{};
    forms_.push_back(std::move(f));
    owners_.push_back(owner);
    const auto form = static_cast<uint32_t>(forms_.size() - 1);
    if (2 * forms_.size() > table_.size()) {
        std::vector<Slot> old(table_.size() * 2);
        old.swap(table_);
        for (const Slot& slot : old)
            if (slot.form != kEmpty)
                insert(slot.hash, slot.form);
    }
    insert(h, form);
    return form;
}

void InstrForms::insert(uint64_t hash, uint32_t form)
{
    const size_t mask = table_.size() - 1;
    size_t i = hash & mask;
    while (table_[i].form != kEmpty)
        i = (i + 1) & mask;
    table_[i] = Slot{hash, form};
}

}  // namespace lpu
