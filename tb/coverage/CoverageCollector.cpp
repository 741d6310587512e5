#include "CoverageCollector.h"

#include "models/icu/IcuQueue.h"
#include "models/isa/OpcodeTable.h"

#include <algorithm>

namespace lpu {

namespace {

using F = CoverageFamilyId;
using C = CoverageOperandClass;

unsigned u(C c) { return static_cast<unsigned>(c); }
uint32_t bit(C c) { return uint32_t{1} << u(c); }
template <typename E> unsigned ix(E e) { return static_cast<unsigned>(e); }

// binary16 fields.
constexpr uint16_t kF16Sign = 0x8000, kF16Exp = 0x7C00, kF16Mant = 0x03FF, kF16MaxMag = 0x7BFF;
// binary32 fields.
constexpr uint32_t kF32Exp = 0x7F800000u, kF32Mant = 0x007FFFFFu;

uint32_t f16_classes(uint16_t h)
{
    const uint16_t mag = h & static_cast<uint16_t>(~kF16Sign);
    const bool neg = (h & kF16Sign) != 0;
    if (mag == 0)
        return bit(neg ? C::F16NegZero : C::F16PosZero);
    if ((h & kF16Exp) == kF16Exp)
        return bit((h & kF16Mant) ? C::F16Nan : C::F16Inf);
    uint32_t m = bit(neg ? C::F16Neg : C::F16Pos);
    if ((h & kF16Exp) == 0)
        m |= bit(C::F16Subnormal);
    if (mag == kF16MaxMag)
        m |= bit(C::F16Max);
    return m;
}

CoverageAbcType abc_type(MxmType t)
{
    return t == MxmType::I8 ? CoverageAbcType::I8 : t == MxmType::U8 ? CoverageAbcType::U8 : CoverageAbcType::F16;
}

CoverageWeightKind kind_of(MxmType t) { return t == MxmType::F16 ? CoverageWeightKind::F16 : CoverageWeightKind::Int; }

unsigned vxm_op_index(const VxmAluOp& op)
{
    switch (op.kind) {
    case VxmAluOp::Kind::Binary: return ix(op.binary);
    case VxmAluOp::Kind::Unary: return kVxmBinaryOps + ix(op.unary);
    case VxmAluOp::Kind::Convert: return kVxmBinaryOps + kVxmUnaryOps;
    case VxmAluOp::Kind::Requant: return kVxmBinaryOps + kVxmUnaryOps + 1;
    }
    return 0;
}

}  // namespace

CoverageCollector::CoverageCollector(const ChipSpec& spec)
    : mxm_(spec.mxm), bins_(CoverageGeometry::of(spec)), hits_(bins_.size(), 0), planes_(spec.mxm.planes)
{
    for (Plane& p : planes_) {
        p.row_type.assign(mxm_.rows, kNoRow);
        p.row_prev.assign(mxm_.rows, kNoRow);
        p.row_cycle.assign(mxm_.rows, kNever);
        p.loaded_at.assign(mxm_.rows, kNever);
    }
}

uint64_t CoverageCollector::hits(const std::string& bin) const
{
    const size_t i = bins_.find(bin);
    return i < hits_.size() ? hits_[i] : 0;
}

void CoverageCollector::record_schedule_error(ScheduleRule rule) { hit(F::Error, ix(rule)); }

// ---- the ISA ----

void CoverageCollector::begin(const QueueMap& queues, const Program&)
{
    chip_fed_ = true;
    kinds_.clear();
    for (const QueueInfo& q : queues.queues())
        kinds_.push_back(q.kind);
    last_index_.assign(kinds_.size(), kNever);
    iterations_.assign(kinds_.size(), 1);
}

// A queue issues an instruction index again only as a repetition: Repeat, or for a MEM access
// its Iterations register (the assembler refuses a Repeat after an access while Iterations > 1).
void CoverageCollector::on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t)
{
    hit(F::IsaOp, ix(in.op));
    if (last_index_[q] == index) {
        const bool iterations = kinds_[q] == QueueKind::MEM && iterations_[q] > 1;
        if (iterations)
            hit(F::IsaEvent, ix(CoverageIsaEvent::Iterations));
        else
            hit(F::IsaOp, ix(Opcode::Repeat));
        if (offset != 0)
            hit(F::IsaEvent, ix(CoverageIsaEvent::RepeatStepped));
    }
    last_index_[q] = index;
    if (index & kFetchedIndex)
        hit(F::IsaEvent, ix(CoverageIsaEvent::Fetched));
    switch (in.op) {
    case Opcode::Iterations: iterations_[q] = in.a; break;
    case Opcode::Vxm:
        hit(F::IsaVxm, vxm_op_index(in.alu));
        if (in.chain_out || in.chain_src[0] >= 0 || in.chain_src[1] >= 0)
            hit(F::IsaEvent, ix(CoverageIsaEvent::VxmChain));
        break;
    case Opcode::Sxm: hit(F::IsaSxm, ix(in.sxm.kind)); break;
    default: break;
    }
}

