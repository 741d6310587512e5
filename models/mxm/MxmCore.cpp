#include "MxmCore.h"

#include "models/common/Error.h"
#include "models/common/Fp16.h"
#include "models/mxm/MxmGemv.h"
#include "models/mxm/MxmMacRow.h"
#include "models/mxm/ProductWorker.h"
#include "models/spec/Timing.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace lpu {

namespace {

uint16_t f16_lane(const uint8_t* data, unsigned lane)
{
    return static_cast<uint16_t>(data[2 * lane] | (data[2 * lane + 1] << 8));
}

const char* type_word(bool fp) { return fp ? "fp16" : "integer"; }

// acc += prod lane by lane, modulo 2^32 like the hardware's adder (without signed-overflow UB);
// returns the lanes whose signed sum wrapped.
unsigned add_counting_wraps(int32_t* __restrict acc, const int32_t* __restrict prod, unsigned n)
{
    unsigned wrapped = 0;
    for (unsigned l = 0; l < n; ++l) {
        const uint32_t a = uint32_t(acc[l]), p = uint32_t(prod[l]), s = a + p;
        wrapped += ((a ^ s) & (p ^ s)) >> 31;  // both operands' sign differs from the sum's
        acc[l] = int32_t(s);
    }
    return wrapped;
}

// acc = prod, or acc += prod lane by lane modulo 2^32 like the hardware's adder (without
// signed-overflow UB); restrict pointers, so the compiler vectorises it.
void accumulate_int(int32_t* __restrict acc, const int32_t* __restrict prod, unsigned n, bool add)
{
    if (!add) {
        std::memcpy(acc, prod, sizeof(int32_t) * n);
        return;
    }
    for (unsigned l = 0; l < n; ++l)
        acc[l] = int32_t(uint32_t(acc[l]) + uint32_t(prod[l]));
}

}  // namespace

MxmCore::MxmCore(const MxmParams& params)
    : p_(params), shadow_(size_t{params.rows} * params.cols), active_(size_t{params.rows} * params.cols),
      pending_(size_t{params.rows} * params.cols), shadow_rows_(params.rows), lw_prev_row_(params.cols, 0),
      acc_(params.acc_slots, std::vector<int32_t>(params.cols, 0)), acc_kind_(params.acc_slots, Kind::Zero),
      acc_writer_(params.acc_slots)
{}

void MxmCore::ensure_fp_buffers()
{
    // Allocated on first use, all at once and zero, so an integer-only plane pays nothing and
    // a buffer of Kind::Zero reads as +0.0 through either representation.
    if (!shadow_f_.empty())
        return;
    const size_t kn = size_t{p_.rows} * p_.cols;
    shadow_f_.assign(kn, 0.0f);
    active_f_.assign(kn, 0.0f);
    pending_f_.assign(kn, 0.0f);
    shadow_nf_.assign(p_.rows, 0);
    active_nf_.assign(p_.rows, 0);
    pending_nf_.assign(p_.rows, 0);
    lw_prev_row_f_.assign(p_.cols, 0.0f);
    act_f_.assign(p_.rows, 0.0f);
    sum_f_.assign(p_.cols, 0.0f);
}

MxmCore::~MxmCore() { set_worker(nullptr); }

void MxmCore::set_worker(ProductWorker* worker)
{
    if (worker_)
        worker_->drain();
    worker_ = worker;
}

void MxmCore::await(const Product& pr) const
{
    if (pr.ticket)
        worker_->wait(pr.ticket);
}

void MxmCore::schedule_error(const MxmInstr& in, uint64_t cycle, ScheduleRule kind, const std::string& rule) const
{
    std::ostringstream os;
    os << "schedule error at cycle " << cycle << " in MXM: '" << in.disasm() << "' (instruction " << name(in.id)
       << "): " << rule;
    throw ScheduleError(kind, os.str());
}

