// Every VXM and SXM operation through the whole-chip runner (assemble + Chip::run): operands are
// read from MEM onto streams timed to meet the unit at the issue cycle, the result is written back
// by MEM Writes at exactly the landing cycle, and every lane is compared with a reference. The
// libraries themselves are tested in test_vxm_*.cpp and test_sxm_ops.cpp; what is tested here is
// the runner's plumbing: byte planes of wide types on consecutive streams, directions, positions,
// latencies from the config, and the schedule errors a program can make.
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/Floorplan.h"
#include "models/vxm/VxmAlu.h"

#include "ChipTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

using namespace lpu;
using namespace lpu::test;

namespace {

std::string hex(uint64_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

// Builds a program from instructions placed at absolute cycles: each queue's list is sorted and
// the gaps become NOPs, so tests state *when* things happen (derived from floorplan positions and
// config latencies) instead of counting NOPs. Remembers each instruction's source line, so error
// messages can be checked for file:line:column.
class Bench {
public:
    explicit Bench(const ChipSpec& c)
        : cfg(c), map(c), read_latency(c.mem.read_latency), alu_latency(c.vxm.alu_latency), sxm_latency(c.sxm.latency),
          lanes(c.chip.lanes()), G(c.chip.lanes_per_superlane), half(c.mem.slices / 2)
    {}

    const ChipSpec& cfg;
    QueueMap map;
    // The timing the program is *built* for; retime() changes it to build a mistimed program.
    unsigned read_latency, alu_latency, sxm_latency;
    unsigned lanes, G, half;

    struct Timing {
        unsigned read = 0, alu = 0, sxm = 0;  // 0: the config's
    };
    void retime(const Timing& t)
    {
        read_latency = t.read ? t.read : read_latency;
        alu_latency = t.alu ? t.alu : alu_latency;
        sxm_latency = t.sxm ? t.sxm : sxm_latency;
    }

    unsigned pos(const std::string& queue) const
    {
        const int q = map.find(queue);
        if (q < 0)
            throw std::logic_error("no queue " + queue);
        return map.queues()[static_cast<size_t>(q)].position;
    }
    // A cycle late enough that every Read feeding a value to any position in it can issue.
    uint64_t start() const { return read_latency + map.positions(); }

    static std::string mem(char side, unsigned index) { return std::string("MEM_") + side + std::to_string(index); }
    static std::string stream(unsigned index, bool east) { return "s" + std::to_string(index) + (east ? "e" : "w"); }

    // `n` unused consecutive MEM slices on `side` ('W' or 'E'), counted outward; the first's index.
    unsigned take(char side, unsigned n)
    {
        unsigned& next = side == 'W' ? next_w_ : next_e_;
        const unsigned first = next;
        next += n;
        if (next > half)
            throw std::logic_error("test needs more MEM slices than the hemisphere has");
        return first;
    }

    void tensor(const std::string& name, char side, unsigned first, unsigned addr, unsigned rows, const char* type)
    {
        tensors_.push_back(".tensor " + name + " " + mem(side, first) + " " + hex(addr) + " " + std::to_string(rows) +
                           " " + type);
    }

    // Read word `addr` of MEM slice `slice` so that the value is on stream `index` at position `at`
    // in cycle `t` (the stream's direction is the one from the slice towards `at`).
    int feed(const std::string& slice, unsigned addr, unsigned index, unsigned at, uint64_t t)
    {
        const unsigned p = pos(slice), hops = p > at ? p - at : at - p;
        if (t < read_latency + hops)
            throw std::logic_error("feed too early");
        return add(slice, t - read_latency - hops, "Read " + hex(addr) + ", " + stream(index, p < at));
    }
    // Write to word `addr` of `slice` the value that a producer at position `from` drove onto
    // stream `index` in cycle `t`.
    int drain(const std::string& slice, unsigned addr, unsigned index, unsigned from, uint64_t t)
    {
        const unsigned p = pos(slice), hops = p > from ? p - from : from - p;
        return add(slice, t + hops, "Write " + hex(addr) + ", " + stream(index, from < p));
    }
    // `text` on `queue` in cycle `t`; `busy` cycles pass before the queue's next instruction
    // (more than 1 only for a Repeat line, placed at its first repetition).
    int add(const std::string& queue, uint64_t t, const std::string& text, uint64_t busy = 1)
    {
        if (map.find(queue) < 0)
            throw std::logic_error("no queue " + queue);
        items_.push_back(Item{queue, t, busy, text});
        return static_cast<int>(items_.size() - 1);
    }

    std::string source()
    {
        std::ostringstream os;
        int line = 1;
        for (const auto& t : tensors_) {
            os << t << "\n";
            ++line;
        }
        std::map<std::string, std::vector<size_t>> by_queue;
        for (size_t i = 0; i < items_.size(); ++i)
            by_queue[items_[i].queue].push_back(i);
        for (auto& [queue, list] : by_queue) {
            std::stable_sort(list.begin(), list.end(), [&](size_t a, size_t b) { return items_[a].t < items_[b].t; });
            os << ".queue " << queue << "\n";
            ++line;
            uint64_t ready = 0;  // the first cycle the queue can issue in
            for (size_t i : list) {
                Item& it = items_[i];
                if (it.t < ready)
                    throw std::logic_error(queue + ": two instructions want cycle " + std::to_string(it.t));
                if (it.t > ready) {
                    os << " NOP " << it.t - ready << "\n";
                    ++line;
                }
                os << " " << it.text << "\n";
                it.line = line++;
                ready = it.t + it.busy;
            }
        }
        return os.str();
    }
    Program assemble() { return lpu::assemble(source(), "p.s", cfg); }

    // After source(): "p.s:LINE:2" (instructions are indented by one blank).
    std::string where(int id) const
    {
        const int line = items_.at(static_cast<size_t>(id)).line;
        if (line == 0)
            throw std::logic_error("where() before source()");
        return "p.s:" + std::to_string(line) + ":2";
    }
    uint64_t cycle(int id) const { return items_.at(static_cast<size_t>(id)).t; }
    const std::string& queue(int id) const { return items_.at(static_cast<size_t>(id)).queue; }
    // The last operand of an instruction: a Write's stream.
    std::string last_operand(int id) const
    {
        const std::string& text = items_.at(static_cast<size_t>(id)).text;
        return text.substr(text.rfind(' ') + 1);
    }
    // How the runner names an instruction: "MEM_E3: 'Write 0x0, s0e' (p.s:5:2)".
    std::string who(int id) const
    {
        const Item& it = items_.at(static_cast<size_t>(id));
        return it.queue + ": '" + it.text + "' (" + where(id) + ")";
    }

private:
    struct Item {
        std::string queue;
        uint64_t t, busy;
        std::string text;
        int line = 0;
    };
    std::vector<Item> items_;
    std::vector<std::string> tensors_;
    unsigned next_w_ = 0, next_e_ = 0;
};

// The runner's report for a stream read where no value is (the start of it: the rest explains).
Catch::Matchers::StdString::StartsWithMatcher no_value(const Bench& b, int id, const std::string& stream)
{
    return Catch::StartsWith("schedule error at cycle " + std::to_string(b.cycle(id)) + ": " + b.who(id) +
                             " reads stream " + stream + " at position " + std::to_string(b.pos(b.queue(id))) +
                             " but no value is there");
}

// ---- plain C++ integer references (docs/vxm-numerics.md sections 3.1, 4.1, 5) ----

uint32_t low_mask(unsigned bits) { return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1; }
int64_t sext(uint32_t w, unsigned bits)
{
    const auto v = static_cast<int64_t>(w & low_mask(bits));
    return v >= (int64_t{1} << (bits - 1)) ? v - (int64_t{1} << bits) : v;
}
uint32_t wrap(int64_t v) { return static_cast<uint32_t>(static_cast<uint64_t>(v)); }  // low 32 bits
int64_t saturate(int64_t v, unsigned bits)
{
    const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
    return std::min(std::max(v, lo), hi);
}

uint32_t ref_binary(VxmBinaryOp op, VxmType t, uint32_t x, uint32_t y)
{
    if (vxm_is_float(t))  // IEEE details are the library's, tested bit-exactly against numpy
        return vxm_binary(op, t, x, y);
    const unsigned bits = vxm_type_bits(t);
    const int64_t a = sext(x, bits), b = sext(y, bits);
    switch (op) {
    case VxmBinaryOp::Add: return wrap(a + b);
    case VxmBinaryOp::Sub: return wrap(a - b);
    case VxmBinaryOp::Mul: return wrap(a * b);  // |a * b| <= 2^62
    case VxmBinaryOp::Max: return wrap(std::max(a, b));
    case VxmBinaryOp::Min: return wrap(std::min(a, b));
    case VxmBinaryOp::AddSat: return wrap(saturate(a + b, bits));
    case VxmBinaryOp::SubSat: return wrap(saturate(a - b, bits));
    case VxmBinaryOp::And: return wrap(a & b);
    case VxmBinaryOp::Or: return wrap(a | b);
    case VxmBinaryOp::Xor: return wrap(a ^ b);
    }
    throw std::logic_error("binary op");
}

uint32_t ref_unary(VxmUnaryOp op, VxmType t, uint32_t x)
{
    if (vxm_is_float(t))
        return vxm_unary(op, t, x);
    const int64_t a = sext(x, vxm_type_bits(t));
    switch (op) {
    case VxmUnaryOp::Neg: return wrap(-a);
    case VxmUnaryOp::Abs: return wrap(a < 0 ? -a : a);
    case VxmUnaryOp::Relu: return wrap(a > 0 ? a : 0);
    default: break;
    }
    throw std::logic_error("unary op");
}

uint32_t ref_convert(VxmType from, VxmType to, uint32_t x)
{
    if (vxm_is_int(from) && vxm_is_int(to))  // exact, or saturating when narrowing
        return wrap(saturate(sext(x, vxm_type_bits(from)), vxm_type_bits(to)));
    if (vxm_is_int(from) && to == VxmType::F32) {  // the host converts with round to nearest even
        const float f = static_cast<float>(static_cast<int32_t>(sext(x, vxm_type_bits(from))));
        uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        return bits;
    }
    return vxm_convert(from, to, x);
}

// q = saturate(round(x * M / 2^shift) + zp), with the division done as an exact floor division
// and the tie decided by comparing the remainder with half the divisor.
uint32_t ref_requant(int32_t m, unsigned shift, int32_t zp, VxmRounding mode, bool out_unsigned, uint32_t lane)
{
    const int64_t p = int64_t{static_cast<int32_t>(lane)} * m;
    int64_t q = p;
    if (shift > 0) {
        const int64_t d = int64_t{1} << shift;
        int64_t fl = p / d;
        if (p % d != 0 && p < 0)
            --fl;  // C++ division truncates toward zero; floor is one less for negative inexact
        const int64_t rem = p - fl * d, half = d / 2;  // 0 <= rem < d
        if (mode == VxmRounding::Floor || rem < half)
            q = fl;
        else if (rem > half)
            q = fl + 1;
        else if (mode == VxmRounding::HalfEven)
            q = fl % 2 == 0 ? fl : fl + 1;
        else if (mode == VxmRounding::HalfAway)
            q = fl < 0 ? fl : fl + 1;  // -2.5: fl = -3 is away from zero; 2.5: fl + 1 = 3
        else
            q = fl + 1;  // HalfUp
    }
    q += zp;
    q = out_unsigned ? std::min<int64_t>(std::max<int64_t>(q, 0), 255) : saturate(q, 8);
    return wrap(q);
}

// ---- VXM cases ----

struct VxmCase {
    std::string text;      // the operation as assembly: "add i32", "convert i8 f32", "requant ..."
    VxmType type, result;  // operand and result types (result: how many byte planes land)
    unsigned operands;
    std::function<uint32_t(uint32_t, uint32_t)> want;  // operand lane words -> result lane word
};

std::vector<VxmCase> binary_cases()
{
    std::vector<VxmCase> v;
    for (unsigned o = 0; o < kVxmBinaryOps; ++o)
        for (VxmType t : kVxmAllTypes) {
            const auto op = static_cast<VxmBinaryOp>(o);
            if (vxm_supports(op, t))
                v.push_back({std::string(vxm_op_name(op)) + " " + vxm_type_name(t), t, t, 2,
                             [op, t](uint32_t x, uint32_t y) { return ref_binary(op, t, x, y); }});
        }
    return v;
}

std::vector<VxmCase> unary_cases()
{
    std::vector<VxmCase> v;
    for (unsigned o = 0; o < kVxmUnaryOps; ++o)
        for (VxmType t : kVxmAllTypes) {
            const auto op = static_cast<VxmUnaryOp>(o);
            if (vxm_supports(op, t))
                v.push_back({std::string(vxm_op_name(op)) + " " + vxm_type_name(t), t, t, 1,
                             [op, t](uint32_t x, uint32_t) { return ref_unary(op, t, x); }});
        }
    return v;
}

std::vector<VxmCase> convert_cases()
{
    std::vector<VxmCase> v;
    for (VxmType from : kVxmAllTypes)
        for (VxmType to : kVxmAllTypes)
            v.push_back({std::string("convert ") + vxm_type_name(from) + " " + vxm_type_name(to), from, to, 1,
                         [from, to](uint32_t x, uint32_t) { return ref_convert(from, to, x); }});
    return v;
}

std::vector<VxmCase> requant_cases()
{
    // Small multipliers make ties frequent (x = 4 mod 8 for 5 / 2^3) and results straddle the
    // saturation bounds; the Q31-style one exercises the full 64-bit product.
    struct Params {
        int32_t m;
        unsigned shift;
        int32_t zp;
    };
    const Params sets[] = {{5, 3, -7}, {-3, 2, 100}, {1518500250, 35, -3}};
    std::vector<VxmCase> v;
    const VxmRounding modes[] = {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor};
    const char* names[] = {"half_even", "half_away", "half_up", "floor"};
    for (const bool u : {false, true})
        for (unsigned r = 0; r < 4; ++r)
            for (const Params& s : sets) {
                const VxmRounding mode = modes[r];
                v.push_back({std::string("requant ") + (u ? "u8 " : "i8 ") + std::to_string(s.m) + " " +
                                 std::to_string(s.shift) + " " + std::to_string(s.zp) + " " + names[r],
                             VxmType::I32, VxmType::I8, 1, [s, mode, u](uint32_t x, uint32_t) {
                                 return ref_requant(s.m, s.shift, s.zp, mode, u, x);
                             }});
            }
    return v;
}

const VxmCase& find_case(const std::vector<VxmCase>& cases, const std::string& text)
{
    for (const auto& c : cases)
        if (c.text == text)
            return c;
    throw std::logic_error("no case " + text);
}

std::vector<uint32_t> edges(VxmType t)
{
    switch (t) {
    case VxmType::I8: return {0x80, 0x7F, 0, 0xFF, 1, 0x81, 0x7E, 0x40};
    case VxmType::I16: return {0x8000, 0x7FFF, 0, 0xFFFF, 1, 0x8001, 0x7FFE, 0x0080, 0xFF7F, 0x00FF};
    case VxmType::I32:  // INT_MIN/MAX, around them, i16/i8 saturation bounds, 2^24 + 1 (f32 rounding)
        return {0x80000000, 0x7FFFFFFF, 0,   0xFFFFFFFF, 1,     0x80000001, 0x7FFFFFFE, 0x8000,
                0xFFFF7FFF, 0x1000001,  300, 0xFFFFFF7F, 65520, 2049,       4,          0xFFFFFFFC};
    case VxmType::F16:  // +-0, +-inf, NaNs with sign and payload, subnormals, max, 1, ties 2.5/-1.5, 127.5
        return {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFD01, 0x0001, 0x83FF,
                0x7BFF, 0x3C00, 0x4100, 0xBE00, 0x57F8, 0x3800, 0xC500, 0x1F79};
    case VxmType::F32:
        return {0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFA00001,
                0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x3F800000, 0x40200000, 0xBFC00000,
                0x42FF0000, 0x4F000000, 0xCF000001, 0x477FF000, 0x33000000, 0x42B17217};
    }
    return {};
}

uint32_t random_lane(Rng& rng, VxmType t)
{
    const uint32_t bits = static_cast<uint32_t>(rng.next());
    switch (t) {
    case VxmType::I8:
    case VxmType::I16:
    case VxmType::I32: {
        const uint64_t kind = rng.below(3);  // any pattern, or small values where wrap/saturation is rarer
        const int64_t v = kind == 0   ? int64_t{static_cast<int32_t>(bits)}
                          : kind == 1 ? static_cast<int64_t>(rng.below(601)) - 300
                                      : static_cast<int64_t>(rng.below(10001)) - 5000;
        return wrap(v) & low_mask(vxm_type_bits(t));
    }
    case VxmType::F16:  // any pattern, or a moderate value in 2^-5 .. 2^6
        return rng.chance(1, 2)
                   ? (bits & 0xFFFF)
                   : static_cast<uint32_t>((rng.below(2) << 15) | ((10 + rng.below(11)) << 10) | rng.below(1024));
    case VxmType::F32:  // any pattern, or a moderate value in 2^-9 .. 2^8
        return rng.chance(1, 2)
                   ? bits
                   : static_cast<uint32_t>((rng.below(2) << 31) | ((118 + rng.below(17)) << 23) | rng.below(1u << 23));
    }
    return bits;
}

// Byte planes of lane words as a tensor's bytes: element l of row r at (r * lanes + l) * width.
std::vector<uint8_t> to_bytes(const std::vector<uint32_t>& words, unsigned width)
{
    std::vector<uint8_t> out(words.size() * width);
    for (size_t i = 0; i < words.size(); ++i)
        for (unsigned k = 0; k < width; ++k)
            out[i * width + k] = static_cast<uint8_t>(words[i] >> (8 * k));
    return out;
}
std::vector<uint32_t> from_bytes(const std::vector<uint8_t>& bytes, unsigned width)
{
    std::vector<uint32_t> out(bytes.size() / width, 0);
    for (size_t i = 0; i < out.size(); ++i)
        for (unsigned k = 0; k < width; ++k)
            out[i] |= uint32_t{bytes[i * width + k]} << (8 * k);
    return out;
}

// A tensor element type with the right width to hold raw byte planes (.tensor has no i16; its
// bytes are laid out like f16's, and the test only moves bytes).
const char* container(unsigned width) { return width == 1 ? "u8" : width == 2 ? "f16" : "i32"; }

// Where the operands come from and the result goes: direction of each stream group (east means
// an operand comes from the west hemisphere, a result lands in the east one) and the VXM queue.
struct Layout {
    bool x_east = true, y_east = false, z_east = true;
    unsigned queue = 0;
};
Layout layout_for(unsigned i, unsigned vxm_queues)
{
    return Layout{(i & 1) != 0, (i & 2) != 0, (i & 4) == 0, i % vxm_queues};
}

// Deliberate mistiming: added to every result Write, or to the Read of one byte plane of x.
struct Skew {
    int drain = 0;
    int feed = 0;
    unsigned feed_plane = 0;
};

constexpr unsigned kX = 1, kY = 6, kZ = 11;  // first stream of each group (z may need 4: 11..14)

struct VxmProgram {
    explicit VxmProgram(const ChipSpec& cfg) : b(cfg) {}
    Bench b;
    unsigned rows = 0, bx = 0, by = 0, bz = 0;
    std::string queue, x_stream, z_stream;
    std::vector<int> ops, write0;  // per row: the VXM instruction, the Write of result plane 0
};

VxmProgram build_vxm(const ChipSpec& cfg, const VxmCase& c, unsigned rows, const Layout& lay, const Skew& skew = {},
                     const Bench::Timing& timing = {})
{
    VxmProgram v(cfg);
    Bench& b = v.b;
    b.retime(timing);
    v.rows = rows;
    v.bx = vxm_type_bits(c.type) / 8;
    v.by = c.operands == 2 ? v.bx : 0;
    v.bz = vxm_type_bits(c.result) / 8;
    const char xs = lay.x_east ? 'W' : 'E', ys = lay.y_east ? 'W' : 'E', zs = lay.z_east ? 'E' : 'W';
    const unsigned xf = b.take(xs, v.bx), yf = v.by ? b.take(ys, v.by) : 0, zf = b.take(zs, v.bz);
    b.tensor("x", xs, xf, 0, rows, container(v.bx));
    if (v.by)
        b.tensor("y", ys, yf, 0, rows, container(v.by));
    b.tensor("z", zs, zf, 0, rows, container(v.bz));
    v.queue = "VXM." + std::to_string(lay.queue);
    v.x_stream = Bench::stream(kX, lay.x_east);
    v.z_stream = Bench::stream(kZ, lay.z_east);
    std::string text = c.text + ", " + v.x_stream;
    if (v.by)
        text += ", " + Bench::stream(kY, lay.y_east);
    text += ", " + v.z_stream;
    const unsigned at = b.pos(v.queue);
    for (unsigned r = 0; r < rows; ++r) {
        const uint64_t t = b.start() + r;
        for (unsigned k = 0; k < v.bx; ++k)
            b.feed(Bench::mem(xs, xf + k), r, kX + k, at,
                   static_cast<uint64_t>(static_cast<int64_t>(t) + (k == skew.feed_plane ? skew.feed : 0)));
        for (unsigned k = 0; k < v.by; ++k)
            b.feed(Bench::mem(ys, yf + k), r, kY + k, at, t);
        v.ops.push_back(b.add(v.queue, t, text));
        for (unsigned k = 0; k < v.bz; ++k) {
            const int id = b.drain(Bench::mem(zs, zf + k), r, kZ + k, at,
                                   static_cast<uint64_t>(static_cast<int64_t>(t + b.alu_latency) + skew.drain));
            if (k == 0)
                v.write0.push_back(id);
        }
    }
    return v;
}

// Operands: every edge value (every pair of edges for binary operations), then seeded random.
struct Operands {
    unsigned rows = 0;
    std::vector<uint32_t> x, y;
};
Operands make_operands(const VxmCase& c, unsigned lanes, uint64_t seed, unsigned rows = 0)
{
    Rng rng(seed);
    const std::vector<uint32_t> e = edges(c.type);
    const size_t E = e.size(), edge_lanes = c.operands == 2 ? E * E : E;
    Operands o;
    o.rows = rows ? rows : static_cast<unsigned>((edge_lanes + lanes - 1) / lanes + 2);
    const size_t n = size_t{o.rows} * lanes;
    o.x.resize(n);
    o.y.resize(c.operands == 2 ? n : 0);
    for (size_t i = 0; i < n; ++i) {
        if (i < edge_lanes) {
            o.x[i] = e[i % E];
            if (c.operands == 2)
                o.y[i] = e[i / E];
        } else {
            o.x[i] = random_lane(rng, c.type);
            if (c.operands == 2)
                o.y[i] = random_lane(rng, c.type);
        }
    }
    return o;
}

// Runs `c` through the chip and compares every lane with the reference, and the stream traffic
// with what the byte-plane widths imply (so an extra or missing plane is caught too).
void check_vxm(const ChipSpec& cfg, const VxmCase& c, uint64_t seed, const Layout& lay, unsigned rows = 0)
{
    const unsigned lanes = Bench(cfg).lanes;
    const Operands o = make_operands(c, lanes, seed, rows);
    VxmProgram v = build_vxm(cfg, c, o.rows, lay);
    INFO(cfg.chip.name << ": '" << c.text << "' on " << v.queue << ", x " << v.x_stream << ", z " << v.z_stream);
    const Program p = v.b.assemble();
    Chip chip("", cfg);
    chip.load_tensor(*p.tensor("x"), to_bytes(o.x, v.bx));
    if (v.by)
        chip.load_tensor(*p.tensor("y"), to_bytes(o.y, v.by));
    RunStats st;
    try {
        st = chip.run(p);
    } catch (const ScheduleError& e) {
        FAIL_CHECK(e.what());
        return;
    }
    const std::vector<uint32_t> z = from_bytes(chip.dump_tensor(*p.tensor("z")), v.bz);
    const uint32_t mask = low_mask(8 * v.bz);
    size_t bad = 0;
    std::ostringstream first;
    for (size_t i = 0; i < z.size(); ++i) {
        const uint32_t want = c.want(o.x[i], c.operands == 2 ? o.y[i] : 0) & mask;
        if (z[i] != want && bad++ == 0)
            first << "row " << i / lanes << " lane " << i % lanes << ": x " << hex(o.x[i])
                  << (c.operands == 2 ? " y " + hex(o.y[i]) : std::string()) << " gave " << hex(z[i]) << ", want "
                  << hex(want);
    }
    INFO(first.str());
    CHECK(bad == 0);
    const uint64_t planes = uint64_t{o.rows} * (v.bx + v.by + v.bz);
    CHECK(st.streams.writes == planes);
    CHECK(st.streams.reads == planes);
    CHECK(st.streams.never_read == 0);
    CHECK(st.vxm_lane_ops == uint64_t{o.rows} * lanes);
}

// ---- SXM cases ----

using Vec = std::vector<uint8_t>;

struct SxmCase {
    std::string text;  // "rotate 3", "select", ...
    unsigned inputs, outputs;
    std::function<std::vector<Vec>(Rng&)> gen;                      // one set of input vectors
    std::function<std::vector<Vec>(const std::vector<Vec>&)> want;  // plain C++ reference
};

Vec random_vec(Rng& rng, unsigned L)
{
    Vec v(L);
    for (auto& b : v)
        b = rng.byte();
    return v;
}

std::vector<SxmCase> sxm_cases(unsigned L, unsigned G)
{
    std::vector<SxmCase> v;
    auto one = [L](Rng& rng) { return std::vector<Vec>{random_vec(rng, L)}; };
    std::vector<unsigned> distances{0, 1, 5, G - 1, L - 1};
    if (L > G)  // across a superlane boundary
        distances.insert(distances.end(), {G, G + 3, L - G});
    std::sort(distances.begin(), distances.end());
    distances.erase(std::unique(distances.begin(), distances.end()), distances.end());
    for (unsigned n : distances) {
        v.push_back({"shift up " + std::to_string(n), 1, 1, one, [L, n](const std::vector<Vec>& in) {
                         Vec out(L, 0);
                         for (unsigned l = n; l < L; ++l)
                             out[l] = in[0][l - n];
                         return std::vector<Vec>{out};
                     }});
        v.push_back({"shift down " + std::to_string(n), 1, 1, one, [L, n](const std::vector<Vec>& in) {
                         Vec out(L, 0);
                         for (unsigned l = 0; l + n < L; ++l)
                             out[l] = in[0][l + n];
                         return std::vector<Vec>{out};
                     }});
        v.push_back({"rotate " + std::to_string(n), 1, 1, one, [L, n](const std::vector<Vec>& in) {
                         Vec out(L);
                         for (unsigned l = 0; l < L; ++l)
                             out[(l + n) % L] = in[0][l];
                         return std::vector<Vec>{out};
                     }});
    }
    for (unsigned n : {0u, G - 1, L - 1, L / 2 + 1})
        v.push_back({"broadcast " + std::to_string(n), 1, 1, one,
                     [L, n](const std::vector<Vec>& in) { return std::vector<Vec>{Vec(L, in[0][n])}; }});
    v.push_back({"permute", 3, 1,
                 [L](Rng& rng) {  // a u16 lane index per lane; indices >= L (hi byte set, 0xFFFF) give 0
                     std::vector<Vec> in{random_vec(rng, L), Vec(L), Vec(L)};
                     for (unsigned l = 0; l < L; ++l) {
                         const uint64_t k = rng.below(8);
                         const uint32_t idx = k < 5    ? static_cast<uint32_t>(rng.below(L))
                                              : k == 5 ? 0xFFFFu
                                              : k == 6 ? L + static_cast<uint32_t>(rng.below(256 - L))
                                                       : 0x100u + static_cast<uint32_t>(rng.below(L));
                         in[1][l] = static_cast<uint8_t>(idx);
                         in[2][l] = static_cast<uint8_t>(idx >> 8);
                     }
                     return in;
                 },
                 [L](const std::vector<Vec>& in) {
                     Vec out(L);
                     for (unsigned l = 0; l < L; ++l) {
                         const unsigned i = in[1][l] + 256u * in[2][l];
                         out[l] = i < L ? in[0][i] : 0;
                     }
                     return std::vector<Vec>{out};
                 }});
    v.push_back({"distribute", 2, 1,
                 [L](Rng& rng) {
                     return std::vector<Vec>{random_vec(rng, L), random_vec(rng, L)};
                 },
                 [L, G](const std::vector<Vec>& in) {
                     Vec out(L);
                     for (unsigned l = 0; l < L; ++l)
                         out[l] = in[0][G * (l / G) + in[1][l] % G];
                     return std::vector<Vec>{out};
                 }});
    v.push_back({"select", 3, 1,
                 [L](Rng& rng) {  // mask: half zero, else any non-zero byte
                     std::vector<Vec> in{Vec(L), random_vec(rng, L), random_vec(rng, L)};
                     for (auto& m : in[0])
                         m = rng.chance(1, 2) ? 0 : static_cast<uint8_t>(1 + rng.below(255));
                     return in;
                 },
                 [L](const std::vector<Vec>& in) {
                     Vec out(L);
                     for (unsigned l = 0; l < L; ++l)
                         out[l] = in[0][l] != 0 ? in[1][l] : in[2][l];
                     return std::vector<Vec>{out};
                 }});
    v.push_back({"transpose", G, G,
                 [L, G](Rng& rng) {
                     std::vector<Vec> in;
                     for (unsigned i = 0; i < G; ++i)
                         in.push_back(random_vec(rng, L));
                     return in;
                 },
                 [L, G](const std::vector<Vec>& in) {
                     std::vector<Vec> out(G, Vec(L));
                     for (unsigned s = 0; s < L / G; ++s)
                         for (unsigned i = 0; i < G; ++i)
                             for (unsigned j = 0; j < G; ++j)
                                 out[j][s * G + i] = in[i][s * G + j];
                     return out;
                 }});
    return v;
}

const SxmCase& find_case(const std::vector<SxmCase>& cases, const std::string& text)
{
    for (const auto& c : cases)
        if (c.text == text)
            return c;
    throw std::logic_error("no case " + text);
}

constexpr unsigned kIn = 0, kOut = 9;  // first input and output streams (transpose: 16 each)

struct SxmProgram {
    explicit SxmProgram(const ChipSpec& cfg) : b(cfg) {}
    Bench b;
    std::string queue, text;
    std::vector<int> ops, write0;  // per row: the SXM instruction, the first Write of its outputs
};

// `c` on SXM_<side>0.<queue>: input i from its own MEM slice of that side, output j to another.
SxmProgram build_sxm(const ChipSpec& cfg, const SxmCase& c, char side, unsigned queue, unsigned rows,
                     int drain_skew = 0, int feed_skew = 0, unsigned feed_input = 0, const Bench::Timing& timing = {})
{
    SxmProgram v(cfg);
    Bench& b = v.b;
    b.retime(timing);
    v.queue = std::string("SXM_") + side + "0." + std::to_string(queue);
    const unsigned at = b.pos(v.queue);
    const bool in_east = side == 'E';  // SXM_E0 is east of its MEM slices, SXM_W0 west of its
    std::vector<unsigned> in_slice, out_slice;
    for (unsigned i = 0; i < c.inputs; ++i) {
        in_slice.push_back(b.take(side, 1));
        b.tensor("in" + std::to_string(i), side, in_slice.back(), 0, rows, "u8");
    }
    for (unsigned j = 0; j < c.outputs; ++j) {
        out_slice.push_back(b.take(side, 1));
        b.tensor("out" + std::to_string(j), side, out_slice.back(), 0, rows, "u8");
    }
    const bool transpose = c.text == "transpose";
    v.text = c.text;
    for (unsigned i = 0; i < (transpose ? 1 : c.inputs); ++i)
        v.text += ", " + Bench::stream(kIn + i, in_east);
    for (unsigned j = 0; j < (transpose ? 1 : c.outputs); ++j)
        v.text += ", " + Bench::stream(kOut + j, !in_east);
    for (unsigned r = 0; r < rows; ++r) {
        const uint64_t t = b.start() + r;
        for (unsigned i = 0; i < c.inputs; ++i)
            b.feed(Bench::mem(side, in_slice[i]), r, kIn + i, at,
                   static_cast<uint64_t>(static_cast<int64_t>(t) + (i == feed_input ? feed_skew : 0)));
        v.ops.push_back(b.add(v.queue, t, v.text));
        for (unsigned j = 0; j < c.outputs; ++j) {
            const int id = b.drain(Bench::mem(side, out_slice[j]), r, kOut + j, at,
                                   static_cast<uint64_t>(static_cast<int64_t>(t + b.sxm_latency) + drain_skew));
            if (j == 0 || b.cycle(id) < b.cycle(v.write0.back()))
                (j == 0 ? v.write0.emplace_back() : v.write0.back()) = id;
        }
    }
    return v;
}

void check_sxm(const ChipSpec& cfg, const SxmCase& c, char side, unsigned queue, uint64_t seed, unsigned rows = 3)
{
    SxmProgram v = build_sxm(cfg, c, side, queue, rows);
    const unsigned L = v.b.lanes;
    INFO(cfg.chip.name << ": '" << v.text << "' on " << v.queue);
    const Program p = v.b.assemble();
    Rng rng(seed);
    std::vector<std::vector<Vec>> ins;  // [row][input]
    for (unsigned r = 0; r < rows; ++r)
        ins.push_back(c.gen(rng));
    Chip chip("", cfg);
    for (unsigned i = 0; i < c.inputs; ++i) {
        Vec bytes;
        for (unsigned r = 0; r < rows; ++r)
            bytes.insert(bytes.end(), ins[r][i].begin(), ins[r][i].end());
        chip.load_tensor(*p.tensor("in" + std::to_string(i)), bytes);
    }
    RunStats st;
    try {
        st = chip.run(p);
    } catch (const ScheduleError& e) {
        FAIL_CHECK(e.what());
        return;
    }
    size_t bad = 0;
    std::ostringstream first;
    for (unsigned j = 0; j < c.outputs; ++j) {
        const Vec got = chip.dump_tensor(*p.tensor("out" + std::to_string(j)));
        for (unsigned r = 0; r < rows; ++r) {
            const Vec want = c.want(ins[r])[j];
            for (unsigned l = 0; l < L; ++l)
                if (got[r * L + l] != want[l] && bad++ == 0)
                    first << "output " << j << " row " << r << " lane " << l << ": " << int{got[r * L + l]} << ", want "
                          << int{want[l]};
        }
    }
    INFO(first.str());
    CHECK(bad == 0);
    CHECK(st.streams.writes == uint64_t{rows} * (c.inputs + c.outputs));
    CHECK(st.streams.never_read == 0);
}

// Every case on tiny and on small (4 superlanes: the runner's per-lane plumbing over 64 lanes),
// spread over all VXM queues and all eight direction combinations.
void check_vxm_all(const std::vector<VxmCase>& cases, uint64_t seed, unsigned spread)
{
    for (const char* name : {"tiny", "small"}) {
        const ChipSpec& cfg = config_named(name);
        const unsigned queues = cfg.icu.vxm_queues;
        for (size_t i = 0; i < cases.size(); ++i)
            check_vxm(cfg, cases[i], seed + i, layout_for(static_cast<unsigned>(i) + spread, queues));
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Every VXM operation and type, values lane by lane

TEST_CASE("runner: every VXM binary operation and type", "[chip-ops][vxm]")
{
    const auto cases = binary_cases();
    // docs/vxm-numerics.md section 2: add sub mul max min on 5 types, add_sat sub_sat and or xor on 3.
    REQUIRE(cases.size() == 5 * 5 + 5 * 3);
    // The plain references on the document's own examples (section 3.1).
    CHECK((ref_binary(VxmBinaryOp::Add, VxmType::I8, 127, 1) & 0xFF) == 0x80);
    CHECK(ref_binary(VxmBinaryOp::Mul, VxmType::I32, 0x80000000, 0xFFFFFFFF) == 0x80000000);
    CHECK((ref_binary(VxmBinaryOp::AddSat, VxmType::I16, 0x7FFF, 1) & 0xFFFF) == 0x7FFF);
    CHECK((ref_unary(VxmUnaryOp::Abs, VxmType::I8, 0x80) & 0xFF) == 0x80);
    check_vxm_all(cases, 100, 0);
}

TEST_CASE("runner: every VXM unary operation and type", "[chip-ops][vxm]")
{
    const auto cases = unary_cases();
    // neg abs relu on 5 types, tanh exp rsqrt on f16 and f32.
    REQUIRE(cases.size() == 3 * 5 + 3 * 2);
    check_vxm_all(cases, 200, 3);
}

TEST_CASE("runner: every VXM conversion, narrowing and widening byte-plane groups", "[chip-ops][vxm]")
{
    const auto cases = convert_cases();
    REQUIRE(cases.size() == 25);
    // The plain references on the document's examples (section 4.1).
    CHECK((ref_convert(VxmType::I32, VxmType::I8, 300) & 0xFF) == 127);
    CHECK((ref_convert(VxmType::I32, VxmType::I8, wrap(-129)) & 0xFF) == 0x80);
    CHECK(ref_convert(VxmType::I32, VxmType::F32, 16777217) == 0x4B800000);    // 2^24
    CHECK(ref_convert(VxmType::I32, VxmType::F32, 0x7FFFFFFF) == 0x4F000000);  // 2^31
    check_vxm_all(cases, 300, 5);
}

TEST_CASE("runner: requantisation to i8 and u8 in every rounding mode", "[chip-ops][vxm]")
{
    const auto cases = requant_cases();
    REQUIRE(cases.size() == 2 * 4 * 3);
    // The reference itself, on the table of docs/vxm-numerics.md section 5 (2.5, -2.5, -1.25 as
    // x / 4 with M = 1, SHIFT = 2), so a shared mistake with the model cannot hide.
    const int32_t xs[] = {10, -10, -5};
    const int32_t table[4][3] = {{2, -2, -1}, {3, -3, -1}, {3, -2, -1}, {2, -3, -2}};
    const VxmRounding modes[] = {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor};
    for (unsigned m = 0; m < 4; ++m)
        for (unsigned i = 0; i < 3; ++i)
            CHECK(ref_requant(1, 2, 0, modes[m], false, wrap(xs[i])) == wrap(table[m][i]));
    CHECK(ref_requant(1518500250, 35, 0, VxmRounding::HalfEven, false, 1000) == 44);  // the doc's Q31 example
    CHECK(ref_requant(1, 0, 300, VxmRounding::Floor, true, 1000) == 255);
    CHECK(ref_requant(1, 0, -300, VxmRounding::Floor, false, 0) == wrap(-128));
    check_vxm_all(cases, 400, 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Timing: results at exactly issue + latency, latencies from the config

TEST_CASE("runner: VXM results are on the stream exactly alu_latency after issue", "[chip-ops][vxm][timing]")
{
    const auto all = [] {
        auto v = binary_cases();
        for (auto* more : {&unary_cases, &convert_cases, &requant_cases}) {
            auto m = (*more)();
            v.insert(v.end(), m.begin(), m.end());
        }
        return v;
    }();
    // Representatives: a 4-plane binary, a 1 -> 4 plane widening, a 4 -> 2 narrowing, a 2-plane
    // transcendental, a 4 -> 1 requantisation; each direction of the result.
    const char* ops[] = {"add i32", "convert i8 i32", "convert f32 f16", "tanh f16", "requant u8 -3 2 100 half_up"};
    for (const char* name : {"tiny", "latency-variant"}) {
        const ChipSpec& cfg = config_named(name);
        for (unsigned i = 0; i < 5; ++i) {
            const VxmCase& c = find_case(all, ops[i]);
            const Layout lay = layout_for(i, cfg.icu.vxm_queues);
            INFO(name << ": " << c.text);
            check_vxm(cfg, c, 500 + i, lay, 1);  // the right cycle succeeds, with the right values
            for (const int skew : {-1, +1}) {    // one cycle early or late: nothing is there
                VxmProgram v = build_vxm(cfg, c, 1, lay, Skew{skew, 0, 0});
                const Program p = v.b.assemble();
                CHECK_THAT(run_error(cfg, p), no_value(v.b, v.write0[0], v.z_stream));
                // So the cycle the runner accepted above is issue + alu_latency (config) + hops.
                const unsigned hops = Floorplan::hops(v.b.pos(v.queue), v.b.pos(v.b.queue(v.write0[0])));
                CHECK(v.b.cycle(v.write0[0]) == v.b.cycle(v.ops[0]) + cfg.vxm.alu_latency + hops +
                                                    static_cast<uint64_t>(static_cast<int64_t>(skew)));
            }
        }
    }
}

TEST_CASE("runner: SXM outputs are on the stream exactly sxm latency after issue", "[chip-ops][sxm][timing]")
{
    for (const char* name : {"tiny", "latency-variant"}) {
        const ChipSpec& cfg = config_named(name);
        const Bench geo(cfg);
        const auto cases = sxm_cases(geo.lanes, geo.G);
        // transpose needs 2 x 16 slices in one hemisphere; latency-variant has 12.
        std::vector<std::string> ops{"rotate 5", "select", "permute"};
        if (geo.half >= 2 * geo.G)
            ops.push_back("transpose");
        for (const auto& op : ops)
            for (const char side : {'W', 'E'}) {
                const SxmCase& c = find_case(cases, op);
                INFO(name << ": " << op << " on side " << side);
                check_sxm(cfg, c, side, 1, 77, 1);
                for (const int skew : {-1, +1}) {
                    SxmProgram v = build_sxm(cfg, c, side, 1, 1, skew);
                    const Program p = v.b.assemble();
                    CHECK_THAT(run_error(cfg, p), no_value(v.b, v.write0[0], v.b.last_operand(v.write0[0])));
                }
            }
    }
}

TEST_CASE("runner: latencies come from the config, not from constants", "[chip-ops][timing]")
{
    const ChipSpec& tiny = config_named("tiny");
    const ChipSpec& var = config_named("latency-variant");
    // The variant really differs in every latency a program's timing depends on.
    CHECK(var.vxm.alu_latency != tiny.vxm.alu_latency);
    CHECK(var.sxm.latency != tiny.sxm.latency);
    CHECK(var.mem.read_latency != tiny.mem.read_latency);
    const auto binary = binary_cases();
    const VxmCase& c = find_case(binary, "mul i16");
    const Layout lay{true, false, false, 9};
    check_vxm(var, c, 600, lay);  // timed from the variant's own latencies: passes

    // Built for tiny's ALU latency, the Write comes too early for the variant's result.
    {
        VxmProgram v = build_vxm(var, c, 1, lay, {}, {0, tiny.vxm.alu_latency, 0});
        const Program p = v.b.assemble();
        CHECK_THAT(run_error(var, p), no_value(v.b, v.write0[0], v.z_stream));
    }
    // Built for tiny's MEM read latency, the operands are not at the VXM when it issues.
    {
        VxmProgram v = build_vxm(var, c, 1, lay, {}, {tiny.mem.read_latency, 0, 0});
        const Program p = v.b.assemble();
        CHECK_THAT(run_error(var, p), no_value(v.b, v.ops[0], v.x_stream));
    }
    // Built for tiny's SXM latency, the SXM output is not there yet.
    {
        const Bench geo(var);
        const auto cases = sxm_cases(geo.lanes, geo.G);
        const SxmCase& s = find_case(cases, "rotate 5");
        check_sxm(var, s, 'E', 4, 601, 2);
        SxmProgram v = build_sxm(var, s, 'E', 4, 1, 0, 0, 0, {0, 0, tiny.sxm.latency});
        const Program p = v.b.assemble();
        CHECK_THAT(run_error(var, p), no_value(v.b, v.write0[0], Bench::stream(kOut, false)));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Every SXM operation, both SXM slices, tiny and small

TEST_CASE("runner: every SXM operation on both SXM slices", "[chip-ops][sxm]")
{
    for (const char* name : {"tiny", "small"}) {
        const ChipSpec& cfg = config_named(name);
        const Bench geo(cfg);
        const auto cases = sxm_cases(geo.lanes, geo.G);
        const unsigned queues = cfg.icu.sxm_queues;
        unsigned i = 0;
        for (const auto& c : cases)
            for (const char side : {'W', 'E'}) {
                check_sxm(cfg, c, side, i % queues, 700 + i);
                ++i;
            }
    }
}

// docs/isa.md 3.3: chaining ALUs is one queue reading the stream another's result lands on, in
// the cycle it lands (a consumer at the producer's position reads a value in the cycle it is
// driven). Here convert i8 -> f32, multiply by a f32 operand from MEM, convert back to i8.
TEST_CASE("runner: VXM ALUs chained through streams", "[chip-ops][vxm]")
{
    for (const char* name : {"tiny", "small"})
        for (const int late : {0, 1}) {  // the middle ALU on time, or one cycle late (one row: no
                                         // next row to read by mistake)
            const ChipSpec& cfg = config_named(name);
            Bench b(cfg);
            const unsigned at = b.pos("VXM.0"), L = b.lanes, rows = late ? 1 : 4, lat = b.alu_latency;
            const unsigned x = b.take('W', 1), y = b.take('E', 4), z = b.take('E', 1);
            b.tensor("x", 'W', x, 0, rows, "i8");
            b.tensor("y", 'E', y, 0, rows, "f32");
            b.tensor("z", 'E', z, 0, rows, "i8");
            int mul = -1;
            for (unsigned r = 0; r < rows; ++r) {
                const uint64_t t = b.start() + r;
                b.feed(Bench::mem('W', x), r, 1, at, t);
                for (unsigned k = 0; k < 4; ++k)
                    b.feed(Bench::mem('E', y + k), r, 6 + k, at, t + lat + static_cast<unsigned>(late));
                b.add("VXM.0", t, "convert i8 f32, s1e, s12e");
                const int id = b.add("VXM.1", t + lat + static_cast<unsigned>(late), "mul f32, s12e, s6w, s16w");
                mul = mul < 0 ? id : mul;
                b.add("VXM.2", t + 2 * lat, "convert f32 i8, s16w, s20e");
                b.drain(Bench::mem('E', z), r, 20, at, t + 3 * lat);
            }
            const Program p = b.assemble();
            if (late) {
                CHECK_THAT(run_error(cfg, p), no_value(b, mul, "s12e"));
                continue;
            }
            Rng rng(900);
            std::vector<uint32_t> xv(rows * L), yv(rows * L);
            for (size_t i = 0; i < xv.size(); ++i) {
                xv[i] = rng.byte();
                yv[i] = random_lane(rng, VxmType::F32);
            }
            Chip chip("", cfg);
            chip.load_tensor(*p.tensor("x"), to_bytes(xv, 1));
            chip.load_tensor(*p.tensor("y"), to_bytes(yv, 4));
            chip.run(p);
            const std::vector<uint32_t> got = from_bytes(chip.dump_tensor(*p.tensor("z")), 1);
            unsigned bad = 0;
            for (size_t i = 0; i < got.size(); ++i) {
                const uint32_t f = ref_convert(VxmType::I8, VxmType::F32, xv[i]);
                const uint32_t prod = vxm_binary(VxmBinaryOp::Mul, VxmType::F32, f, yv[i]);
                bad += got[i] != (ref_convert(VxmType::F32, VxmType::I8, prod) & 0xFF);
            }
            INFO(name);
            CHECK(bad == 0);
        }
}

// A typed (i32) value through the SXM: one operation per byte plane, with the same control
// input (here the select mask) for every plane (docs/sxm.md section 1).
TEST_CASE("runner: an i32 tensor through the SXM, one operation per byte plane", "[chip-ops][sxm]")
{
    const ChipSpec& cfg = config_named("small");  // 64 lanes: rotate 20 crosses superlane boundaries
    Bench b(cfg);
    const unsigned L = b.lanes, at = b.pos("SXM_W0.0");
    const unsigned x = b.take('W', 4), y = b.take('W', 4), m = b.take('W', 1), rot = b.take('W', 4),
                   sel = b.take('W', 4);
    b.tensor("x", 'W', x, 0, 1, "i32");
    b.tensor("y", 'W', y, 0, 1, "i32");
    b.tensor("mask", 'W', m, 0, 1, "u8");
    b.tensor("rot", 'W', rot, 0, 1, "i32");
    b.tensor("sel", 'W', sel, 0, 1, "i32");
    const uint64_t t = b.start();
    b.feed(Bench::mem('W', m), 0, 8, at, t);  // mask on s8w, read by all four selects
    for (unsigned k = 0; k < 4; ++k) {
        b.feed(Bench::mem('W', x + k), 0, k, at, t);      // x plane k on s<k>w
        b.feed(Bench::mem('W', y + k), 0, 4 + k, at, t);  // y plane k on s<4+k>w
        b.add("SXM_W0." + std::to_string(k), t, "rotate 20, s" + std::to_string(k) + "w, s" + std::to_string(k) + "e");
        b.add("SXM_W0." + std::to_string(4 + k), t,
              "select, s8w, s" + std::to_string(k) + "w, s" + std::to_string(4 + k) + "w, s" + std::to_string(4 + k) +
                  "e");
        b.drain(Bench::mem('W', rot + k), 0, k, at, t + b.sxm_latency);
        b.drain(Bench::mem('W', sel + k), 0, 4 + k, at, t + b.sxm_latency);
    }
    const Program p = b.assemble();
    Rng rng(800);
    std::vector<uint32_t> xv(L), yv(L);
    Vec mask(L);
    for (unsigned l = 0; l < L; ++l) {
        xv[l] = static_cast<uint32_t>(rng.next());
        yv[l] = static_cast<uint32_t>(rng.next());
        mask[l] = rng.chance(1, 2) ? 0 : static_cast<uint8_t>(rng.byte() | 1);
    }
    Chip chip("", cfg);
    chip.load_tensor(*p.tensor("x"), to_bytes(xv, 4));
    chip.load_tensor(*p.tensor("y"), to_bytes(yv, 4));
    chip.load_tensor(*p.tensor("mask"), mask);
    chip.run(p);
    const std::vector<uint32_t> r = from_bytes(chip.dump_tensor(*p.tensor("rot")), 4);
    const std::vector<uint32_t> s = from_bytes(chip.dump_tensor(*p.tensor("sel")), 4);
    unsigned bad = 0;
    for (unsigned l = 0; l < L; ++l) {
        bad += r[l] != xv[(l + L - 20) % L];
        bad += s[l] != (mask[l] ? xv[l] : yv[l]);
    }
    CHECK(bad == 0);
}

// ---------------------------------------------------------------------------------------------
// 4. Schedule errors: the cycle, the slice, the stream or address, both instructions

TEST_CASE("runner: two producers on one stream register in one cycle", "[chip-ops][errors]")
{
    const ChipSpec& cfg = config_named("tiny");
    SECTION("two VXM ALUs whose result groups overlap in one byte stream")
    {
        // VXM.2's i32 result covers s12e..s15e; VXM.7's i8 result is s14e: plane 2 collides.
        for (const unsigned neg_out : {14u, 16u}) {
            Bench b(cfg);
            const unsigned at = b.pos("VXM.0");
            b.tensor("x", 'W', b.take('W', 4), 0, 1, "i32");
            b.tensor("y", 'E', b.take('E', 4), 0, 1, "i32");
            const uint64_t t = b.start();
            for (unsigned k = 0; k < 4; ++k) {
                b.feed(Bench::mem('W', k), 0, 1 + k, at, t);
                b.feed(Bench::mem('E', k), 0, 6 + k, at, t);
            }
            const int add = b.add("VXM.2", t, "add i32, s1e, s6w, s12e");
            const int neg = b.add("VXM.7", t, "neg i8, s1e, s" + std::to_string(neg_out) + "e");
            const std::string e = run_error(cfg, b.assemble());
            if (neg_out == 16) {
                CHECK(e.empty());  // disjoint groups: legal
                continue;
            }
            CHECK_THAT(e, Catch::StartsWith("schedule error at cycle " + std::to_string(t + b.alu_latency) +
                                            ": two producers drive stream s14e at position " + std::to_string(at) +
                                            " in one cycle: "));
            CHECK_THAT(e, Catch::Contains(b.who(add)));
            CHECK_THAT(e, Catch::Contains(b.who(neg)));
        }
    }
    SECTION("two SXM queues of one slice")
    {
        Bench b(cfg);
        const unsigned at = b.pos("SXM_E0.0");
        b.tensor("x", 'E', b.take('E', 1), 0, 1, "u8");
        const uint64_t t = b.start();
        b.feed(Bench::mem('E', 0), 0, 0, at, t);
        const int rot = b.add("SXM_E0.0", t, "rotate 1, s0e, s3w");
        const int bc = b.add("SXM_E0.5", t, "broadcast 2, s0e, s3w");
        const std::string e = run_error(cfg, b.assemble());
        CHECK_THAT(e, Catch::StartsWith("schedule error at cycle " + std::to_string(t + b.sxm_latency) +
                                        ": two producers drive stream s3w at position " + std::to_string(at) +
                                        " in one cycle: "));
        CHECK_THAT(e, Catch::Contains(b.who(rot)));
        CHECK_THAT(e, Catch::Contains(b.who(bc)));
    }
}

TEST_CASE("runner: VXM and SXM operands read where no value is", "[chip-ops][errors]")
{
    const ChipSpec& cfg = config_named("tiny");
    SECTION("one byte plane of an i32 operand early or late names that plane's stream")
    {
        const auto binary = binary_cases();
        const VxmCase& c = find_case(binary, "add i32");
        const Layout lay{true, false, true, 3};
        for (const unsigned plane : {0u, 3u})
            for (const int skew : {-1, +1}) {
                VxmProgram v = build_vxm(cfg, c, 1, lay, Skew{0, skew, plane});
                const Program p = v.b.assemble();
                INFO("plane " << plane << " skew " << skew);
                CHECK_THAT(run_error(cfg, p), no_value(v.b, v.ops[0], Bench::stream(kX + plane, true)));
            }
    }
    SECTION("one SXM input early or late")
    {
        const auto cases = sxm_cases(16, 16);
        const SxmCase& c = find_case(cases, "select");
        for (const unsigned input : {0u, 2u})
            for (const int skew : {-1, +1}) {
                SxmProgram v = build_sxm(cfg, c, 'E', 6, 1, 0, skew, input);
                const Program p = v.b.assemble();
                INFO("input " << input << " skew " << skew);
                CHECK_THAT(run_error(cfg, p), no_value(v.b, v.ops[0], Bench::stream(kIn + input, true)));
            }
    }
}

TEST_CASE("runner: a MEM read and write in one bank in one cycle", "[chip-ops][errors]")
{
    // latency-variant: write latency 3, so a Write issued at c uses its bank in c + 2, the cycle a
    // Read issued two cycles later on the same queue uses its own (docs/mem.md section 3).
    const ChipSpec& cfg = config_named("latency-variant");
    for (const unsigned read_word : {0x20u, 4096u + 0x20u}) {  // bank 0 (conflict), bank 1 (legal)
        Bench b(cfg);
        const unsigned at = b.pos("MEM_E5");
        const uint64_t c = b.start();
        b.feed("MEM_E9", 0, 2, at, c);  // the value the Write takes, on s2w
        const int wr = b.add("MEM_E5", c, "Write 0x10, s2w");
        const int rd = b.add("MEM_E5", c + 2, "Read " + hex(read_word) + ", s7e");
        const std::string e = run_error(cfg, b.assemble());
        if (read_word >= 4096) {
            CHECK(e.empty());
            continue;
        }
        const unsigned slice = b.map.queues()[static_cast<size_t>(b.map.find("MEM_E5"))].unit;
        CHECK_THAT(e, Catch::StartsWith("schedule error at cycle " + std::to_string(c + 2) + " in MEM slice " +
                                        std::to_string(slice) + " (MEM_E5): "));
        CHECK_THAT(e, Catch::Contains(b.who(rd) + "' reads word 32 (bank 0)"));
        CHECK_THAT(e, Catch::Contains(b.who(wr) + "' (issued at cycle " + std::to_string(c) +
                                      ", write latency 3) writes word 16 (bank 0)"));
        CHECK_THAT(e, Catch::EndsWith("a read and a write in one cycle must use different banks"));
    }
    // Two reads (or two writes) in one slice in one cycle cannot be written: a slice has one
    // queue, which issues at most one instruction per cycle, and Repeat's spacing is at least 1.
    CHECK_THROWS_WITH(lpu::assemble(".queue MEM_E0\n Read 0, s0e\n Repeat 2, 0\n", "p.s", cfg),
                      Catch::Contains("p.s:3:12: spacing in cycles 0 out of range"));
}

TEST_CASE("runner: a repeated address or row out of range", "[chip-ops][errors]")
{
    const ChipSpec& cfg = config_named("small");
    {
        Bench b(cfg);
        const int rd = b.add("MEM_W3", 5, "Read 0x1ffe, s1e");
        b.add("MEM_W3", 6, "Repeat 2, 1, 1", 2);  // words 8191 in cycle 6, then 8192 in 7
        const Program p = b.assemble();
        CHECK(run_error(cfg, p) == "cycle 7: MEM_W3: 'Read 0x2000, s1e' (" + b.where(rd) +
                                       "): repeated address 8192 is out of range [0, 8192)");
    }
    {
        Bench b(cfg);
        const unsigned at = b.pos("MXM_E0.w");
        const uint64_t t = b.start();
        for (unsigned r = 0; r < 3; ++r)
            b.feed("MEM_E0", r, 0, at, t + r);
        const int lw = b.add("MXM_E0.w", t, "LW 62, i8, s0e");
        b.add("MXM_E0.w", t + 1, "Repeat 2, 1, 1", 2);  // rows 63, then 64 (K = 64)
        const Program p = b.assemble();
        CHECK(run_error(cfg, p) == "cycle " + std::to_string(t + 2) + ": MXM_E0.w: 'LW 64, i8, s0e' (" + b.where(lw) +
                                       "): repeated row 64 is out of range [0, 64)");
    }
}

namespace {

// An MXM program on small's MXM_E0 (T_iw = 64 / 16 = 4): `.w`, `.a`, `.c` instructions at cycles
// relative to an IW at `c`; LW and ABC get a vector fed on s0e. Returns the run's error.
struct MxmProbe {
    explicit MxmProbe(const ChipSpec& cfg) : b(cfg), c(b.start() + 8) {}
    Bench b;
    uint64_t c;
    unsigned fed = 0;
    int at(const std::string& q, int64_t dt, const std::string& text)
    {
        const uint64_t t = static_cast<uint64_t>(static_cast<int64_t>(c) + dt);
        if (text.find("s0e") != std::string::npos)
            b.feed("MEM_E0", fed++, 0, b.pos("MXM_E0.w"), t);
        return b.add(q, t, text);
    }
};

}  // namespace

TEST_CASE("runner: MXM rule violations stop the run at the right cycle", "[chip-ops][errors]")
{
    const ChipSpec& cfg = config_named("small");
    REQUIRE(cfg.mxm.rows / cfg.mxm.install_rows_per_cycle == 4);
    struct Rule {
        const char* name;
        const char* queue;
        const char* text;
        int64_t bad, good;  // cycles after the IW: a violation, and the first legal one
        const char* report;
    };
    // docs/isa.md 1.3, rules 2-4 (rule 1 cannot be written: one queue per channel).
    const Rule rules[] = {
        {"torn weights", "MXM_E0.a", "ABC i8, s0e", 1, 4, "ABC while IW"},
        {"shadow busy", "MXM_E0.w", "LW 5, i8, s0e", 1, 3, "LW while IW"},
        {"install busy", "MXM_E0.w", "IW", 2, 4, "IW while IW"},
    };
    for (const Rule& r : rules) {
        for (const bool bad : {true, false}) {
            MxmProbe m(cfg);
            m.at("MXM_E0.w", 0, "IW");
            m.at(r.queue, bad ? r.bad : r.good, r.text);
            const std::string e = run_error(cfg, m.b.assemble());
            INFO(r.name << (bad ? " violated" : " respected"));
            if (!bad) {
                CHECK(e.empty());
                continue;
            }
            CHECK_THAT(e, Catch::StartsWith("schedule error at cycle " + std::to_string(m.c + uint64_t(r.bad))));
            CHECK_THAT(e, Catch::Contains(r.report));
        }
    }
    // Rule 5: an ACC needs the ABC of array_latency (1) cycles earlier.
    for (const int64_t abc : {-2, -1}) {
        MxmProbe m(cfg);
        m.at("MXM_E0.a", abc, "ABC i8, s0e");
        m.at("MXM_E0.c", 0, "ACC 0, set");
        const std::string e = run_error(cfg, m.b.assemble());
        if (abc == -1) {
            CHECK(e.empty());
            continue;
        }
        CHECK_THAT(e, Catch::StartsWith("schedule error at cycle " + std::to_string(m.c)));
        CHECK_THAT(e,
                   Catch::Contains("no product to take: ACC needs an ABC issued at cycle " + std::to_string(m.c - 1)));
    }
}

// docs/isa.md 3.3: "Any violation stops the run with the cycle, the slice, the stream or address
// and the instructions (with file:line:column)" — MXM rule errors too (MxmCore names the
// instructions it refers to through the chip's describer).
TEST_CASE("runner: MXM rule violations name the queue and file:line:col", "[chip-ops]")
{
    const ChipSpec& cfg = config_named("small");
    {
        MxmProbe m(cfg);
        const int iw = m.at("MXM_E0.w", 0, "IW");
        const int abc = m.at("MXM_E0.a", 1, "ABC i8, s0e");
        const std::string e = run_error(cfg, m.b.assemble());
        CHECK_THAT(e, Catch::Contains(m.b.who(abc)));
        CHECK_THAT(e, Catch::Contains(m.b.where(iw)));
    }
    {
        MxmProbe m(cfg);
        const int acc = m.at("MXM_E0.c", 0, "ACC 0, set");
        const Program p = m.b.assemble();
        CHECK_THAT(run_error(cfg, p), Catch::Contains(m.b.who(acc)));
    }
}