void CoverageCollector::on_release(size_t, uint64_t) { hit(F::IsaEvent, ix(CoverageIsaEvent::Release)); }

void CoverageCollector::on_stream_write(StreamId s, unsigned, uint64_t, const Vector&)
{
    hit(s.dir == StreamDir::East ? F::StreamEast : F::StreamWest, s.index / kCoverageStreamGroup);
}

// ---- the MXM ----

void CoverageCollector::on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    if (!chip_fed_) {
        static constexpr Opcode kIsa[kMxmChannels] = {Opcode::LW, Opcode::IW, Opcode::ABC, Opcode::ACC};
        hit(F::IsaOp, ix(kIsa[ix(in.op)]));
    }
    Plane& p = planes_.at(plane);
    retire(p, cycle);
    switch (in.op) {
    case MxmOpcode::LW: lw(p, in, cycle, data, len); break;
    case MxmOpcode::IW: iw(p, cycle); break;
    case MxmOpcode::ABC: abc(p, plane, in, cycle, data, len); break;
    case MxmOpcode::ACC: break;  // on_accumulate
    }
}

// Products whose ACC cycle has passed: taken, or dropped.
void CoverageCollector::retire(Plane& p, uint64_t cycle)
{
    while (!p.products.empty() && p.products.front().cycle + mxm_.array_latency < cycle) {
        if (!p.products.front().taken)
            hit(F::AccEvent, ix(CoverageAccEvent::ProductDropped));
        p.products.pop_front();
    }
}

void CoverageCollector::lw(Plane& p, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    operand(CoverageOperandRole::Weight, in.type, data, len);
    stagger(CoverageStaggerPort::Weight, data, len);
    if (p.has_iw && cycle == p.iw_cycle + mxm_.install_cycles() - 1)
        hit(F::Install, ix(CoverageInstallEvent::LwEarliest));
    if (p.has_abc && cycle <= p.last_abc + mxm_.array_latency)
        hit(F::Overlap, ix(CoverageOverlapEvent::LwDuringCompute), ix(kind_of(in.type)));
    const uint32_t r = in.row;
    if (p.row_cycle[r] != cycle)
        p.row_prev[r] = p.row_type[r];
    p.row_type[r] = static_cast<int8_t>(in.type);
    p.row_cycle[r] = cycle;
    p.loaded_at[r] = cycle;
}

// The rows an IW of `cycle` installs: each row's last LW before that cycle (docs/isa.md 1.2).
CoverageCollector::WeightSet CoverageCollector::install_set(const Plane& p, uint64_t cycle) const
{
    bool i8 = false, u8 = false, f16 = false;
    for (unsigned r = 0; r < mxm_.rows; ++r) {
        const int8_t t = p.row_cycle[r] == cycle ? p.row_prev[r] : p.row_type[r];
        i8 |= t == static_cast<int8_t>(MxmType::I8);
        u8 |= t == static_cast<int8_t>(MxmType::U8);
        f16 |= t == static_cast<int8_t>(MxmType::F16);
    }
    return f16        ? WeightSet::F16
           : i8 && u8 ? WeightSet::Mixed
           : i8       ? WeightSet::I8
           : u8       ? WeightSet::U8
                      : WeightSet::Zero;
}

