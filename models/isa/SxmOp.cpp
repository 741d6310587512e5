#include "SxmOp.h"

#include "models/common/Error.h"

#include <sstream>
#include <vector>

namespace lpu {

namespace {

bool takes_number(SxmOp::Kind k)
{
    return k == SxmOp::Kind::ShiftUp || k == SxmOp::Kind::ShiftDown || k == SxmOp::Kind::Rotate ||
           k == SxmOp::Kind::Broadcast;
}

constexpr SxmOp::Kind kPlainKinds[] = {SxmOp::Kind::Permute, SxmOp::Kind::Distribute, SxmOp::Kind::Select,
                                       SxmOp::Kind::Transpose};

// A decimal or 0x-hex integer in 0..2^32-1; anything else (sign, blank, junk) is an error.
uint32_t parse_number(const std::string& word, const char* what, const std::string& text)
{
    const bool hex = word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X');
    const size_t start = hex ? 2 : 0;
    uint64_t v = 0;
    bool ok = word.size() > start;
    for (size_t i = start; ok && i < word.size(); ++i) {
        const char c = word[i];
        unsigned d = 0;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            ok = false;
        v = v * (hex ? 16 : 10) + d;
        if (v > UINT32_MAX)
            ok = false;
    }
    if (!ok)
        throw InputError(quote_token(text) + ": " + what + " " + quote_token(word) +
                         " is not an integer in 0..4294967295");
    return static_cast<uint32_t>(v);
}

}  // namespace

const char* sxm_kind_name(SxmOp::Kind k)
{
    switch (k) {
    case SxmOp::Kind::ShiftUp: return "shift_up";
    case SxmOp::Kind::ShiftDown: return "shift_down";
    case SxmOp::Kind::Rotate: return "rotate";
    case SxmOp::Kind::Permute: return "permute";
    case SxmOp::Kind::Distribute: return "distribute";
    case SxmOp::Kind::Select: return "select";
    case SxmOp::Kind::Transpose: return "transpose";
    case SxmOp::Kind::Broadcast: return "broadcast";
    }
    return "?";
}

unsigned SxmOp::inputs(unsigned lanes_per_superlane) const
{
    switch (kind) {
    case Kind::Permute:
    case Kind::Select: return 3;
    case Kind::Distribute: return 2;
    case Kind::Transpose: return lanes_per_superlane;
    default: return 1;
    }
}

unsigned SxmOp::outputs(unsigned lanes_per_superlane) const
{
    return kind == Kind::Transpose ? lanes_per_superlane : 1;
}

void SxmOp::validate(unsigned lanes, unsigned lanes_per_superlane) const
{
    if (lanes_per_superlane == 0 || lanes == 0 || lanes % lanes_per_superlane != 0)
        throw InputError("'" + disasm() + "': " + std::to_string(lanes) + " lanes are not a positive multiple of " +
                         std::to_string(lanes_per_superlane) + " lanes per superlane");
    if (takes_number(kind) && n >= lanes) {
        const char* what = kind == Kind::Broadcast ? "source lane" : "distance";
        throw InputError("'" + disasm() + "': " + what + " " + std::to_string(n) + " is not in 0.." +
                         std::to_string(lanes - 1) + " (" + std::to_string(lanes) + " lanes)");
    }
}

std::string SxmOp::disasm() const
{
    switch (kind) {
    case Kind::ShiftUp: return "shift up " + std::to_string(n);
    case Kind::ShiftDown: return "shift down " + std::to_string(n);
    case Kind::Rotate:
    case Kind::Broadcast: return std::string(sxm_kind_name(kind)) + " " + std::to_string(n);
    default: return sxm_kind_name(kind);
    }
}

SxmOp parse_sxm_op(const std::string& text)
{
    std::istringstream words(text);
    std::vector<std::string> w;
    for (std::string word; words >> word;)
        w.push_back(word);
    auto expect_words = [&](size_t count, const char* syntax) {
        if (w.size() != count)
            throw InputError(quote_token(text) + ": expected '" + syntax + "'");
    };
    if (w.empty())
        throw InputError("empty SXM operation");
    if (w[0] == "shift") {
        expect_words(3, "shift up|down N");
        if (w[1] != "up" && w[1] != "down")
            throw InputError(quote_token(text) + ": shift direction " + quote_token(w[1]) + " is not up or down");
        const uint32_t d = parse_number(w[2], "distance", text);
        return w[1] == "up" ? SxmOp::make_shift_up(d) : SxmOp::make_shift_down(d);
    }
    if (w[0] == "rotate") {
        expect_words(2, "rotate N");
        return SxmOp::make_rotate(parse_number(w[1], "distance", text));
    }
    if (w[0] == "broadcast") {
        expect_words(2, "broadcast LANE");
        return SxmOp::make_broadcast(parse_number(w[1], "source lane", text));
    }
    for (SxmOp::Kind k : kPlainKinds)
        if (w[0] == sxm_kind_name(k)) {
            if (w.size() != 1)
                throw InputError(quote_token(text) + ": " + quote_token(w[0]) + " takes no operand");
            return SxmOp::make(k);
        }
    throw InputError(quote_token(text) + ": unknown SXM operation " + quote_token(w[0]));
}

}  // namespace lpu
