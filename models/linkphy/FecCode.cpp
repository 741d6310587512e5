#include "models/linkphy/FecCode.h"

#include "models/common/Error.h"
#include "models/linkphy/ReedSolomon.h"

#include <cctype>
#include <cmath>

namespace lpu {

namespace {

// A decimal of 1 to 4 digits at text[pos], advancing pos; false otherwise.
bool parse_small(const std::string& text, size_t& pos, unsigned& out)
{
    size_t digits = 0;
    out = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && digits < 5) {
        out = out * 10 + unsigned(text[pos++] - '0');
        ++digits;
    }
    return digits > 0 && digits <= 4;
}

bool parse_rs(const std::string& text, unsigned& n, unsigned& k)
{
    if (text.compare(0, 3, "rs(") != 0)
        return false;
    size_t pos = 3;
    if (!parse_small(text, pos, n) || pos >= text.size() || text[pos++] != ',')
        return false;
    if (!parse_small(text, pos, k) || pos >= text.size() || text[pos++] != ')')
        return false;
    return pos == text.size();
}

}  // namespace

FecCode FecCode::rs(unsigned n, unsigned k)
{
    ReedSolomon::check(n, k);
    FecCode c;
    c.n_ = n;
    c.k_ = k;
    return c;
}

FecCode FecCode::parse(const std::string& text)
{
    std::string lower = text;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "none")
        return none();
    if (lower == "kp4")
        return rs(544, 514);
    if (lower == "kr4")
        return rs(528, 514);
    unsigned n = 0, k = 0;
    if (parse_rs(lower, n, k))
        return rs(n, k);
    throw InputError("fec " + quote_token(text) + ": expected kp4 (RS(544,514)), kr4 (RS(528,514)), none or rs(N,K)");
}

std::string FecCode::name() const
{
    if (is_none())
        return "none";
    if (n_ == 544 && k_ == 514)
        return "kp4";
    if (n_ == 528 && k_ == 514)
        return "kr4";
    return "rs(" + std::to_string(n_) + "," + std::to_string(k_) + ")";
}

double FecCode::line_bits_per_vector(unsigned vector_bytes, double framing_overhead) const
{
    const double payload = 8.0 * vector_bytes;
    return payload * rate_expansion() + payload * framing_overhead;
}

VectorBurst FecCode::burst(unsigned vector_bytes, double framing_overhead) const
{
    VectorBurst b;
    b.payload_bits = 8ull * vector_bytes;
    const double bits = vector_bytes * 8.0 * (1.0 + framing_overhead);
    if (is_none()) {
        b.line_bits = static_cast<uint64_t>(std::ceil(bits));
        return b;
    }
    b.symbols = static_cast<uint64_t>(std::ceil(bits / 10.0));
    b.codewords = (b.symbols + k_ - 1) / k_;
    b.last_symbols = static_cast<unsigned>(b.symbols - (b.codewords - 1) * k_);
    b.line_bits = (b.symbols + b.codewords * (n_ - k_)) * 10;
    return b;
}

}  // namespace lpu
