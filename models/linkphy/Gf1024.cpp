#include "models/linkphy/Gf1024.h"

namespace lpu {

namespace {

struct Tables {
    std::array<uint16_t, 2 * Gf1024::kOrder> exp{};
    std::array<uint16_t, Gf1024::kSize> log{};
    bool primitive = true;  // alpha's powers visit every non-zero element before returning to 1
};

constexpr Tables build_tables()
{
    Tables t;
    uint16_t x = 1;
    for (unsigned i = 0; i < Gf1024::kOrder; ++i) {
        if (i > 0 && x == 1)
            t.primitive = false;
        t.exp[i] = x;
        t.exp[i + Gf1024::kOrder] = x;
        t.log[x] = static_cast<uint16_t>(i);
        x = static_cast<uint16_t>(x << 1);
        if (x & Gf1024::kSize)
            x ^= Gf1024::kPoly;
    }
    if (x != 1)
        t.primitive = false;
    return t;
}

// Computed by the compiler: the tables are constant-initialised, so they are ready before any
// static constructor of another file could use them.
constexpr Tables kTables = build_tables();
static_assert(kTables.primitive, "x^10 + x^3 + 1 must be primitive: alpha has to generate all 1023 elements");

}  // namespace

const std::array<uint16_t, 2 * Gf1024::kOrder> Gf1024::exp_ = kTables.exp;
const std::array<uint16_t, Gf1024::kSize> Gf1024::log_ = kTables.log;

}  // namespace lpu
