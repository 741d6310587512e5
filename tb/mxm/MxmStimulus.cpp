#include "MxmStimulus.h"

#include "models/common/Error.h"

#include <algorithm>

namespace lpu {

const std::vector<std::pair<std::string, std::string>>& MxmStimulus::kinds()
{
    static const std::vector<std::pair<std::string, std::string>> k = {
        {"random", "seeded random legal schedule: dense bursts, sparse stretches, idle gaps, random data"},
        {"zeros", "random schedule, every weight and activation zero"},
        {"identity", "identity weights, random activations: each result equals its activation"},
        {"min-neg", "-128 weights and activations with K = lane count, adding into one slot (int32 wraps after 2^31 / "
                    "(16384 K) adds)"},
        {"uint8-extremes", "uint8 255 weights against uint8 0/255 and int8 -128/127 activations"},
        {"weight-swap", "back-to-back weight installs, ABC on the first legal cycle around every IW"},
        {"dense", "peak streaming: ABC and ACC every legal cycle, next weights loaded meanwhile, IW per full set"},
    };
    return k;
}

MxmStimulus::MxmStimulus(const MxmParams& params, const std::string& kind, uint64_t seed, uint64_t ops)
    : p_(params), rng_(seed), ops_(ops), slot_set_(params.acc_slots, false)
{
    static const std::pair<const char*, Kind> names[] = {{"random", Kind::Random},
                                                         {"zeros", Kind::Zeros},
                                                         {"identity", Kind::Identity},
                                                         {"min-neg", Kind::MinNeg},
                                                         {"uint8-extremes", Kind::Uint8Extremes},
                                                         {"weight-swap", Kind::WeightSwap},
                                                         {"dense", Kind::Dense}};
    auto it = std::find_if(std::begin(names), std::end(names), [&](const auto& n) { return kind == n.first; });
    if (it == std::end(names)) {
        std::string list;
        for (const auto& k : kinds())
            list += (list.empty() ? "" : ", ") + k.first;
        throw InputError("unknown stimulus '" + kind + "' (choose from: " + list + ")");
    }
    kind_ = it->second;
}

void MxmStimulus::fill_vector(std::vector<uint8_t>& v, Fill fill, uint32_t row, MxmType& type)
{
    switch (fill) {
    case Fill::Zeros: std::fill(v.begin(), v.end(), 0); break;
    case Fill::MinNeg:
        type = MxmType::I8;
        std::fill(v.begin(), v.end(), 0x80);
        break;
    case Fill::Max:
        type = MxmType::U8;
        std::fill(v.begin(), v.end(), 0xFF);
        break;
    case Fill::Identity:
        type = MxmType::I8;
        std::fill(v.begin(), v.end(), 0);
        v[row % v.size()] = 1;
        break;
    case Fill::Mixed: {
        static const uint8_t corners[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
        for (auto& b : v)
            b = rng_.chance(1, 2) ? corners[rng_.below(5)] : rng_.byte();
        break;
    }
    case Fill::Random:
        for (auto& b : v)
            b = rng_.byte();
        break;
    }
}

bool MxmStimulus::new_phase(uint64_t c)
{
    static const unsigned levels[] = {0, 2, 8, 14, 16, 16};
    p_abc_ = levels[rng_.below(6)];
    p_lw_ = levels[rng_.below(6)];
    p_acc_ = 8 + static_cast<unsigned>(rng_.below(9));
    p_emit_ = 4 + static_cast<unsigned>(rng_.below(13));
    phase_end_ = c + 1 + rng_.below(4 * (p_.superlanes + p_.install_cycles()) + 16);
    if (!rng_.chance(1, 8))
        return false;
    // An idle gap: pipelines drain, results keep coming out.
    cycle_ += rng_.below(2 * (p_.superlanes + p_.acc_latency) + 4);
    return true;
}

MxmStimulus::Issues MxmStimulus::decide(uint64_t c)
{
    const uint64_t t_iw = p_.install_cycles();
    while (!abc_cycles_.empty() && abc_cycles_.front() + p_.array_latency < c)
        abc_cycles_.pop_front();
    const bool product_due = !abc_cycles_.empty() && abc_cycles_.front() + p_.array_latency == c;
    const bool iw_ok = !has_iw_ || c >= iw_cycle_ + t_iw;
    const bool installed = has_iw_ && c >= iw_cycle_ + t_iw;  // at least one install complete

    Issues d;
    switch (kind_) {
    case Kind::Random:
    case Kind::Zeros:
        d.iw = iw_ok && rows_loaded_ > 0 && want(1, std::max<uint64_t>(2, p_.rows / 4));
        d.lw = want(p_lw_, 16);
        d.abc = want(p_abc_, 16);
        d.acc = product_due && want(p_acc_, 16);
        break;
    case Kind::Identity:
    case Kind::MinNeg:
    case Kind::Uint8Extremes:
        d.lw = rows_loaded_ < p_.rows && !has_iw_;
        d.iw = !has_iw_ && rows_loaded_ == p_.rows;
        d.abc = installed;
        d.acc = product_due;
        break;
    case Kind::WeightSwap:
        d.iw = iw_ok && rows_loaded_ > 0;
        d.lw = d.abc = true;
        d.acc = product_due;
        break;
    case Kind::Dense:
        d.iw = iw_ok && rows_loaded_ >= p_.rows;
        d.lw = d.abc = true;
        d.acc = product_due;
        break;
    }
    // docs/isa.md 1.3: shadow busy, torn weights.
    if ((has_iw_ && c >= iw_cycle_ && c + 1 < iw_cycle_ + t_iw) || (d.iw && t_iw > 1))
        d.lw = false;
    if (has_iw_ && c > iw_cycle_ && c < iw_cycle_ + t_iw)
        d.abc = false;
    return d;
}

MxmOp& MxmStimulus::add(std::vector<MxmOp>& out, uint64_t c, MxmInstr in)
{
    in.id = issued_++;
    out.push_back(MxmOp{c, in, {}});
    return out.back();
}

void MxmStimulus::add_acc(std::vector<MxmOp>& out, uint64_t c)
{
    MxmInstr in;
    in.op = MxmOpcode::ACC;
    in.slot = static_cast<uint32_t>(rng_.below(p_.acc_slots));
    if (kind_ == Kind::MinNeg)
        in.slot = 0;  // keep adding into one slot until it wraps
    in.add = slot_set_[in.slot] && (kind_ == Kind::MinNeg || rng_.chance(1, 2));
    in.emit = kind_ != Kind::Random || want(p_emit_, 16);
    slot_set_[in.slot] = true;
    add(out, c, in);
}

void MxmStimulus::add_iw(std::vector<MxmOp>& out, uint64_t c)
{
    MxmInstr in;
    in.op = MxmOpcode::IW;
    add(out, c, in);
    has_iw_ = true;
    iw_cycle_ = c;
    rows_loaded_ = 0;
}

void MxmStimulus::add_lw(std::vector<MxmOp>& out, uint64_t c)
{
    MxmInstr in;
    in.op = MxmOpcode::LW;
    const bool sequential = kind_ != Kind::Random || rng_.chance(1, 2);
    in.row = sequential ? next_row_ : static_cast<uint32_t>(rng_.below(p_.rows));
    next_row_ = (in.row + 1) % p_.rows;
    in.type = rng_.chance(1, 2) ? MxmType::I8 : MxmType::U8;
    MxmOp& op = add(out, c, in);
    op.data.resize(p_.cols);
    Fill fill = Fill::Random;
    switch (kind_) {
    case Kind::Zeros: fill = Fill::Zeros; break;
    case Kind::Identity: fill = Fill::Identity; break;
    case Kind::MinNeg: fill = Fill::MinNeg; break;
    case Kind::Uint8Extremes: fill = Fill::Max; break;
    case Kind::WeightSwap:
    case Kind::Dense: break;
    case Kind::Random: {
        static const Fill fills[] = {Fill::Random, Fill::Random, Fill::Random, Fill::Mixed,
                                     Fill::Mixed,  Fill::Zeros,  Fill::MinNeg, Fill::Max};
        fill = fills[rng_.below(8)];
        break;
    }
    }
    fill_vector(op.data, fill, in.row, op.instr.type);
    ++rows_loaded_;
}

void MxmStimulus::add_abc(std::vector<MxmOp>& out, uint64_t c)
{
    MxmInstr in;
    in.op = MxmOpcode::ABC;
    in.type = rng_.chance(1, 2) ? MxmType::I8 : MxmType::U8;
    MxmOp& op = add(out, c, in);
    op.data.resize(p_.rows);
    Fill fill = Fill::Random;
    switch (kind_) {
    case Kind::Zeros: fill = Fill::Zeros; break;
    case Kind::MinNeg: fill = Fill::MinNeg; break;
    case Kind::Uint8Extremes: {
        // u8 0 and 255, and i8 -128 and 127, against u8 255 weights.
        static const uint8_t values[] = {0x00, 0xFF, 0x80, 0x7F};
        const unsigned pick = static_cast<unsigned>(rng_.below(4));
        op.instr.type = pick >= 2 ? MxmType::I8 : MxmType::U8;
        std::fill(op.data.begin(), op.data.end(), values[pick]);
        break;
    }
    case Kind::Identity:
    case Kind::WeightSwap:
    case Kind::Dense: break;
    case Kind::Random: {
        static const Fill fills[] = {Fill::Random, Fill::Random, Fill::Mixed, Fill::Mixed,
                                     Fill::Zeros,  Fill::MinNeg, Fill::Max,   Fill::Random};
        fill = fills[rng_.below(8)];
        break;
    }
    }
    if (kind_ != Kind::Uint8Extremes)
        fill_vector(op.data, fill, 0, op.instr.type);
    abc_cycles_.push_back(c);
}

bool MxmStimulus::next_cycle(std::vector<MxmOp>& out)
{
    while (issued_ < ops_) {
        const uint64_t c = cycle_++;
        if ((kind_ == Kind::Random || kind_ == Kind::Zeros) && c >= phase_end_ && new_phase(c))
            continue;
        const Issues d = decide(c);
        const size_t first = out.size();
        if (d.acc && issued_ < ops_)
            add_acc(out, c);
        if (d.iw && issued_ < ops_)
            add_iw(out, c);
        if (d.lw && issued_ < ops_)
            add_lw(out, c);
        if (d.abc && issued_ < ops_)
            add_abc(out, c);
        if (out.size() == first)
            continue;
        // Any order within a cycle is legal; shuffling keeps the model honest about that.
        for (size_t i = out.size() - 1; i > first; --i)
            std::swap(out[i], out[first + rng_.below(i - first + 1)]);
        return true;
    }
    return false;
}

}  // namespace lpu
