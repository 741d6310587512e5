// The SXM operations (models/sxm/SxmOps.h, docs/sxm.md) against references written differently
// from the model (standard algorithms, chunked copies, padded look-ups), on L = 16, 64 and 320
// lanes of G = 16 (plus G = 8 for the shape rules), with edge distances and out-of-range maps.
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/sxm/SxmOps.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace lpu;

namespace {

using Vec = std::vector<uint8_t>;
using K = SxmOp::Kind;

struct Shape {
    unsigned lanes, g;
};
const Shape kShapes[] = {{16, 16}, {64, 16}, {320, 16}};

Vec random_vec(Rng& rng, unsigned lanes)
{
    Vec v(lanes);
    for (auto& b : v)
        b = static_cast<uint8_t>(rng.byte() | 1);  // never 0, so a zero fill is visible
    return v;
}

// 0, 1, L/2, L-1 and one more.
std::vector<uint32_t> distances(unsigned lanes) { return {0, 1, lanes / 2, lanes - 1, lanes / 3 + 1}; }

Vec run1(const SxmOp& op, const std::vector<Vec>& in, const Shape& sh)
{
    const auto out = sxm_apply(op, in, sh.lanes, sh.g);
    REQUIRE(out.size() == 1);
    return out[0];
}

}  // namespace

TEST_CASE("sxm: shift up and down fill with zeros", "[sxm]")
{
    Rng rng(11);
    for (const Shape& sh : kShapes)
        for (uint32_t n : distances(sh.lanes)) {
            CAPTURE(sh.lanes, n);
            const Vec x = random_vec(rng, sh.lanes);
            Vec up(sh.lanes, 0), down(sh.lanes, 0);
            std::copy(x.begin(), x.end() - n, up.begin() + n);
            std::copy(x.begin() + n, x.end(), down.begin());
            CHECK(run1(SxmOp::make_shift_up(n), {x}, sh) == up);
            CHECK(run1(SxmOp::make_shift_down(n), {x}, sh) == down);
            CHECK(std::count(up.begin(), up.end(), 0) == static_cast<long>(n));
        }
    // Hand-checked: 16 lanes 0..15 (+1), shift up 3 -> 0 0 0 1 2 ...; down 3 -> 4 5 ... 16 0 0 0.
    Vec x(16);
    for (unsigned l = 0; l < 16; ++l)
        x[l] = static_cast<uint8_t>(l + 1);
    const Vec up = run1(SxmOp::make_shift_up(3), {x}, {16, 16});
    const Vec down = run1(SxmOp::make_shift_down(3), {x}, {16, 16});
    CHECK(up[0] == 0);
    CHECK(up[2] == 0);
    CHECK(up[3] == 1);
    CHECK(up[15] == 13);
    CHECK(down[0] == 4);
    CHECK(down[12] == 16);
    CHECK(down[13] == 0);
}

TEST_CASE("sxm: rotate is cyclic", "[sxm]")
{
    Rng rng(12);
    for (const Shape& sh : kShapes)
        for (uint32_t n : distances(sh.lanes)) {
            CAPTURE(sh.lanes, n);
            const Vec x = random_vec(rng, sh.lanes);
            Vec ref = x;
            std::rotate(ref.begin(), ref.end() - n, ref.end());  // right by n: ref[l] = x[l - n]
            const Vec got = run1(SxmOp::make_rotate(n), {x}, sh);
            CHECK(got == ref);
            // rotating by n and then by L - n (mod L) is the identity
            CHECK(run1(SxmOp::make_rotate((sh.lanes - n) % sh.lanes), {got}, sh) == x);
        }
    Vec x(64);
    for (unsigned l = 0; l < 64; ++l)
        x[l] = static_cast<uint8_t>(l);
    const Vec r = run1(SxmOp::make_rotate(5), {x}, {64, 16});
    CHECK(r[5] == 0);
    CHECK(r[0] == 59);
    CHECK(r[63] == 58);
}

TEST_CASE("sxm: broadcast copies one lane everywhere", "[sxm]")
{
    Rng rng(13);
    for (const Shape& sh : kShapes)
        for (uint32_t n : distances(sh.lanes)) {
            const Vec x = random_vec(rng, sh.lanes);
            CHECK(run1(SxmOp::make_broadcast(n), {x}, sh) == Vec(sh.lanes, x[n]));
        }
}

