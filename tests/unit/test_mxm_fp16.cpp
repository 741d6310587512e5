// fp16 on the MXM plane (docs/isa.md 1.5) against an independent reference: binary16 decoded
// here from its definition (not through models/vxm/Fp16), each column summed in binary32 in
// the documented order, the accumulator updated as documented, results compared bit for bit.
// Plus the fp16 rules (issue interval, one weight type per install, ABC and slot types), timing
// equal to int8's, the MAC counters, the config parameter and the RTL co-simulation's refusal.
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/mxm/MxmCore.h"
#include "models/spec/ChipInfo.h"
#include "models/spec/ChipSpec.h"
#include "tb/mxm/MxmExpectation.h"
#include "tb/mxm/MxmRtlDriver.h"
#include "tb/mxm/MxmStimulus.h"

#include "MxmTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

using namespace lpu;

namespace {

MxmParams params(unsigned superlanes, unsigned interval = 4, unsigned q = 16, unsigned a = 1, unsigned r = 1,
                 unsigned slots = 4)
{
    return test::mxm_params(superlanes, q, a, r, slots, interval);
}

// binary16 by its definition: (-1)^s x 2^(e-15) x 1.m, or 2^-14 x 0.m for e = 0; e = 31 is
// infinity (m = 0) or NaN. ldexp of an integer below 2^11 is exact in float.
float f16_value(uint16_t h)
{
    const int e = (h >> 10) & 31;
    const int m = h & 1023;
    float v;
    if (e == 31)
        v = m ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else if (e == 0)
        v = std::ldexp(static_cast<float>(m), -24);
    else
        v = std::ldexp(static_cast<float>(1024 + m), e - 25);
    return (h & 0x8000) ? -v : v;
}

uint32_t bits(float f)
{
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

float from_bits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
}

// Every NaN result is the canonical quiet NaN (docs/isa.md 1.5, as in the VXM).
uint32_t canonical(float f) { return std::isnan(f) ? 0x7FC00000u : bits(f); }

// Lane l's binary16 little-endian at bytes 2l, 2l + 1.
std::vector<uint8_t> f16_bytes(const std::vector<uint16_t>& h)
{
    std::vector<uint8_t> out;
    for (uint16_t v : h) {
        out.push_back(static_cast<uint8_t>(v & 0xFF));
        out.push_back(static_cast<uint8_t>(v >> 8));
    }
    return out;
}

uint16_t lane(const std::vector<uint8_t>& data, unsigned l)
{
    return static_cast<uint16_t>(data[2 * l] | (data[2 * l + 1] << 8));
}

// Named binary16 patterns.
constexpr uint16_t kOne = 0x3C00, kTwo = 0x4000, kThree = 0x4200, kHalf = 0x3800;
constexpr uint16_t k4096 = 0x6C00, kMinus4096 = 0xEC00, kMax = 0x7BFF;  // 65504
constexpr uint16_t kMinSub = 0x0001, kMaxSub = 0x03FF, kMinNormal = 0x0400;
constexpr uint16_t kInf = 0x7C00, kNegInf = 0xFC00, kQNaN = 0x7E00, kNegSNaN = 0xFD01, kNegZero = 0x8000;

// docs/isa.md 1.1-1.5 read declaratively, for all-f16 programs: for each ACC find its ABC,
// the last IW before that ABC and the last LW of each row before that IW; sum each column from
// +0.0 over rows 0..K-1 (or K-1..0 with `reversed`, to show the test can tell), one binary32
// rounding per product and per addition.
std::vector<MxmResult> reference(const MxmParams& p, const std::vector<MxmOp>& ops, bool reversed = false)
{
    std::vector<MxmResult> out;
    std::vector<uint32_t> acc(size_t{p.acc_slots} * p.cols, 0);  // +0.0 after reset
    for (const MxmOp& op : ops) {
        if (op.instr.op != MxmOpcode::ACC)
            continue;
        const uint64_t c = op.cycle;
        const MxmOp* abc = nullptr;
        for (const MxmOp& o : ops)
            if (o.instr.op == MxmOpcode::ABC && o.cycle + p.array_latency == c)
                abc = &o;
        REQUIRE(abc);
        REQUIRE(abc->instr.type == MxmType::F16);
        const MxmOp* iw = nullptr;
        for (const MxmOp& o : ops)
            if (o.instr.op == MxmOpcode::IW && o.cycle < abc->cycle)
                iw = &o;
        std::vector<float> w(size_t{p.rows} * p.cols, 0.0f);
        if (iw)
            for (const MxmOp& o : ops)
                if (o.instr.op == MxmOpcode::LW && o.cycle < iw->cycle)
                    for (unsigned n = 0; n < p.cols; ++n)
                        w[size_t{o.instr.row} * p.cols + n] = f16_value(lane(o.data, n));
        for (unsigned n = 0; n < p.cols; ++n) {
            float sum = 0.0f;
            for (unsigned i = 0; i < p.rows; ++i) {
                const unsigned k = reversed ? p.rows - 1 - i : i;
                const float product = f16_value(lane(abc->data, k)) * w[size_t{k} * p.cols + n];
                sum = sum + product;
            }
            uint32_t& a = acc[size_t{op.instr.slot} * p.cols + n];
            a = op.instr.add ? canonical(from_bits(a) + from_bits(canonical(sum))) : canonical(sum);
        }
        if (!op.instr.emit)
            continue;
        MxmResult r;
        r.acc_id = op.instr.id;
        r.first_cycle = c + p.superlanes + p.acc_latency;
        r.slot = op.instr.slot;
        r.fp32 = true;
        for (unsigned n = 0; n < p.cols; ++n)
            r.values.push_back(static_cast<int32_t>(acc[size_t{op.instr.slot} * p.cols + n]));
        out.push_back(r);
    }
    return out;
}

// Ordinary values (2^-10 .. 2^11, either sign, zeros now and then: ReLU outputs and padding)
// and, in vectors with `specials`, the edge cases: +-0, subnormals, the largest finite value,
// infinities and NaNs (quiet, signalling, negative, with payload).
uint16_t random_f16(Rng& rng, bool specials)
{
    static const uint16_t edge[] = {0x0000, kNegZero, kMinSub, 0x8001,   kMaxSub, kMinNormal, kMax,  0xFBFF,
                                    kInf,   kNegInf,  kQNaN,   kNegSNaN, 0x7C01,  0x3BFF,     0x0200};
    if (specials && rng.chance(1, 12))
        return edge[rng.below(std::size(edge))];
    if (rng.chance(1, 10))
        return rng.chance(1, 2) ? 0x0000 : kNegZero;
    const auto sign = static_cast<uint16_t>(rng.chance(1, 2) ? 0x8000 : 0);
    const auto e = static_cast<uint16_t>(5 + rng.below(21));  // 2^-10 .. 2^10 (x 1.m)
    return static_cast<uint16_t>(sign | (e << 10) | rng.below(1024));
}

std::vector<uint8_t> random_vector(Rng& rng, unsigned lanes)
{
    const bool specials = rng.chance(1, 4);
    std::vector<uint16_t> h(lanes);
    for (auto& v : h)
        v = random_f16(rng, specials);
    return f16_bytes(h);
}

// A legal all-f16 program (docs/isa.md 1.3 and 1.5): LWs into random rows, IWs, ABCs no closer
// than the issue interval, ACCs set/add/emit into random slots; shuffled within each cycle.
std::vector<MxmOp> fp16_program(const MxmParams& p, uint64_t seed, uint64_t cycles)
{
    Rng rng(seed);
    const uint64_t t_iw = p.install_cycles();
    const uint64_t interval = std::max(1u, p.fp16_issue_interval);
    std::vector<MxmOp> ops;
    bool has_iw = false, has_abc = false;
    uint64_t iw = 0, last_abc = 0, id = 0;
    unsigned loaded = 0;
    std::vector<bool> slot_set(p.acc_slots, false);
    for (uint64_t c = 0; c < cycles; ++c) {
        const size_t first = ops.size();
        auto add = [&](MxmOpcode code) -> MxmOp& {
            MxmOp o;
            o.cycle = c;
            o.instr.op = code;
            o.instr.type = MxmType::F16;
            o.instr.id = id++;
            ops.push_back(o);
            return ops.back();
        };
        if (has_abc && last_abc + p.array_latency == c && rng.chance(7, 8)) {
            MxmOp& o = add(MxmOpcode::ACC);
            o.instr.slot = static_cast<uint32_t>(rng.below(p.acc_slots));
            o.instr.add = slot_set[o.instr.slot] && rng.chance(2, 3);
            o.instr.emit = rng.chance(3, 4);
            slot_set[o.instr.slot] = true;
        }
        const bool do_iw = (!has_iw || c >= iw + t_iw) && loaded > 0 && rng.chance(1, 6);
        if (do_iw) {
            add(MxmOpcode::IW);
            has_iw = true;
            iw = c;
            loaded = 0;
        }
        const bool shadow_busy = has_iw && c >= iw && c + 1 < iw + t_iw;
        if (rng.chance(3, 4) && !shadow_busy) {
            MxmOp& o = add(MxmOpcode::LW);
            o.instr.row = static_cast<uint32_t>(rng.below(p.rows));
            o.data = random_vector(rng, p.cols);
            ++loaded;
        }
        const bool torn = has_iw && c > iw && c < iw + t_iw;
        if (rng.chance(2, 3) && !torn && (!has_abc || c >= last_abc + interval)) {
            MxmOp& o = add(MxmOpcode::ABC);
            o.data = random_vector(rng, p.rows);
            has_abc = true;
            last_abc = c;
        }
        for (size_t i = ops.size(); i > first + 1; --i)
            std::swap(ops[i - 1], ops[first + rng.below(i - first)]);
    }
    return ops;
}

std::vector<MxmResult> run(const MxmParams& p, const std::vector<MxmOp>& ops, MxmCore* keep = nullptr)
{
    return test::run_ops(p, ops, keep);
}

uint64_t g_id = 1000;

MxmOp op(uint64_t cycle, MxmOpcode code, MxmType type = MxmType::F16, std::vector<uint8_t> data = {},
         uint32_t row_or_slot = 0, bool add = false, bool emit = true)
{
    MxmOp o;
    o.cycle = cycle;
    o.instr.op = code;
    o.instr.type = type;
    o.instr.id = g_id++;
    o.instr.row = o.instr.slot = row_or_slot;
    o.instr.add = add;
    o.instr.emit = emit;
    o.data = std::move(data);
    return o;
}

MxmOp lw(uint64_t cycle, uint32_t row, const std::vector<uint16_t>& h)
{
    return op(cycle, MxmOpcode::LW, MxmType::F16, f16_bytes(h), row);
}
MxmOp abc(uint64_t cycle, const std::vector<uint16_t>& h)
{
    return op(cycle, MxmOpcode::ABC, MxmType::F16, f16_bytes(h));
}
MxmOp acc(uint64_t cycle, uint32_t slot, bool add = false, bool emit = true)
{
    return op(cycle, MxmOpcode::ACC, MxmType::I8, {}, slot, add, emit);
}

void compare(const std::vector<MxmResult>& got, const std::vector<MxmResult>& want)
{
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        INFO("result " << i << " of ACC #" << want[i].acc_id);
        CHECK(got[i].acc_id == want[i].acc_id);
        CHECK(got[i].first_cycle == want[i].first_cycle);
        CHECK(got[i].slot == want[i].slot);
        CHECK(got[i].fp32);
        CHECK(got[i].values == want[i].values);  // bit patterns
    }
}