std::string MxmCore::name(uint64_t id) const { return namer_ ? "[" + namer_(id) + "]" : "#" + std::to_string(id); }

std::string MxmCore::describe_row(uint32_t row, const RowOrigin& o) const
{
    return "row " + std::to_string(row) + " is " + mxm_type_name(o.type) + " (LW " + name(o.lw_id) + " at cycle " +
           std::to_string(o.lw_cycle) + ")";
}

void MxmCore::check_order(const MxmInstr& in, uint64_t cycle)
{
    if (started_ && cycle < last_cycle_)
        schedule_error(in, cycle, ScheduleRule::MxmIssueOrder,
                       "issued after an instruction of cycle " + std::to_string(last_cycle_) +
                           " (issue cycles must not decrease)");
    if (!started_ || cycle > last_cycle_)
        std::fill(std::begin(issued_in_cycle_), std::end(issued_in_cycle_), false);
    const auto ch = static_cast<unsigned>(in.op);
    if (issued_in_cycle_[ch])
        schedule_error(in, cycle, ScheduleRule::MxmChannelBusy,
                       std::string("a second ") + mxm_opcode_name(in.op) +
                           " in one cycle (each channel takes one instruction per cycle)");
    issued_in_cycle_[ch] = true;
    started_ = true;
    last_cycle_ = cycle;
    stats_.last_cycle = cycle;
}

bool MxmCore::issue(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len, MxmResult& out)
{
    // An offer (lookahead()) is for this issue only, whether or not it gets to use it.
    offered_ = look_cycle_ == cycle ? look_n_ : 0;
    look_n_ = 0;
    check_order(in, cycle);
    retire_products(cycle);
    ++stats_.instrs[static_cast<unsigned>(in.op)];
    switch (in.op) {
    case MxmOpcode::LW: do_lw(in, cycle, data, len); return false;
    case MxmOpcode::IW: do_iw(in, cycle); return false;
    case MxmOpcode::ABC: do_abc(in, cycle, data, len); return false;
    case MxmOpcode::ACC: return do_acc(in, cycle, out);
    }
    return false;
}

void MxmCore::do_lw(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    if (in.row >= p_.rows)
        throw InputError("MXM: '" + in.disasm() + "': row " + std::to_string(in.row) +
                         " out of range (rows = " + std::to_string(p_.rows) + ")");
    const unsigned bytes = mxm_type_bytes(in.type);
    if (len != size_t{p_.cols} * bytes)
        throw InputError("MXM: '" + in.disasm() + "': weight vector has " + std::to_string(len) + " bytes, expected " +
                         std::to_string(p_.cols * bytes) +
                         (bytes > 1 ? " (" + std::to_string(p_.cols) + " lanes x 2 bytes)" : std::string()));
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle >= iw_cycle_ && cycle + 1 < iw_cycle_ + t_iw)
        schedule_error(in, cycle, ScheduleRule::MxmShadowBusy,
                       "LW while IW " + name(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                           " is still copying the shadow buffer (allowed from cycle " +
                           std::to_string(iw_cycle_ + t_iw - 1) + ")");
    const size_t base = size_t{in.row} * p_.cols;
    if (in.type == MxmType::F16) {
        ensure_fp_buffers();
        float* row = &shadow_f_[base];
        std::copy(row, row + p_.cols, lw_prev_row_f_.begin());
        lw_prev_nf_ = shadow_nf_[in.row];
        uint8_t nonfinite = 0;
        for (unsigned n = 0; n < p_.cols; ++n) {
            const uint16_t h = f16_lane(data, n);
            row[n] = f32_from_bits(f16_to_f32(h));
            nonfinite |= (h & 0x7C00u) == 0x7C00u;
        }
        shadow_nf_[in.row] = nonfinite;
    } else {
        int16_t* row = &shadow_[base];
        std::copy(row, row + p_.cols, lw_prev_row_.begin());
        if (in.type == MxmType::I8)
            for (unsigned n = 0; n < p_.cols; ++n)
                row[n] = int16_t(int8_t(data[n]));
        else
            for (unsigned n = 0; n < p_.cols; ++n)
                row[n] = int16_t(data[n]);
    }
    RowOrigin& o = shadow_rows_[in.row];
    lw_prev_origin_ = o;
    if (o.written)
        --(mxm_type_is_int(o.type) ? shadow_int_rows_ : shadow_fp_rows_);
    ++(mxm_type_is_int(in.type) ? shadow_int_rows_ : shadow_fp_rows_);
    o = RowOrigin{true, in.type, in.id, cycle};
    has_lw_ = true;
    lw_cycle_ = cycle;
    lw_row_ = in.row;
    lw_id_ = in.id;
    lw_type_ = in.type;
}

