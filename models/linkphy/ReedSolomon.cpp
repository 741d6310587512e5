#include "models/linkphy/ReedSolomon.h"

#include "models/common/Error.h"
#include "models/linkphy/Gf1024.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace lpu {

namespace {

using Gf = Gf1024;
// Scratch polynomials live on the stack: at most n - k + 1 <= 1023 coefficients each.
using Poly = std::array<uint16_t, ReedSolomon::kMaxN + 1>;

// p(x) for a polynomial given lowest degree first, at x = alpha^-d, as sum p_i alpha^(-d i).
uint16_t eval_at_alpha_neg(const uint16_t* p, unsigned size, unsigned d)
{
    uint16_t acc = 0;
    for (unsigned i = 0; i < size; ++i)
        if (p[i])
            acc ^= Gf::mul(p[i], Gf::alpha_pow(Gf::kOrder - (uint64_t(d) * i) % Gf::kOrder));
    return acc;
}

constexpr unsigned kMaxWords = (ReedSolomon::kMaxN + 3) / 4;

// Long division by g(x), highest degree first, of k message symbols: each shifts the register by
// one symbol and adds the row of its feedback f (the symbol plus the register's first). With the
// word count W fixed at compile time (the common codes: n - k <= 16 or <= 32 symbols, padded) the
// register lives in machine registers; Fixed = 0 is any count w, through memory.
template <unsigned Fixed>
void divide(const uint64_t* rows, const uint16_t* lead, const uint16_t* word, unsigned k, unsigned w, uint64_t* out)
{
    const unsigned words = Fixed ? Fixed : w;
    uint64_t reg[Fixed ? Fixed : kMaxWords];
    std::fill_n(reg, words, uint64_t(0));
    uint16_t f = word[0];
    for (unsigned j = 0; j < k; ++j) {
        const uint64_t* row = rows + size_t(f) * words;
        const uint16_t next = j + 1 < k ? static_cast<uint16_t>(word[j + 1] ^ (reg[0] >> 16) ^ lead[f]) : 0;
        for (unsigned x = 0; x + 1 < words; ++x)
            reg[x] = ((reg[x] >> 16) | (reg[x + 1] << 48)) ^ row[x];
        reg[words - 1] = (reg[words - 1] >> 16) ^ row[words - 1];
        f = next;
    }
    std::copy_n(reg, words, out);
}

}  // namespace

void ReedSolomon::check(unsigned n, unsigned k)
{
    if (k == 0 || k >= n || n > kMaxN)
        throw InputError("rs(" + std::to_string(n) + "," + std::to_string(k) +
                         "): a Reed-Solomon code over 10-bit symbols needs 0 < k < n <= 1023");
}

ReedSolomon::ReedSolomon(unsigned n, unsigned k) : n_(n), k_(k)
{
    check(n, k);
    const unsigned p = parity();
    // g(x) = prod_{j < n-k} (x + alpha^j), built one root at a time, lowest degree first.
    gen_.assign(p + 1, 0);
    gen_[0] = 1;
    for (unsigned j = 0; j < p; ++j) {
        const uint16_t root = Gf::alpha_pow(j);
        for (unsigned i = j + 1; i > 0; --i)
            gen_[i] = static_cast<uint16_t>(gen_[i - 1] ^ Gf::mul(gen_[i], root));
        gen_[0] = Gf::mul(gen_[0], root);
    }
    words_ = p <= 16 ? 4 : p <= 32 ? 8 : (p + 3) / 4;  // padded to the compiled widths
    rows_.assign(size_t(Gf::kSize) * words_, 0);
    lead_.resize(Gf::kSize);
    for (unsigned f = 0; f < Gf::kSize; ++f) {
        for (unsigned i = 0; i < p; ++i)
            rows_[size_t(f) * words_ + i / 4] |= uint64_t(Gf::mul(static_cast<uint16_t>(f), gen_[p - 1 - i]))
                                                 << (16 * (i % 4));
        lead_[f] = Gf::mul(static_cast<uint16_t>(f), gen_[p - 1]);
    }
}

std::shared_ptr<const ReedSolomon> ReedSolomon::shared(unsigned n, unsigned k)
{
    static std::mutex mutex;
    static std::map<std::pair<unsigned, unsigned>, std::shared_ptr<const ReedSolomon>> codecs;
    const std::lock_guard<std::mutex> lock(mutex);
    auto& codec = codecs[{n, k}];
    if (!codec)
        codec = std::make_shared<const ReedSolomon>(n, k);
    return codec;
}

void ReedSolomon::remainder(const uint16_t* word, uint16_t* rem) const
{
    std::array<uint64_t, kMaxWords> reg;
    if (words_ == 4)
        divide<4>(rows_.data(), lead_.data(), word, k_, 4, reg.data());
    else if (words_ == 8)
        divide<8>(rows_.data(), lead_.data(), word, k_, 8, reg.data());
    else
        divide<0>(rows_.data(), lead_.data(), word, k_, words_, reg.data());
    for (unsigned i = 0; i < parity(); ++i)
        rem[i] = static_cast<uint16_t>(reg[i / 4] >> (16 * (i % 4)));
}

void ReedSolomon::encode(uint16_t* codeword) const { remainder(codeword, codeword + k_); }