// Runs `ops`, expecting a ScheduleError containing every one of `texts`.
void expect_error(const MxmParams& p, const std::vector<MxmOp>& ops, const std::vector<std::string>& texts)
{
    MxmCore core(p);
    MxmResult r;
    try {
        for (const MxmOp& o : ops)
            core.issue(o.instr, o.cycle, o.data.data(), o.data.size(), r);
    } catch (const ScheduleError& e) {
        INFO(e.what());
        for (const auto& t : texts)
            CHECK(std::string(e.what()).find(t) != std::string::npos);
        return;
    }
    FAIL("no schedule error; expected: " << texts.front());
}

}  // namespace

TEST_CASE("the reference's binary16 decoding", "[mxm][fp16]")
{
    CHECK(f16_value(kOne) == 1.0f);
    CHECK(f16_value(kHalf) == 0.5f);
    CHECK(f16_value(k4096) == 4096.0f);
    CHECK(f16_value(kMinus4096) == -4096.0f);
    CHECK(f16_value(kMax) == 65504.0f);
    CHECK(f16_value(kMinSub) == std::ldexp(1.0f, -24));
    CHECK(f16_value(kMaxSub) == std::ldexp(1023.0f, -24));
    CHECK(f16_value(kMinNormal) == std::ldexp(1.0f, -14));
    CHECK(bits(f16_value(kNegZero)) == 0x80000000u);
    CHECK(f16_value(kNegInf) == -std::numeric_limits<float>::infinity());
    CHECK(std::isnan(f16_value(kNegSNaN)));
}