void MxmCore::activate_pending()
{
    active_.swap(pending_);
    packed_stale_ = true;
    active_f_.swap(pending_f_);  // empty or all allocated together: the swap stays consistent
    active_nf_.swap(pending_nf_);
    active_kind_ = pending_kind_;
    active_iw_id_ = iw_id_;
    active_iw_cycle_ = iw_cycle_;
    has_pending_ = false;
}

void MxmCore::do_iw(const MxmInstr& in, uint64_t cycle)
{
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle < iw_cycle_ + t_iw)
        schedule_error(in, cycle, ScheduleRule::MxmInstallBusy,
                       "IW while IW " + name(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                           " is still installing (takes " + std::to_string(t_iw) + " cycles)");
    if (has_lw_ && lw_cycle_ == cycle && t_iw > 1)
        schedule_error(in, cycle, ScheduleRule::MxmPartialInstall,
                       "LW " + name(lw_id_) +
                           " in the same cycle would be installed only partly (LW must precede IW, or "
                           "come from cycle " +
                           std::to_string(cycle + t_iw - 1) + ")");
    // The rows this install takes are those written before this cycle: an LW of this same
    // cycle goes to the next install, so its row counts as it was before that LW.
    const bool undo = has_lw_ && lw_cycle_ == cycle;
    unsigned int_rows = shadow_int_rows_, fp_rows = shadow_fp_rows_;
    if (undo) {
        --(mxm_type_is_int(lw_type_) ? int_rows : fp_rows);
        if (lw_prev_origin_.written)
            ++(mxm_type_is_int(lw_prev_origin_.type) ? int_rows : fp_rows);
    }
    if (int_rows > 0 && fp_rows > 0) {
        // docs/isa.md 1.3 rule 8: name one row of each type.
        std::string int_row, fp_row;
        for (uint32_t r = 0; r < p_.rows && (int_row.empty() || fp_row.empty()); ++r) {
            const RowOrigin& o = undo && r == lw_row_ ? lw_prev_origin_ : shadow_rows_[r];
            if (!o.written)
                continue;
            std::string& text = mxm_type_is_int(o.type) ? int_row : fp_row;
            if (text.empty())
                text = describe_row(r, o);
        }
        schedule_error(in, cycle, ScheduleRule::MxmMixedWeightTypes,
                       "mixed weight types: " + int_row + ", " + fp_row +
                           " (a plane holds weights of one type; reload every row in one type before IW)");
    }
    const Kind kind = int_rows > 0 ? Kind::Int : fp_rows > 0 ? Kind::Fp : Kind::Zero;
    // Earlier installs are complete by now (install-busy rule above), so any pending one is
    // already active for every later ABC.
    if (has_pending_)
        activate_pending();
    // Copy only the representation the install uses (Zero: both, all zero), so an integer
    // install costs what it did before fp16 existed.
    const size_t lw_base = size_t{lw_row_} * p_.cols;
    if (kind != Kind::Fp) {
        pending_ = shadow_;
        if (undo && mxm_type_is_int(lw_type_))
            std::copy(lw_prev_row_.begin(), lw_prev_row_.end(), pending_.begin() + lw_base);
    }
    if (kind != Kind::Int && !shadow_f_.empty()) {
        pending_f_ = shadow_f_;
        pending_nf_ = shadow_nf_;
        if (undo && !mxm_type_is_int(lw_type_)) {
            std::copy(lw_prev_row_f_.begin(), lw_prev_row_f_.end(), pending_f_.begin() + lw_base);
            pending_nf_[lw_row_] = lw_prev_nf_;
        }
    }
    pending_kind_ = kind;
    has_pending_ = true;
    has_iw_ = true;
    iw_cycle_ = cycle;
    iw_id_ = in.id;
}

