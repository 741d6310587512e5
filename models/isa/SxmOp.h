// What an SXM instruction says (switch execution module, docs/sxm.md): which shift, rotation,
// permutation or transpose, with its number, and its text form. The data movement itself is the
// SXM's (models/sxm/SxmOps.h).
//
// A vector is L = S x G bytes, one per lane; lane l is in superlane l / G. Data wider than a byte
// lives in a group of consecutive byte streams (docs/isa.md 3.3), and an operation that moves
// lanes moves every byte plane of the group the same way: the caller applies it once per plane,
// with the same control inputs (maps, masks).
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

// One SXM operation. Text form (disasm / parse), lower case, N a decimal (or 0x hex) integer:
//   "shift up N", "shift down N", "rotate N", "broadcast N",
//   "permute", "distribute", "select", "transpose"
struct SxmOp {
    enum class Kind : uint8_t { ShiftUp, ShiftDown, Rotate, Permute, Distribute, Select, Transpose, Broadcast };
    static constexpr unsigned kKinds = 8;  // Broadcast + 1: a new kind is appended and counted here
    Kind kind = Kind::Rotate;
    uint32_t n = 0;  // ShiftUp/ShiftDown/Rotate: distance; Broadcast: source lane; else 0

    static SxmOp make_shift_up(uint32_t n) { return {Kind::ShiftUp, n}; }
    static SxmOp make_shift_down(uint32_t n) { return {Kind::ShiftDown, n}; }
    static SxmOp make_rotate(uint32_t n) { return {Kind::Rotate, n}; }
    static SxmOp make_broadcast(uint32_t lane) { return {Kind::Broadcast, lane}; }
    static SxmOp make(Kind k) { return {k, 0}; }  // the operations without a number

    // Vectors read and written; `lanes_per_superlane` (G) matters only for transpose (G and G).
    //   shift, rotate, broadcast: 1 -> 1   (data)
    //   permute:                  3 -> 1   (data, map low bytes, map high bytes)
    //   distribute:               2 -> 1   (data, map)
    //   select:                   3 -> 1   (mask, a, b)
    //   transpose:                G -> G
    unsigned inputs(unsigned lanes_per_superlane) const;
    unsigned outputs(unsigned lanes_per_superlane) const;

    // Throws InputError unless lanes_per_superlane > 0, lanes is a positive multiple of it, and
    // n < lanes for the operations that take a number.
    void validate(unsigned lanes, unsigned lanes_per_superlane) const;
    std::string disasm() const;

    bool operator==(const SxmOp& o) const { return kind == o.kind && n == o.n; }
    bool operator!=(const SxmOp& o) const { return !(*this == o); }
};

// "shift_up", "shift_down", "rotate", "permute", "distribute", "select", "transpose",
// "broadcast" (for messages; the text form of a shift is two words).
const char* sxm_kind_name(SxmOp::Kind k);

// The inverse of disasm(); bad text throws InputError saying what is wrong. Checks only what
// the text alone determines (n fits 32 bits); the lane count is checked by validate().
SxmOp parse_sxm_op(const std::string& text);

}  // namespace lpu