TEST_CASE("fp16 GEMMs equal the reference bit for bit on random legal programs", "[mxm][fp16]")
{
    struct Case {
        MxmParams p;
        const char* what;
    };
    const Case cases[] = {
        {params(1), "tiny, interval 4"},
        {params(1, 1), "tiny, interval 1"},
        {params(2, 3, 8), "S=2, interval 3, install 8 rows/cycle"},
        {params(4, 4, 16, 3, 2, 16), "small, A=3 R=2, 16 slots"},
        {params(3, 2, 48, 2, 1, 2), "S=3, interval 2, whole array in one install cycle"},
    };
    size_t nan = 0, inf = 0, finite_nonzero = 0, order_matters = 0;
    for (const Case& c : cases) {
        for (uint64_t seed = 1; seed <= 4; ++seed) {
            INFO(c.what << ", seed " << seed);
            const auto ops = fp16_program(c.p, seed, 1500);
            const auto want = reference(c.p, ops);
            CHECK(want.size() > 50);
            MxmCore core(c.p);
            compare(run(c.p, ops, &core), want);
            // The test can tell the documented row order from the reverse one.
            const auto reversed = reference(c.p, ops, true);
            for (size_t i = 0; i < want.size(); ++i)
                order_matters += want[i].values != reversed[i].values;
            for (const auto& r : want)
                for (int32_t v : r.values) {
                    const float f = from_bits(static_cast<uint32_t>(v));
                    nan += std::isnan(f);
                    inf += std::isinf(f);
                    finite_nonzero += std::isfinite(f) && f != 0.0f;
                }
            CHECK(core.stats().macs == 0);
            CHECK(core.stats().macs_fp16 == core.stats().instrs[2] * c.p.rows * c.p.cols);
        }
    }
    // The programs reach every class of result, and rounding depends on the order.
    CHECK(nan > 0);
    CHECK(inf > 0);
    CHECK(finite_nonzero > 1000);
    CHECK(order_matters > 0);
}