bool ReedSolomon::syndromes(const uint16_t* received, uint16_t* s) const
{
    // r(x) = q(x) g(x) + rem(x) and g vanishes at every alpha^j, so S_j = rem(alpha^j): the
    // remainder of the received word is its recomputed parity plus its received parity.
    const unsigned p = parity();
    Poly rem;
    remainder(received, rem.data());
    bool any = false;
    for (unsigned i = 0; i < p; ++i) {
        rem[i] ^= received[k_ + i];
        any |= rem[i] != 0;
    }
    if (!any)
        return false;
    // S_j = sum_i rem_i alpha^(j d_i), d_i = p - 1 - i its degree: per non-zero rem_i, the
    // exponent steps by d_i from one syndrome to the next.
    std::fill_n(s, p, uint16_t(0));
    for (unsigned i = 0; i < p; ++i) {
        if (!rem[i])
            continue;
        const unsigned degree = p - 1 - i;
        unsigned e = Gf::log(rem[i]);
        for (unsigned j = 0; j < p; ++j) {
            s[j] ^= Gf::exp(e);
            e += degree;
            e = e >= Gf::kOrder ? e - Gf::kOrder : e;
        }
    }
    return true;
}

unsigned ReedSolomon::berlekamp_massey(const uint16_t* s, uint16_t* lambda) const
{
    const unsigned p = parity();
    Poly b, prev;  // b: the locator before the last length change; prev: a copy while updating
    std::fill_n(lambda, p + 1, uint16_t(0));
    std::fill_n(b.begin(), p + 1, uint16_t(0));
    lambda[0] = b[0] = 1;
    unsigned L = 0, lb = 0, m = 1;  // lb: b's degree bound
    uint16_t last = 1;              // the discrepancy when b was saved
    for (unsigned r = 0; r < p; ++r) {
        uint16_t d = s[r];
        for (unsigned i = 1; i <= L; ++i)
            d ^= Gf::mul(lambda[i], s[r - i]);
        if (d == 0) {
            ++m;
            continue;
        }
        const uint16_t coef = Gf::div(d, last);
        const bool grow = 2 * L <= r;
        if (grow)
            std::copy_n(lambda, L + 1, prev.begin());
        for (unsigned i = 0; i <= lb && i + m <= p; ++i)
            lambda[i + m] ^= Gf::mul(coef, b[i]);
        if (grow) {
            std::copy_n(prev.begin(), L + 1, b.begin());
            std::fill(b.begin() + L + 1, b.begin() + p + 1, uint16_t(0));
            lb = L;
            L = r + 1 - L;
            last = d;
            m = 1;
        } else {
            ++m;
        }
    }
    return L;
}

bool ReedSolomon::locate(const uint16_t* s, const uint16_t* lambda, unsigned L, unsigned* index, uint16_t* value) const
{
    if (lambda[L] == 0)
        return false;  // degree below L: it cannot have L roots
    // Chien search over the degrees d = 0 .. n-1 the codeword has: Lambda(alpha^-d) = 0 marks an
    // error at degree d. term[i] holds log(lambda_i alpha^(-d i)), stepped by -i per position.
    std::array<unsigned, ReedSolomon::kMaxN + 1> term;
    for (unsigned i = 1; i <= L; ++i)
        term[i] = lambda[i] ? Gf::log(lambda[i]) : Gf::kOrder;  // kOrder marks a zero coefficient
    unsigned found = 0;
    for (unsigned d = 0; d < n_ && found < L; ++d) {
        uint16_t sum = lambda[0];
        for (unsigned i = 1; i <= L; ++i) {
            if (term[i] == Gf::kOrder)
                continue;
            sum ^= Gf::exp(term[i]);
            term[i] = term[i] >= i ? term[i] - i : term[i] + Gf::kOrder - i;
        }
        if (sum == 0)
            index[found++] = n_ - 1 - d;
    }
    if (found != L)
        return false;
    // Forney (first root alpha^0): e = X Omega(X^-1) / Lambda'(X^-1) at X = alpha^d, with
    // Omega = S Lambda mod x^L (its higher terms vanish) and Lambda' the odd terms of Lambda.
    Poly omega, deriv;
    for (unsigned i = 0; i < L; ++i) {
        uint16_t o = 0;
        for (unsigned j = 0; j <= i; ++j)
            o ^= Gf::mul(lambda[j], s[i - j]);
        omega[i] = o;
        deriv[i] = (i % 2 == 0) ? lambda[i + 1] : 0;
    }
    for (unsigned e = 0; e < L; ++e) {
        const unsigned d = n_ - 1 - index[e];
        const uint16_t den = eval_at_alpha_neg(deriv.data(), L, d);
        if (den == 0)
            return false;  // a repeated root: not L distinct error positions
        value[e] = Gf::mul(Gf::alpha_pow(d), Gf::div(eval_at_alpha_neg(omega.data(), L, d), den));
        if (value[e] == 0)
            return false;  // fewer errors than L would explain the syndromes: inconsistent
    }
    return true;
}

ReedSolomon::Result ReedSolomon::decode(uint16_t* received) const
{
    Poly s;
    if (!syndromes(received, s.data()))
        return {};
    Poly lambda;
    const unsigned L = berlekamp_massey(s.data(), lambda.data());
    std::array<unsigned, kMaxN> index;
    Poly value;
    if (L == 0 || L > t() || !locate(s.data(), lambda.data(), L, index.data(), value.data()))
        return {false, 0};
    for (unsigned e = 0; e < L; ++e)
        received[index[e]] ^= value[e];
    return {true, L};
}

}  // namespace lpu