TEST_CASE("sxm: permute reads a 16-bit lane index, out of range gives 0", "[sxm]")
{
    Rng rng(14);
    for (const Shape& sh : kShapes) {
        CAPTURE(sh.lanes);
        const Vec x = random_vec(rng, sh.lanes);
        std::vector<uint16_t> idx(sh.lanes);
        for (unsigned l = 0; l < sh.lanes; ++l)
            idx[l] = static_cast<uint16_t>(rng.below(sh.lanes));
        // out-of-range indices: L, L + 1, the largest, one with only the high byte set
        idx[0] = static_cast<uint16_t>(sh.lanes);
        idx[1] = static_cast<uint16_t>(sh.lanes + 1);
        idx[2] = 0xFFFF;
        idx[3] = 0x0100 + (sh.lanes > 256 ? 0x100 : 0);  // 256 (or 512): beyond L
        idx[4] = static_cast<uint16_t>(sh.lanes - 1);
        idx[5] = 0;
        if (sh.lanes > 256)
            idx[6] = 300;  // needs the high byte
        Vec lo(sh.lanes), hi(sh.lanes);
        for (unsigned l = 0; l < sh.lanes; ++l) {
            lo[l] = static_cast<uint8_t>(idx[l] & 0xFF);
            hi[l] = static_cast<uint8_t>(idx[l] >> 8);
        }
        Vec padded = x;  // every 16-bit index is valid here, lanes >= L are zero
        padded.resize(65536, 0);
        Vec ref(sh.lanes);
        std::transform(idx.begin(), idx.end(), ref.begin(), [&](uint16_t i) { return padded[i]; });
        const Vec got = run1(SxmOp::make(K::Permute), {x, lo, hi}, sh);
        CHECK(got == ref);
        CHECK(got[0] == 0);
        CHECK(got[1] == 0);
        CHECK(got[2] == 0);
        CHECK(got[3] == 0);
        CHECK(got[4] == x[sh.lanes - 1]);
        CHECK(got[5] == x[0]);
        if (sh.lanes > 256)
            CHECK(got[6] == x[300]);
        // the identity map and the reversal
        for (unsigned l = 0; l < sh.lanes; ++l) {
            lo[l] = static_cast<uint8_t>(l);
            hi[l] = static_cast<uint8_t>(l >> 8);
        }
        CHECK(run1(SxmOp::make(K::Permute), {x, lo, hi}, sh) == x);
        for (unsigned l = 0; l < sh.lanes; ++l) {
            lo[l] = static_cast<uint8_t>(sh.lanes - 1 - l);
            hi[l] = static_cast<uint8_t>((sh.lanes - 1 - l) >> 8);
        }
        CHECK(run1(SxmOp::make(K::Permute), {x, lo, hi}, sh) == Vec(x.rbegin(), x.rend()));
    }
}

TEST_CASE("sxm: distribute shuffles within each superlane, map modulo G", "[sxm]")
{
    Rng rng(15);
    const Shape shapes[] = {{16, 16}, {64, 16}, {320, 16}, {24, 8}};
    for (const Shape& sh : shapes) {
        CAPTURE(sh.lanes, sh.g);
        const Vec x = random_vec(rng, sh.lanes);
        Vec m(sh.lanes);
        for (unsigned l = 0; l < sh.lanes; ++l)           // all 256 values: >= G wraps
            m[l] = l == 0   ? static_cast<uint8_t>(sh.g)  // -> lane 0 of its superlane
                   : l == 1 ? uint8_t{255}                // -> 255 mod G
                            : rng.byte();
        // Reference: split into superlane chunks and index each chunk.
        std::vector<Vec> chunks;
        for (unsigned s = 0; s < sh.lanes / sh.g; ++s)
            chunks.emplace_back(x.begin() + s * sh.g, x.begin() + (s + 1) * sh.g);
        Vec ref;
        for (unsigned s = 0; s < chunks.size(); ++s)
            for (unsigned i = 0; i < sh.g; ++i)
                ref.push_back(chunks[s].at(m[s * sh.g + i] % sh.g));
        const Vec got = run1(SxmOp::make(K::Distribute), {x, m}, sh);
        CHECK(got == ref);
        CHECK(got[0] == x[0]);
        CHECK(got[1] == x[255 % sh.g]);
        // a map that asks for lane 0 of every superlane broadcasts it within the superlane
        const Vec zero(sh.lanes, 0);
        const Vec b = run1(SxmOp::make(K::Distribute), {x, zero}, sh);
        for (unsigned l = 0; l < sh.lanes; ++l)
            CHECK(b[l] == x[l / sh.g * sh.g]);
    }
}