TEST_CASE("fp16 edge values: inf, NaN, -0, subnormals, largest values, rounding order", "[mxm][fp16]")
{
    const MxmParams p = params(1);  // K = N = 16, T_iw = 1
    // Column n of the weights is chosen per case below; row k of column n is w[k][n].
    std::vector<std::vector<uint16_t>> w(p.rows, std::vector<uint16_t>(p.cols, 0));
    std::vector<uint16_t> a(p.rows, 0);
    // col 0: a = 1 everywhere, w = +inf in row 3: +inf.
    // col 1: +inf in row 2, -inf in row 9: NaN (canonical).
    // col 2: w = +inf in row 5 where a = 0: 0 x inf = NaN, even though the activation is zero.
    // col 3: a NaN weight (negative, signalling, with payload): canonical NaN.
    // col 4: every product is -0 (-0 weights against positive activations, +0 against the -0
    //        one): the sum is still +0, because it starts at +0.0.
    // col 5: smallest subnormal x 1 in rows 3, 6, 7, 8: 4 x 2^-24 = 2^-22, exact.
    // col 6: largest finite 65504 x 65504 in rows 11..14: 4 x 65504^2, exact and finite (a
    //        binary16 product is below 2^32 and a column has at most 4096 of them: binary32
    //        cannot overflow from finite inputs; infinity comes only from infinite inputs).
    // col 7: 4096*4096 + 1*1 - 4096*4096 in rows 0, 1, 2 = 0 in row order (2^24 + 1 rounds to
    //        2^24, ties to even), where the reverse order would give 1.
    // col 8: 4096*4096 + 3 (rows 0, 1) = 2^24 + 4: a tie rounded to the even neighbour, upward.
    // col 9: largest subnormal x smallest subnormal: 1023 x 2^-48, exact and normal in fp32.
    for (unsigned k = 0; k < p.rows; ++k)
        a[k] = kOne;
    a[4] = 0;  // a zero activation (skippable unless its row holds inf/NaN)
    a[5] = kNegZero;
    w[3][0] = kInf;
    w[2][1] = kInf;
    w[9][1] = kNegInf;
    w[5][2] = kInf;  // a[5] = -0: -0 x inf = NaN
    w[7][3] = kNegSNaN;
    for (unsigned k = 0; k < p.rows; ++k)
        w[k][4] = k == 5 ? 0 : kNegZero;
    for (unsigned k : {3u, 6u, 7u, 8u})
        w[k][5] = kMinSub;
    for (unsigned k = 11; k <= 14; ++k) {
        a[k] = kMax;
        w[k][6] = kMax;
    }
    // Rows 0..2 carry the rounding cases; their activations are set to match.
    a[0] = k4096;
    a[1] = kOne;
    a[2] = k4096;
    w[0][7] = k4096;
    w[1][7] = kOne;
    w[2][7] = kMinus4096;
    w[0][8] = k4096;
    w[1][8] = kThree;
    a[10] = kMinSub;
    w[10][9] = kMaxSub;
    std::vector<MxmOp> ops;
    for (unsigned k = 0; k < p.rows; ++k)
        ops.push_back(lw(k, k, w[k]));
    ops.push_back(op(16, MxmOpcode::IW));
    ops.push_back(abc(17, a));
    ops.push_back(acc(18, 0));
    const auto got = run(p, ops);
    compare(got, reference(p, ops));
    REQUIRE(got.size() == 1);
    const auto v = [&](unsigned n) { return static_cast<uint32_t>(got[0].values[n]); };
    CHECK(v(0) == 0x7F800000u);
    CHECK(v(1) == 0x7FC00000u);
    CHECK(v(2) == 0x7FC00000u);
    CHECK(v(3) == 0x7FC00000u);
    CHECK(v(4) == 0x00000000u);
    CHECK(from_bits(v(5)) == std::ldexp(1.0f, -22));
    CHECK(from_bits(v(6)) == static_cast<float>(4 * 65504.0 * 65504.0));
    CHECK(static_cast<double>(from_bits(v(6))) == 4 * 65504.0 * 65504.0);  // no rounding
    CHECK(v(7) == 0x00000000u);
    CHECK(from_bits(v(8)) == 16777220.0f);
    CHECK(from_bits(v(9)) == std::ldexp(1023.0f, -48));
    // Columns without any weight: +0.
    for (unsigned n = 10; n < p.cols; ++n)
        CHECK(v(n) == 0u);
}