void CoverageCollector::iw(Plane& p, uint64_t cycle)
{
    const WeightSet set = install_set(p, cycle);
    unsigned loaded = 0;
    for (uint64_t& at : p.loaded_at)
        if (at < cycle) {
            ++loaded;
            at = kNever;
        }
    hit(F::Install, ix(loaded == 0          ? CoverageInstallEvent::NoNewRows
                       : loaded < mxm_.rows ? CoverageInstallEvent::SomeRows
                                            : CoverageInstallEvent::AllRows));
    if (p.has_iw && cycle == p.iw_cycle + mxm_.install_cycles())
        hit(F::Install, ix(CoverageInstallEvent::BackToBack));
    const bool was_fp = p.last_install == WeightSet::F16, is_fp = set == WeightSet::F16;
    if (p.last_install != WeightSet::Zero && set != WeightSet::Zero && was_fp != is_fp)
        hit(F::Install, ix(CoverageInstallEvent::TypeSwitch));
    const auto kind = is_fp ? CoverageWeightKind::F16 : CoverageWeightKind::Int;
    if (p.has_abc && p.last_abc < cycle && cycle <= p.last_abc + mxm_.array_latency)
        hit(F::Overlap, ix(CoverageOverlapEvent::IwDuringCompute), ix(kind));
    if (p.has_abc && p.last_abc == cycle)  // the ABC came first in this cycle
        hit(F::Overlap, ix(CoverageOverlapEvent::AbcWithIw), ix(kind_of(p.last_abc_type)));
    if (p.has_pending)  // the earlier install is complete by now
        p.active = p.pending;
    p.pending = set;
    p.has_pending = true;
    p.last_install = set;
    p.has_iw = true;
    p.iw_cycle = cycle;
}

void CoverageCollector::abc(Plane& p, unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data,
                            size_t len)
{
    operand(CoverageOperandRole::Activation, in.type, data, len);
    stagger(CoverageStaggerPort::Activation, data, len);
    hit(F::Plane, plane);
    if (p.has_pending && cycle > p.iw_cycle) {
        p.active = p.pending;
        p.has_pending = false;
    }
    static constexpr CoverageAbcWeights kInt[2][5] = {
        {CoverageAbcWeights::I8Zero, CoverageAbcWeights::I8I8, CoverageAbcWeights::I8U8, CoverageAbcWeights::I8Mixed,
         CoverageAbcWeights::I8Zero},
        {CoverageAbcWeights::U8Zero, CoverageAbcWeights::U8I8, CoverageAbcWeights::U8U8, CoverageAbcWeights::U8Mixed,
         CoverageAbcWeights::U8Zero}};
    // An integer ABC on f16 weights and back is a schedule error: the core refused it already.
    if (in.type == MxmType::F16)
        hit(F::AbcWeights, ix(p.active == WeightSet::F16 ? CoverageAbcWeights::F16F16 : CoverageAbcWeights::F16Zero));
    else if (p.active != WeightSet::F16)
        hit(F::AbcWeights, ix(kInt[in.type == MxmType::U8][ix(p.active)]));
    const auto kind = ix(kind_of(in.type));
    if (p.has_iw && cycle == p.iw_cycle)  // the IW came first in this cycle
        hit(F::Overlap, ix(CoverageOverlapEvent::AbcWithIw), kind);
    if (p.has_iw && cycle == p.iw_cycle + mxm_.install_cycles())
        hit(F::Overlap, ix(CoverageOverlapEvent::AbcAtInstallEnd), kind);
    if (p.has_fp_abc && cycle == p.fp_abc + mxm_.fp16_issue_interval)
        hit(F::Overlap, ix(CoverageOverlapEvent::AbcAtFp16Interval), kind);
    if (in.type == MxmType::F16) {
        p.has_fp_abc = true;
        p.fp_abc = cycle;
    }
    p.has_abc = true;
    p.last_abc = cycle;
    p.last_abc_type = in.type;
    p.products.push_back(Product{cycle, in.type, false});
}