void MxmCore::do_abc(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    const unsigned bytes = mxm_type_bytes(in.type);
    if (len != size_t{p_.rows} * bytes)
        throw InputError("MXM: '" + in.disasm() + "': activation vector has " + std::to_string(len) +
                         " bytes, expected " + std::to_string(p_.rows * bytes) +
                         (bytes > 1 ? " (" + std::to_string(p_.rows) + " lanes x 2 bytes)" : std::string()));
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle > iw_cycle_ && cycle < iw_cycle_ + t_iw)
        schedule_error(in, cycle, ScheduleRule::MxmTornWeights,
                       "ABC while IW " + name(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                           " is installing (torn weights; ABC allowed up to cycle " + std::to_string(iw_cycle_) +
                           " and from cycle " + std::to_string(iw_cycle_ + t_iw) + ")");
    const uint64_t interval = p_.fp16_issue_interval;
    if (has_fp_abc_ && cycle < fp_abc_cycle_ + interval)
        schedule_error(in, cycle, ScheduleRule::MxmFp16Interval,
                       "ABC while f16 ABC " + name(fp_abc_id_) + " of cycle " + std::to_string(fp_abc_cycle_) +
                           " still holds the activation port (an f16 ABC takes "
                           "chip.mxm.fp16_issue_interval = " +
                           std::to_string(interval) + " cycles; next ABC allowed from cycle " +
                           std::to_string(fp_abc_cycle_ + interval) + ")");
    const bool sees_pending = takes_pending(cycle);
    const Kind seen = sees_pending ? pending_kind_ : active_kind_;
    const bool fp = !mxm_type_is_int(in.type);
    if (seen != Kind::Zero && seen != (fp ? Kind::Fp : Kind::Int))
        schedule_error(in, cycle, ScheduleRule::MxmAbcType,
                       std::string("reads the ") + type_word(!fp) + " weights installed by IW " +
                           name(sees_pending ? iw_id_ : active_iw_id_) + " of cycle " +
                           std::to_string(sees_pending ? iw_cycle_ : active_iw_cycle_) +
                           " (an ABC's type must match the installed weights: i8/u8 with i8/u8, f16 "
                           "with f16)");
    if (sees_pending)
        activate_pending();
    std::vector<int32_t> p;
    uint64_t ticket = 0;
    if (!spare_.empty()) {
        p = std::move(spare_.back());
        spare_.pop_back();
    }
    if (fp) {
        abc_f16(data, p);
        stats_.macs_fp16 += uint64_t{p_.rows} * p_.cols;
        has_fp_abc_ = true;
        fp_abc_cycle_ = cycle;
        fp_abc_id_ = in.id;
    } else {
        abc_int(in, cycle, data, p, ticket);
        stats_.macs += uint64_t{p_.rows} * p_.cols;
    }
    products_.push_back(Product{cycle, in.id, fp, std::move(p), ticket});
}