TEST_CASE("fp16 accumulation: set copies the column sum, add rounds once per ACC", "[mxm][fp16]")
{
    const MxmParams p = params(1);
    // Column 0: row 0 weight 4096, row 1 weight 1. Column 1: row 2 weight +inf (an infinite
    // activation would meet the zero weights of the other columns: 0 x inf = NaN).
    std::vector<uint16_t> w0(p.cols, 0), w1(p.cols, 0), w2(p.cols, 0);
    w0[0] = k4096;
    w1[0] = kOne;
    w2.at(1) = kInf;  // at(): GCC 12 sees a null pointer in the empty-vector case otherwise
    std::vector<uint16_t> a1(p.rows, 0), a2(p.rows, 0), a3(p.rows, 0);
    a1[0] = k4096;  // column 0: 2^24, column 1: +inf
    a1[2] = kOne;
    a2[1] = kOne;  // column 0: 1, column 1: +inf
    a2[2] = kOne;
    a3[0] = kMinus4096;  // column 0: -2^24, column 1: -inf
    a3[2] = 0xBC00;      // -1
    const std::vector<MxmOp> ops = {lw(0, 0, w0), lw(1, 1, w1),     lw(2, 2, w2), op(3, MxmOpcode::IW),
                                    abc(4, a1),   acc(5, 0),        abc(8, a2),   acc(9, 0, true),
                                    abc(12, a2),  acc(13, 0, true), abc(16, a3),  acc(17, 0, true),
                                    abc(20, a2),  acc(21, 0, false)};
    const auto got = run(p, ops);
    compare(got, reference(p, ops));
    REQUIRE(got.size() == 5);
    const auto v = [&](size_t i, unsigned n) { return static_cast<uint32_t>(got[i].values[n]); };
    CHECK(from_bits(v(0, 0)) == 16777216.0f);
    CHECK(v(0, 1) == 0x7F800000u);
    // Each ACC add rounds once: 2^24 + 1 is a tie and stays 2^24, twice; had the two products
    // been summed first (2) the slot would hold 2^24 + 2.
    CHECK(from_bits(v(1, 0)) == 16777216.0f);
    CHECK(from_bits(v(2, 0)) == 16777216.0f);
    CHECK(v(3, 0) == 0u);               // 2^24 - 2^24 = +0
    CHECK(v(3, 1) == 0x7FC00000u);      // inf + (-inf): canonical NaN (x86 would give 0xFFC00000)
    CHECK(from_bits(v(4, 0)) == 1.0f);  // set starts over
    CHECK(v(4, 1) == 0x7F800000u);

    // After reset a slot holds +0.0: add into it is legal and gives the column sum.
    std::vector<uint16_t> a4(p.rows, 0);
    a4[0] = k4096;
    const std::vector<MxmOp> ops2 = {lw(0, 0, w0), op(1, MxmOpcode::IW), abc(2, a4), acc(3, 2, true)};
    const auto got2 = run(p, ops2);
    compare(got2, reference(p, ops2));
    CHECK(from_bits(static_cast<uint32_t>(got2.at(0).values[0])) == 16777216.0f);
}

TEST_CASE("fp16 weights are double-buffered like int8 weights", "[mxm][fp16]")
{
    for (unsigned s : {1u, 4u}) {
        const MxmParams p = params(s);  // T_iw = s
        const unsigned t_iw = p.install_cycles();
        std::vector<MxmOp> ops;
        uint64_t c = 0;
        // W1: row k all k+1 (small integers, exact). Loaded, installed.
        for (unsigned k = 0; k < p.rows; ++k) {
            std::vector<uint16_t> row(p.cols, static_cast<uint16_t>(0x3C00 + (k % 8) * 0x100));
            ops.push_back(lw(c++, k, row));
        }
        const uint64_t iw1 = c;
        ops.push_back(op(iw1, MxmOpcode::IW));
        c = iw1 + t_iw;
        // W2 (halves) loaded row by row while ABCs keep using W1; then installed.
        std::vector<uint16_t> act(p.rows);
        for (unsigned k = 0; k < p.rows; ++k)
            act[k] = static_cast<uint16_t>(0x3C00 + (k % 5) * 0x80);
        uint64_t last_abc = 0;
        for (unsigned k = 0; k < p.rows; ++k) {
            ops.push_back(lw(c + k, k, std::vector<uint16_t>(p.cols, kHalf)));
            if (k % 4 == 0) {
                ops.push_back(abc(c + k, act));
                ops.push_back(acc(c + k + 1, k % p.acc_slots, false, true));
                last_abc = c + k;
            }
        }
        c += p.rows;
        const uint64_t iw2 = std::max(c, last_abc + 4);
        ops.push_back(op(iw2, MxmOpcode::IW));
        ops.push_back(abc(iw2, act));  // same cycle as IW: still W1
        ops.push_back(acc(iw2 + 1, 0, false, true));
        ops.push_back(abc(iw2 + t_iw + 3, act));  // after the install: W2
        ops.push_back(acc(iw2 + t_iw + 4, 1, true, true));
        std::stable_sort(ops.begin(), ops.end(), [](const MxmOp& x, const MxmOp& y) { return x.cycle < y.cycle; });
        const auto got = run(p, ops);
        compare(got, reference(p, ops));
        REQUIRE(got.size() >= 3);
        CHECK(got.front().values == got[got.size() - 2].values);  // W1 before and at the IW
        CHECK(got.back().values != got.front().values);           // W2 after
    }
}