TEST_CASE("sxm: select picks a where the mask is non-zero", "[sxm]")
{
    Rng rng(16);
    for (const Shape& sh : kShapes) {
        const Vec a = random_vec(rng, sh.lanes), b = random_vec(rng, sh.lanes);
        Vec mask(sh.lanes);
        for (unsigned l = 0; l < sh.lanes; ++l)  // any non-zero byte counts, not only 1 or the sign bit
            mask[l] = l == 0             ? uint8_t{0}
                      : l == 1           ? uint8_t{0x80}
                      : l == 2           ? uint8_t{0x01}
                      : rng.chance(1, 2) ? uint8_t{0}
                                         : rng.byte();
        Vec ref(sh.lanes);
        std::transform(mask.begin(), mask.end(), a.begin(), ref.begin(),
                       [](uint8_t m, uint8_t x) { return m ? x : 0; });
        for (unsigned l = 0; l < sh.lanes; ++l)
            if (!mask[l])
                ref[l] = b[l];
        const Vec got = run1(SxmOp::make(K::Select), {mask, a, b}, sh);
        CHECK(got == ref);
        CHECK(got[0] == b[0]);
        CHECK(got[1] == a[1]);
        CHECK(got[2] == a[2]);
    }
}

TEST_CASE("sxm: transpose swaps vector and lane within each G x G block", "[sxm]")
{
    Rng rng(17);
    const Shape shapes[] = {{16, 16}, {64, 16}, {320, 16}, {24, 8}};
    for (const Shape& sh : shapes) {
        CAPTURE(sh.lanes, sh.g);
        const SxmOp t = SxmOp::make(K::Transpose);
        REQUIRE(t.inputs(sh.g) == sh.g);
        REQUIRE(t.outputs(sh.g) == sh.g);
        std::vector<Vec> in;
        for (unsigned i = 0; i < sh.g; ++i)
            in.push_back(random_vec(rng, sh.lanes));
        // Reference: blocks[s] is a G x G matrix (row = input vector), transposed explicitly.
        const unsigned S = sh.lanes / sh.g;
        std::vector<std::vector<Vec>> blocks(S, std::vector<Vec>(sh.g, Vec(sh.g)));
        for (unsigned s = 0; s < S; ++s)
            for (unsigned r = 0; r < sh.g; ++r)
                for (unsigned c = 0; c < sh.g; ++c)
                    blocks[s][c][r] = in[r][s * sh.g + c];  // store transposed
        std::vector<Vec> ref(sh.g);
        for (unsigned j = 0; j < sh.g; ++j)
            for (unsigned s = 0; s < S; ++s)
                ref[j].insert(ref[j].end(), blocks[s][j].begin(), blocks[s][j].end());
        const auto got = sxm_apply(t, in, sh.lanes, sh.g);
        CHECK(got == ref);
        // the definition, for one element
        const unsigned s = S - 1, i = 3, j = 5;
        CHECK(got[j][s * sh.g + i] == in[i][s * sh.g + j]);
        // twice is the identity
        CHECK(sxm_apply(t, got, sh.lanes, sh.g) == in);
    }
}

TEST_CASE("sxm: outputs may alias inputs", "[sxm]")
{
    Rng rng(18);
    Vec x = random_vec(rng, 64);
    Vec ref = x;
    std::rotate(ref.begin(), ref.end() - 7, ref.end());
    const uint8_t* in[] = {x.data()};
    uint8_t* out[] = {x.data()};
    sxm_apply(SxmOp::make_rotate(7), in, out, 64, 16);
    CHECK(x == ref);

    std::vector<Vec> m(16);
    for (auto& v : m)
        v = random_vec(rng, 64);
    const std::vector<Vec> orig = m;
    std::vector<const uint8_t*> ip;
    std::vector<uint8_t*> op;
    for (auto& v : m) {
        ip.push_back(v.data());
        op.push_back(v.data());
    }
    const SxmOp t = SxmOp::make(K::Transpose);
    sxm_apply(t, ip.data(), op.data(), 64, 16);
    CHECK(m == sxm_apply(t, orig, 64, 16));
}