// The classes of a vector's bytes in one pass of OR-ed flags, which the compiler vectorises (the
// collector must stay cheap beside the product it watches).
uint32_t CoverageCollector::byte_classes(MxmType type, const uint8_t* data, size_t len)
{
    uint8_t high = 0, zero = 0, low = 0, x80 = 0, x7f = 0, xff = 0;
    for (size_t l = 0; l < len; ++l) {
        const uint8_t b = data[l];
        high |= b >> 7;                             // int8 < 0, uint8 128..255
        zero |= b == 0;                             //
        low |= static_cast<uint8_t>(b - 1) < 0x7f;  // 1..127
        x80 |= b == 0x80;
        x7f |= b == 0x7f;
        xff |= b == 0xff;
    }
    if (type == MxmType::I8)
        return (high ? bit(C::I8Neg) : 0) | (zero ? bit(C::I8Zero) : 0) | (low ? bit(C::I8Pos) : 0) |
               (x80 ? bit(C::I8Min) : 0) | (x7f ? bit(C::I8Max) : 0);
    return (zero ? bit(C::U8Zero) : 0) | (low ? bit(C::U8Low) : 0) | (high ? bit(C::U8High) : 0) |
           (xff ? bit(C::U8Max) : 0);
}

void CoverageCollector::operand(CoverageOperandRole role, MxmType type, const uint8_t* data, size_t len)
{
    uint32_t classes = 0;
    if (type == MxmType::F16) {
        for (size_t l = 0; l + 1 < len; l += 2)
            classes |= f16_classes(static_cast<uint16_t>(data[l] | (data[l + 1] << 8)));
    } else {
        classes = byte_classes(type, data, len);
    }
    for (unsigned c = 0; classes; ++c, classes >>= 1)
        if (classes & 1)
            hit(F::Operand, ix(role), c);
}

// Chunk s of a vector of `len` bytes: lanes s*G .. s*G+G-1, of len / lanes bytes each. The
// bytes of a chunk OR-ed together (vectorised) say whether it holds anything but zeros.
void CoverageCollector::stagger(CoverageStaggerPort port, const uint8_t* data, size_t len)
{
    const size_t chunk = len / mxm_.superlanes;
    for (unsigned s = 0; s < mxm_.superlanes; ++s) {
        uint8_t any = 0;
        for (size_t i = s * chunk; i < (s + 1) * chunk; ++i)
            any |= data[i];
        if (any)
            hit(F::Stagger, ix(port), s);
    }
}

void CoverageCollector::on_accumulate(unsigned plane, const MxmAccumulate& a)
{
    Plane& p = planes_.at(plane);
    const uint64_t cycle = a.abc_cycle + mxm_.array_latency;
    const auto mode = ix(a.add ? CoverageAccMode::Add : CoverageAccMode::Set);
    auto it =
        std::find_if(p.products.begin(), p.products.end(), [&](const Product& pr) { return pr.cycle == a.abc_cycle; });
    if (it != p.products.end()) {
        it->taken = true;
        hit(F::AccType, ix(abc_type(it->type)), mode);
    }
    hit(F::Slot, a.slot, mode);
    hit(F::AccEvent, ix(a.emit ? CoverageAccEvent::Emit : CoverageAccEvent::NoEmit));
    if (a.emit) {
        if (p.has_emit && p.last_emit + 1 == cycle)
            hit(F::AccEvent, ix(CoverageAccEvent::EmitBackToBack));
        p.has_emit = true;
        p.last_emit = cycle;
    }
    if (a.wrapped_lanes > 0)
        hit(F::AccEvent, ix(CoverageAccEvent::Int32Wrap));
}

void CoverageCollector::on_result(unsigned, const MxmResult& r)
{
    stagger(CoverageStaggerPort::Result, reinterpret_cast<const uint8_t*>(r.values.data()),
            r.values.size() * sizeof(int32_t));
    if (!r.fp32)
        return;
    bool inf = false, nan = false;
    for (int32_t v : r.values) {
        const auto b = static_cast<uint32_t>(v);
        if ((b & kF32Exp) == kF32Exp) {
            inf |= (b & kF32Mant) == 0;
            nan |= (b & kF32Mant) != 0;
        }
    }
    if (inf)
        hit(F::AccEvent, ix(CoverageAccEvent::Fp32Inf));
    if (nan)
        hit(F::AccEvent, ix(CoverageAccEvent::Fp32Nan));
}

void CoverageCollector::finish(uint64_t)
{
    for (Plane& p : planes_)
        retire(p, kNever);
}

}  // namespace lpu