TEST_CASE("an f16 ABC holds the activation port for fp16_issue_interval cycles", "[mxm][fp16][rules]")
{
    for (unsigned interval : {1u, 2u, 4u, 7u}) {
        INFO("interval " << interval);
        const MxmParams p = params(2, interval);
        const std::vector<uint16_t> a(p.rows, kOne);
        const std::vector<uint8_t> a8(p.rows, 1);
        for (unsigned gap = 1; gap <= interval + 1; ++gap) {
            INFO("gap " << gap);
            for (MxmType second : {MxmType::F16, MxmType::I8, MxmType::U8}) {
                std::vector<MxmOp> ops = {abc(10, a)};
                if (second == MxmType::F16)
                    ops.push_back(abc(10 + gap, a));
                else
                    ops.push_back(op(10 + gap, MxmOpcode::ABC, second, a8));
                if (gap < interval) {
                    expect_error(p, ops,
                                 {"schedule error at cycle " + std::to_string(10 + gap) + " in MXM: 'ABC " +
                                      mxm_type_name(second) + "'",
                                  "f16 ABC #" + std::to_string(ops[0].instr.id) + " of cycle 10",
                                  "chip.mxm.fp16_issue_interval = " + std::to_string(interval),
                                  "next ABC allowed from cycle " + std::to_string(10 + interval)});
                } else {
                    CHECK_NOTHROW(run(p, ops));  // exactly at the interval and later
                }
            }
        }
    }
    // An int8 ABC holds the port one cycle only: an f16 ABC may follow it at once, and a
    // back-to-back f16 stream at the interval gives one product per 4 cycles.
    const MxmParams p = params(1);
    const std::vector<uint16_t> a(p.rows, kOne);
    CHECK_NOTHROW(run(p, {op(0, MxmOpcode::ABC, MxmType::I8, std::vector<uint8_t>(p.rows, 1)), abc(1, a), abc(5, a),
                          abc(9, a), acc(10, 0)}));
    // The rule is on ABCs only: LW, IW, ACC go on in between.
    CHECK_NOTHROW(run(p, {abc(0, a), acc(1, 0), lw(1, 0, a), op(2, MxmOpcode::IW), lw(3, 1, a), abc(4, a), acc(5, 1)}));
}