void MxmCore::abc_int(const MxmInstr& in, uint64_t cycle, const uint8_t* data, std::vector<int32_t>& p,
                      uint64_t& ticket)
{
    if (packed_stale_) {  // the first product since an install: pack the weights it installed
        if (worker_)
            worker_->drain();  // products of the weights before are still reading them
        packed_.pack(active_.data(), p_.rows, p_.cols, kernel_);
        packed_stale_ = false;
        batch_.count = 0;  // made with the weights before
    }
    p.resize(p_.cols);
    if (batched_product(in, cycle, data, p))
        return;
    if (worker_)
        ticket = worker_->submit(packed_, data, p_.rows, in.type == MxmType::I8, p.data());
    else
        packed_.product(data, in.type == MxmType::I8, p.data());
}

bool MxmCore::wants_lookahead(uint64_t cycle) const
{
    const bool packs = packed_stale_ || takes_pending(cycle);  // this ABC drops the batch (abc_int)
    return packs || cycle < batch_.first || cycle >= batch_.first + batch_.count;
}

void MxmCore::lookahead(uint64_t cycle, const uint8_t* const* acts, unsigned n)
{
    look_n_ = std::min(n, MxmPackedWeights::kMaxBatch - 1);
    std::copy_n(acts, look_n_, look_);
    look_cycle_ = cycle;
}

bool MxmCore::batched_product(const MxmInstr& in, uint64_t cycle, const uint8_t* data, std::vector<int32_t>& p)
{
    const bool a_signed = in.type == MxmType::I8;
    const unsigned k = p_.rows, n = p_.cols;
    if (cycle >= batch_.first && cycle < batch_.first + batch_.count && batch_.a_signed == a_signed) {
        const size_t i = cycle - batch_.first;
        if (std::memcmp(&batch_.acts[i * k], data, k) == 0) {
            std::copy_n(&batch_.values[i * n], n, p.begin());
            ++batch_stats_.taken;
            return true;
        }
    }
    batch_.count = 0;  // a wrong guess: the ones after it were made alike, so guess anew
    if (offered_ == 0)
        return false;
    const unsigned count = 1 + offered_;
    batch_.acts.resize(size_t{MxmPackedWeights::kMaxBatch} * k);
    batch_.values.resize(size_t{MxmPackedWeights::kMaxBatch} * n);
    const uint8_t* acts[MxmPackedWeights::kMaxBatch];
    int32_t* values[MxmPackedWeights::kMaxBatch];
    for (unsigned i = 0; i < count; ++i) {
        std::memcpy(&batch_.acts[i * k], i == 0 ? data : look_[i - 1], k);
        acts[i] = &batch_.acts[i * k];
        values[i] = &batch_.values[i * n];
    }
    packed_.products(acts, count, a_signed, values);
    batch_.first = cycle;
    batch_.count = count;
    batch_.a_signed = a_signed;
    ++batch_stats_.batches;
    batch_stats_.made += count - 1;
    std::copy_n(values[0], n, p.begin());
    return true;
}

void MxmCore::abc_f16(const uint8_t* data, std::vector<int32_t>& p)
{
    // docs/isa.md 1.5: column n's sum starts at +0.0 and takes the products of rows 0..K-1 in
    // that order, each product and each sum rounded to binary32. Vectorised across columns only.
    ensure_fp_buffers();
    const unsigned n_cols = p_.cols;
    for (unsigned k = 0; k < p_.rows; ++k)
        act_f_[k] = f32_from_bits(f16_to_f32(f16_lane(data, k)));
    std::fill(sum_f_.begin(), sum_f_.end(), 0.0f);
    for (unsigned k = 0; k < p_.rows; ++k) {
        const float a = act_f_[k];
        // Skipping a +-0 activation is exact unless the row holds an inf or NaN (0 * inf is
        // NaN): the products are +-0, and a running sum is never -0 (it starts at +0.0, and a
        // round-to-nearest sum is -0 only if both addends are), so adding them changes nothing.
        if (a == 0.0f && !active_nf_[k])
            continue;
        mxm_mac_row_f32(sum_f_.data(), &active_f_[size_t{k} * n_cols], a, n_cols);
    }
    p.resize(n_cols);
    for (unsigned n = 0; n < n_cols; ++n) {
        const uint32_t b = f32_bits(sum_f_[n]);
        p[n] = static_cast<int32_t>(f32_is_nan(b) ? kF32CanonicalNaN : b);
    }
}