TEST_CASE("sxm: operand counts and validation", "[sxm]")
{
    CHECK(SxmOp::make_shift_up(1).inputs(16) == 1);
    CHECK(SxmOp::make_rotate(1).outputs(16) == 1);
    CHECK(SxmOp::make(K::Permute).inputs(16) == 3);
    CHECK(SxmOp::make(K::Distribute).inputs(16) == 2);
    CHECK(SxmOp::make(K::Select).inputs(16) == 3);
    CHECK(SxmOp::make(K::Select).outputs(16) == 1);

    CHECK_NOTHROW(SxmOp::make_shift_up(319).validate(320, 16));
    CHECK_THROWS_WITH(SxmOp::make_shift_up(320).validate(320, 16),
                      Catch::Contains("'shift up 320': distance 320 is not in 0..319 (320 lanes)"));
    CHECK_THROWS_WITH(SxmOp::make_rotate(16).validate(16, 16), Catch::Contains("distance 16 is not in 0..15"));
    CHECK_THROWS_WITH(SxmOp::make_broadcast(64).validate(64, 16),
                      Catch::Contains("'broadcast 64': source lane 64 is not in 0..63"));
    CHECK_THROWS_WITH(SxmOp::make(K::Select).validate(40, 16),
                      Catch::Contains("40 lanes are not a positive multiple of 16 lanes per superlane"));
    CHECK_THROWS_AS(SxmOp::make(K::Select).validate(16, 0), InputError);
    CHECK_THROWS_AS(SxmOp::make(K::Select).validate(0, 16), InputError);

    const Vec v16(16, 1);
    CHECK_THROWS_AS(sxm_apply(SxmOp::make_shift_down(16), {v16}, 16, 16), InputError);
    CHECK_THROWS_WITH(sxm_apply(SxmOp::make(K::Select), {v16, v16}, 16, 16),
                      Catch::Contains("'select': expected 3 input vectors, got 2"));
    CHECK_THROWS_WITH(sxm_apply(SxmOp::make(K::Transpose), {v16}, 16, 16),
                      Catch::Contains("expected 16 input vectors, got 1"));
    CHECK_THROWS_WITH(sxm_apply(SxmOp::make(K::Distribute), {v16, Vec(15)}, 16, 16),
                      Catch::Contains("input vector 1 has 15 bytes, expected 16"));
}

TEST_CASE("sxm: operations print and parse back", "[sxm]")
{
    const SxmOp ops[] = {SxmOp::make_shift_up(0),  SxmOp::make_shift_up(319),  SxmOp::make_shift_down(5),
                         SxmOp::make_rotate(0),    SxmOp::make_rotate(160),    SxmOp::make_broadcast(7),
                         SxmOp::make(K::Permute),  SxmOp::make(K::Distribute), SxmOp::make(K::Select),
                         SxmOp::make(K::Transpose)};
    for (const SxmOp& op : ops) {
        const std::string text = op.disasm();
        CAPTURE(text);
        CHECK(parse_sxm_op(text) == op);
        CHECK(parse_sxm_op("  " + text + "\t") == op);
        CHECK(parse_sxm_op(text).disasm() == text);
    }
    CHECK(SxmOp::make_shift_up(3).disasm() == "shift up 3");
    CHECK(SxmOp::make_shift_down(3).disasm() == "shift down 3");
    CHECK(SxmOp::make_rotate(1).disasm() == "rotate 1");
    CHECK(SxmOp::make_broadcast(2).disasm() == "broadcast 2");
    CHECK(SxmOp::make(K::Transpose).disasm() == "transpose");
    CHECK(parse_sxm_op("rotate 0x10") == SxmOp::make_rotate(16));
    CHECK(parse_sxm_op("shift   down  007") == SxmOp::make_shift_down(7));
    CHECK(parse_sxm_op("rotate 4294967295").n == 4294967295u);  // parses; validate() rejects it
}

TEST_CASE("sxm: bad text says what is wrong", "[sxm]")
{
    auto bad = [](const std::string& text, const std::string& msg) {
        CAPTURE(text);
        CHECK_THROWS_AS(parse_sxm_op(text), InputError);
        CHECK_THROWS_WITH(parse_sxm_op(text), Catch::Contains(msg));
    };
    bad("", "empty SXM operation");
    bad("   ", "empty SXM operation");
    bad("frob", "unknown SXM operation 'frob'");
    bad("Rotate 3", "unknown SXM operation 'Rotate'");  // names are lower case
    bad("shift 3", "expected 'shift up|down N'");
    bad("shift up", "expected 'shift up|down N'");
    bad("shift up 1 2", "expected 'shift up|down N'");
    bad("shift left 3", "shift direction 'left' is not up or down");
    bad("shift up -1", "distance '-1' is not an integer in 0..4294967295");
    bad("shift down 1x", "distance '1x' is not an integer");
    bad("rotate", "expected 'rotate N'");
    bad("rotate 4294967296", "distance '4294967296' is not an integer");
    bad("rotate 0x", "distance '0x' is not an integer");
    bad("rotate 0xg1", "distance '0xg1' is not an integer");
    bad("broadcast", "expected 'broadcast LANE'");
    bad("broadcast +2", "source lane '+2' is not an integer");
    bad("permute 3", "'permute' takes no operand");
    bad("transpose 16", "'transpose' takes no operand");
    bad("select a b", "'select' takes no operand");
}