TEST_CASE("weights of one type per install, ABC and ACC add must match the type", "[mxm][fp16][rules]")
{
    const MxmParams p = params(1);  // T_iw = 1
    const std::vector<uint16_t> h(p.cols, kOne);
    const std::vector<uint8_t> b(p.cols, 1);
    auto lw8 = [&](uint64_t c, uint32_t row, MxmType t = MxmType::I8) { return op(c, MxmOpcode::LW, t, b, row); };
    auto abc8 = [&](uint64_t c, MxmType t = MxmType::I8) { return op(c, MxmOpcode::ABC, t, b); };
    SECTION("mixed rows in one install")
    {
        std::vector<MxmOp> ops = {lw8(0, 0), lw8(1, 1, MxmType::U8), lw(2, 5, h), op(3, MxmOpcode::IW)};
        expect_error(p, ops,
                     {"schedule error at cycle 3 in MXM: 'IW'", "mixed weight types",
                      "row 0 is i8 (LW #" + std::to_string(ops[0].instr.id) + " at cycle 0)",
                      "row 5 is f16 (LW #" + std::to_string(ops[2].instr.id) + " at cycle 2)"});
    }
    SECTION("i8 and u8 rows mix freely; reloading every written row in f16 switches the type")
    {
        std::vector<MxmOp> ops = {lw8(0, 0),
                                  lw8(1, 1, MxmType::U8),
                                  op(2, MxmOpcode::IW),
                                  abc8(3),
                                  acc(4, 0),
                                  lw(5, 0, h),
                                  lw(6, 1, h),
                                  op(7, MxmOpcode::IW),
                                  abc(8, h),
                                  acc(9, 1)};
        MxmCore core(p);
        const auto got = run(p, ops, &core);
        REQUIRE(got.size() == 2);
        CHECK_FALSE(got[0].fp32);
        CHECK(got[0].values[0] == 2);
        CHECK(got[1].fp32);
        CHECK(from_bits(static_cast<uint32_t>(got[1].values[0])) == 2.0f);
        CHECK(core.stats().macs == p.rows * p.cols);
        CHECK(core.stats().macs_fp16 == p.rows * p.cols);
    }
    SECTION("an LW in the IW's own cycle belongs to the next install, also for the type rule")
    {
        // Rows 0, 1 are i8; an f16 LW of row 0 in the IW's cycle is not part of that install
        // (in either order within the cycle), but the next IW would mix it with row 1.
        for (bool lw_first : {true, false}) {
            std::vector<MxmOp> ops = {lw8(0, 0), lw8(1, 1)};
            const MxmOp same = lw(2, 0, h), iw = op(2, MxmOpcode::IW);
            ops.push_back(lw_first ? same : iw);
            ops.push_back(lw_first ? iw : same);
            ops.push_back(abc8(3));
            ops.push_back(acc(4, 0));
            MxmCore core(p);
            const auto got = run(p, ops, &core);
            REQUIRE(got.size() == 1);
            CHECK(got[0].values[0] == 2);  // rows 0 and 1, both i8 1
            ops.push_back(op(5, MxmOpcode::IW));
            expect_error(p, ops, {"schedule error at cycle 5 in MXM: 'IW'", "row 0 is f16", "row 1 is i8"});
        }
    }
    SECTION("ABC type against the installed weights")
    {
        std::vector<MxmOp> ops = {lw8(0, 3), op(1, MxmOpcode::IW), abc(2, h)};
        expect_error(p, ops,
                     {"schedule error at cycle 2 in MXM: 'ABC f16'",
                      "reads the integer weights installed by IW #" + std::to_string(ops[1].instr.id) + " of cycle 1"});
        std::vector<MxmOp> ops2 = {lw(0, 3, h), op(1, MxmOpcode::IW), abc8(2, MxmType::U8)};
        expect_error(p, ops2, {"'ABC u8'", "reads the fp16 weights installed by IW #"});
        // An ABC in the IW's own cycle reads the weights before it: legal here.
        std::vector<MxmOp> ops3 = {
            lw8(0, 3), op(1, MxmOpcode::IW), abc8(2), lw(3, 3, h), op(4, MxmOpcode::IW), abc8(4), acc(5, 0), abc(5, h),
            acc(6, 1)};
        CHECK_NOTHROW(run(p, ops3));
    }
    SECTION("weights never written since reset are zero for either type")
    {
        std::vector<MxmOp> ops = {abc(0, h), acc(1, 0), op(2, MxmOpcode::IW), abc8(4), acc(5, 1), abc(8, h), acc(9, 2)};
        const auto got = run(p, ops);
        REQUIRE(got.size() == 3);
        for (const auto& r : got)
            CHECK(std::all_of(r.values.begin(), r.values.end(), [](int32_t v) { return v == 0; }));
    }
    SECTION("ACC add needs a slot of the product's type; set starts over")
    {
        std::vector<MxmOp> ops = {abc8(0), acc(1, 2), abc(2, h), acc(3, 2, true)};
        expect_error(p, ops,
                     {"schedule error at cycle 3 in MXM: 'ACC 2, add, emit'",
                      "adds the fp16 product of ABC #" + std::to_string(ops[2].instr.id) + " to slot 2",
                      "holds the integer value of ACC #" + std::to_string(ops[1].instr.id) + " of cycle 1"});
        std::vector<MxmOp> ops2 = {abc(0, h), acc(1, 2), abc8(4), acc(5, 2, true)};
        expect_error(p, ops2, {"adds the integer product", "holds the fp16 value"});
        std::vector<MxmOp> ops3 = {abc8(0),   acc(1, 2),       abc(2, h), acc(3, 2, false),
                                   abc(6, h), acc(7, 2, true), abc8(10),  acc(11, 2, false)};
        CHECK_NOTHROW(run(p, ops3));
    }
    SECTION("operand sizes: f16 vectors are 2 bytes per lane")
    {
        MxmCore core(p);
        MxmResult r;
        MxmOp bad = op(0, MxmOpcode::ABC, MxmType::F16, b);  // K bytes, not 2K
        try {
            core.issue(bad.instr, 0, bad.data.data(), bad.data.size(), r);
            FAIL("accepted");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("expected 32 (16 lanes x 2 bytes)") != std::string::npos);
        }
        MxmOp bad_lw = op(1, MxmOpcode::LW, MxmType::F16, b);
        CHECK_THROWS_AS(core.issue(bad_lw.instr, 1, bad_lw.data.data(), bad_lw.data.size(), r), InputError);
    }
}

