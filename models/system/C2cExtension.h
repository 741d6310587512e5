// What a transaction on a C2C link carries besides the vector's bytes: which link and direction,
// its place in the direction's sequence, the Send that sent it, and whether a link model's FEC
// could not correct it.
#pragma once

#include <tlm>

#include <cstdint>
#include <string>

namespace lpu {

// What a transaction on a link carries besides the vector's bytes.
struct C2cExtension : tlm::tlm_extension<C2cExtension> {
    unsigned link = 0, direction = 0;  // direction 0: a -> b, 1: b -> a
    uint64_t seq = 0;                  // vectors sent before it on this direction
    std::string from;                  // the Send, its chip and cycle (for reports)
    bool poisoned = false;             // set by a link model whose FEC could not correct it
    unsigned uncorrectable = 0;        // of its codewords, when poisoned (for reports)

    tlm_extension_base* clone() const override { return new C2cExtension(*this); }
    void copy_from(const tlm_extension_base& other) override { *this = static_cast<const C2cExtension&>(other); }
};

}  // namespace lpu