bool MxmCore::do_acc(const MxmInstr& in, uint64_t cycle, MxmResult& out)
{
    if (in.slot >= p_.acc_slots)
        throw InputError("MXM: '" + in.disasm() + "': slot " + std::to_string(in.slot) +
                         " out of range (acc_slots = " + std::to_string(p_.acc_slots) + ")");
    const uint64_t want = cycle - p_.array_latency;  // the ABC this ACC takes
    auto it = std::find_if(products_.begin(), products_.end(),
                           [&](const Product& pr) { return timing::acc_for_abc(p_, pr.cycle) == cycle; });
    if (cycle < p_.array_latency || it == products_.end())
        schedule_error(in, cycle, ScheduleRule::MxmNoProduct,
                       "no product to take: ACC needs an ABC issued at cycle " +
                           (cycle < p_.array_latency ? std::string("< 0") : std::to_string(want)) + " (array_latency " +
                           std::to_string(p_.array_latency) + ")");
    const bool fp = it->fp;
    const Kind kind = fp ? Kind::Fp : Kind::Int;
    if (in.add && acc_kind_[in.slot] != Kind::Zero && acc_kind_[in.slot] != kind)
        schedule_error(in, cycle, ScheduleRule::MxmSlotType,
                       std::string("adds the ") + type_word(fp) + " product of ABC " + name(it->abc_id) + " to slot " +
                           std::to_string(in.slot) + ", which holds the " + type_word(!fp) + " value of ACC " +
                           name(acc_writer_[in.slot].acc_id) + " of cycle " +
                           std::to_string(acc_writer_[in.slot].acc_cycle) +
                           " (add needs a slot of the product's type; use set)");
    std::vector<int32_t>& acc = acc_[in.slot];
    await(*it);
    const int32_t* prod = it->values.data();
    acc_info_ = MxmAccumulate{in.slot, in.add, in.emit, fp, it->cycle, 0};
    if (!fp && in.add && count_wraps_) {
        acc_info_.wrapped_lanes = add_counting_wraps(acc.data(), prod, p_.cols);
    } else if (!fp) {
        accumulate_int(acc.data(), prod, p_.cols, in.add);
    } else if (!in.add) {
        std::copy(prod, prod + p_.cols, acc.begin());  // = +0.0 + p: p is never -0
    } else {
        for (unsigned n = 0; n < p_.cols; ++n) {
            // One binary32 addition, round to nearest even; NaN results canonical (docs/isa.md 1.5).
            const float sum = f32_from_bits(uint32_t(acc[n])) + f32_from_bits(uint32_t(prod[n]));
            const uint32_t b = f32_bits(sum);
            acc[n] = static_cast<int32_t>(f32_is_nan(b) ? kF32CanonicalNaN : b);
        }
    }
    acc_kind_[in.slot] = kind;
    acc_writer_[in.slot] = Writer{in.id, cycle};
    const uint64_t abc_id = it->abc_id;
    spare_.push_back(std::move(it->values));
    products_.erase(it);
    if (!in.emit)
        return false;
    out.acc_id = in.id;
    out.acc_cycle = cycle;
    out.abc_id = abc_id;
    out.first_cycle = timing::result_drives(p_, cycle);
    out.slot = in.slot;
    out.add = in.add;
    out.fp32 = fp;
    out.values = acc;
    ++stats_.results;
    return true;
}

void MxmCore::retire_products(uint64_t cycle)
{
    while (!products_.empty() && timing::acc_for_abc(p_, products_.front().cycle) < cycle) {
        ++stats_.dropped_products;
        await(products_.front());  // its buffer is reused only once nothing writes into it
        spare_.push_back(std::move(products_.front().values));
        products_.pop_front();
    }
}

}  // namespace lpu