TEST_CASE("fp16 results have int8's timing, chunk by chunk", "[mxm][fp16][timing]")
{
    for (unsigned s : {1u, 4u, 20u}) {
        for (unsigned a : {1u, 3u}) {
            for (unsigned r : {1u, 2u}) {
                INFO("S " << s << " A " << a << " R " << r);
                const MxmParams p = params(s, 4, 16, a, r);
                std::vector<std::vector<cosim::Beat>> beats;
                for (MxmType t : {MxmType::I8, MxmType::F16}) {
                    const unsigned bytes = mxm_type_bytes(t);
                    const std::vector<uint8_t> w(p.cols * bytes, t == MxmType::F16 ? 0x3C : 1);  // 1.0: 0x3C3C ~ 1.06
                    const std::vector<uint8_t> act(p.rows * bytes, t == MxmType::F16 ? 0x3C : 1);
                    MxmCore core(p);
                    MxmResult res;
                    const MxmOp l = op(0, MxmOpcode::LW, t, w, 0), iw = op(1, MxmOpcode::IW),
                                ab = op(1 + s, MxmOpcode::ABC, t, act), ac = acc(1 + s + a, 0);
                    core.issue(l.instr, 0, l.data.data(), l.data.size(), res);
                    core.issue(iw.instr, 1, nullptr, 0, res);
                    core.issue(ab.instr, 1 + s, ab.data.data(), ab.data.size(), res);
                    REQUIRE(core.issue(ac.instr, 1 + s + a, nullptr, 0, res));
                    CHECK(res.first_cycle == 1 + s + a + s + r);  // c_ABC + A + S + R
                    CHECK(res.fp32 == (t == MxmType::F16));
                    CHECK(res.values[0] != 0);
                    beats.push_back(mxm_result_beats(p, res, "t"));
                }
                REQUIRE(beats[0].size() == s);
                REQUIRE(beats[1].size() == beats[0].size());
                for (unsigned c = 0; c < s; ++c) {
                    CHECK(beats[1][c].cycle == beats[0][c].cycle);
                    CHECK(beats[1][c].cycle == 1 + s + a + s + r + c);  // chunk c, c cycles later
                    CHECK(beats[1][c].lane0 == beats[0][c].lane0);
                }
            }
        }
    }
}

TEST_CASE("fp16_issue_interval: a config parameter, default 4, setting the fp16 peak", "[mxm][fp16][info]")
{
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tsp-v1.yaml");
    CHECK(cfg.mxm.fp16_issue_interval == 4);
    const auto f = chip_figures(cfg);
    CHECK(chip_figure(f, "peak_fp16") == Approx(chip_figure(f, "peak_int8") / 4));
    const std::string yaml = "version: 1\nchip:\n  geometry:\n    superlanes: 1\n  mxm:\n    fp16_issue_interval: 2\n";
    const ChipSpec two = parse_chip_spec(yaml, "t.yaml");
    CHECK(two.mxm.fp16_issue_interval == 2);
    const auto f2 = chip_figures(two);
    CHECK(chip_figure(f2, "peak_fp16") == Approx(chip_figure(f2, "peak_int8") / 2));
    CHECK(format_chip_figures(f2).find("chip.mxm.fp16_issue_interval (2)") != std::string::npos);
    CHECK_THROWS_AS(parse_chip_spec(yaml.substr(0, yaml.size() - 2) + "0\n", "t.yaml"), ConfigError);
}

TEST_CASE("the int8-only RTL co-simulation refuses fp16 instructions", "[mxm][fp16][cosim]")
{
    // MxmRtlDriver is what both `lpusim run --cosim mxm` (MxmChipCosim) and `lpusim cosim mxm`
    // (MxmRtlTransactor) queue instructions through; it refuses before touching the RTL, so no
    // RTL is needed here.
    const MxmParams p = params(1);
    MxmRtlDriver driver(p, nullptr, [](cosim::Beat) {});
    const std::vector<uint8_t> h(2 * p.cols, 0x3C), b(p.cols, 1);
    MxmOp l = op(12, MxmOpcode::LW, MxmType::F16, h, 3);
    l.instr.id = 7;
    try {
        driver.issue(l.instr, 12, l.data.data(), l.data.size());
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find(
                  "the MXM RTL is int8-only; fp16 instruction 'LW 3, f16' (#7, cycle 12) cannot be co-simulated") !=
              std::string::npos);
    }
    const MxmOp a = op(13, MxmOpcode::ABC, MxmType::F16, h);
    CHECK_THROWS_WITH(driver.issue(a.instr, 13, a.data.data(), a.data.size()),
                      Catch::Contains("fp16 instruction 'ABC f16'"));
    CHECK(driver.idle());  // nothing was queued
    const MxmOp ok = op(14, MxmOpcode::LW, MxmType::U8, b, 1);
    CHECK_NOTHROW(driver.issue(ok.instr, 14, ok.data.data(), ok.data.size()));
    CHECK_FALSE(driver.idle());
}
