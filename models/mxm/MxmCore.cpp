#include "MxmCore.h"

#include "MxmMacRow.h"
#include "common/Error.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace lpu {

MxmCore::MxmCore(const MxmParams& params)
    : p_(params),
      shadow_(size_t{params.rows} * params.cols, 0),
      active_(size_t{params.rows} * params.cols, 0),
      pending_(size_t{params.rows} * params.cols, 0),
      lw_prev_row_(params.cols, 0),
      acc_(params.acc_slots, std::vector<int32_t>(params.cols, 0))
{
}

void MxmCore::schedule_error(const MxmInstr& in, uint64_t cycle, const std::string& rule) const
{
    std::ostringstream os;
    os << "schedule error at cycle " << cycle << " in MXM: '" << in.disasm() << "' (instruction #" << in.id
       << "): " << rule;
    throw ScheduleError(os.str());
}

void MxmCore::check_order(const MxmInstr& in, uint64_t cycle)
{
    if (started_ && cycle < last_cycle_)
        schedule_error(in, cycle, "issued after an instruction of cycle " + std::to_string(last_cycle_) +
                                      " (issue cycles must not decrease)");
    if (!started_ || cycle > last_cycle_)
        std::fill(std::begin(issued_in_cycle_), std::end(issued_in_cycle_), false);
    const auto ch = static_cast<unsigned>(in.op);
    if (issued_in_cycle_[ch])
        schedule_error(in, cycle, std::string("a second ") + mxm_opcode_name(in.op) +
                                      " in one cycle (each channel takes one instruction per cycle)");
    issued_in_cycle_[ch] = true;
    started_ = true;
    last_cycle_ = cycle;
    stats_.last_cycle = cycle;
}

bool MxmCore::issue(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len, MxmResult& out)
{
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
        throw InputError("MXM: '" + in.disasm() + "': row " + std::to_string(in.row) + " out of range (rows = " +
                         std::to_string(p_.rows) + ")");
    if (len != p_.cols)
        throw InputError("MXM: '" + in.disasm() + "': weight vector has " + std::to_string(len) +
                         " bytes, expected " + std::to_string(p_.cols));
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle >= iw_cycle_ && cycle + 1 < iw_cycle_ + t_iw)
        schedule_error(in, cycle, "LW while IW #" + std::to_string(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                                      " is still copying the shadow buffer (allowed from cycle " +
                                      std::to_string(iw_cycle_ + t_iw - 1) + ")");
    int16_t* row = &shadow_[size_t{in.row} * p_.cols];
    std::copy(row, row + p_.cols, lw_prev_row_.begin());
    for (unsigned n = 0; n < p_.cols; ++n)
        row[n] = in.is_signed ? int16_t(int8_t(data[n])) : int16_t(data[n]);
    has_lw_ = true;
    lw_cycle_ = cycle;
    lw_row_ = in.row;
    lw_id_ = in.id;
}

void MxmCore::do_iw(const MxmInstr& in, uint64_t cycle)
{
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle < iw_cycle_ + t_iw)
        schedule_error(in, cycle, "IW while IW #" + std::to_string(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                                      " is still installing (takes " + std::to_string(t_iw) + " cycles)");
    if (has_lw_ && lw_cycle_ == cycle && t_iw > 1)
        schedule_error(in, cycle, "LW #" + std::to_string(lw_id_) +
                                      " in the same cycle would be installed only partly (LW must precede IW, or "
                                      "come from cycle " +
                                      std::to_string(cycle + t_iw - 1) + ")");
    // Earlier installs are complete by now (rule above), so any pending one is already active
    // for every later ABC.
    if (has_pending_) {
        active_.swap(pending_);
        has_pending_ = false;
    }
    pending_ = shadow_;
    if (has_lw_ && lw_cycle_ == cycle)  // an LW of this same cycle goes to the next install
        std::copy(lw_prev_row_.begin(), lw_prev_row_.end(), pending_.begin() + size_t{lw_row_} * p_.cols);
    has_pending_ = true;
    has_iw_ = true;
    iw_cycle_ = cycle;
    iw_id_ = in.id;
}

void MxmCore::do_abc(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len)
{
    if (len != p_.rows)
        throw InputError("MXM: '" + in.disasm() + "': activation vector has " + std::to_string(len) +
                         " bytes, expected " + std::to_string(p_.rows));
    const uint64_t t_iw = p_.install_cycles();
    if (has_iw_ && cycle > iw_cycle_ && cycle < iw_cycle_ + t_iw)
        schedule_error(in, cycle, "ABC while IW #" + std::to_string(iw_id_) + " of cycle " + std::to_string(iw_cycle_) +
                                      " is installing (torn weights; ABC allowed up to cycle " +
                                      std::to_string(iw_cycle_) + " and from cycle " + std::to_string(iw_cycle_ + t_iw) +
                                      ")");
    if (has_pending_ && cycle > iw_cycle_) {
        active_.swap(pending_);
        has_pending_ = false;
    }
    std::vector<int32_t> p;
    if (!spare_.empty()) {
        p = std::move(spare_.back());
        spare_.pop_back();
    }
    p.assign(p_.cols, 0);
    const unsigned n_cols = p_.cols;
    int32_t* __restrict dst = p.data();
    for (unsigned k = 0; k < p_.rows; ++k) {
        const int32_t a = in.is_signed ? int32_t(int8_t(data[k])) : int32_t(data[k]);
        if (a == 0)
            continue;  // the sum is the same; zero activations are common (ReLU, padding)
        mxm_mac_row(dst, &active_[size_t{k} * n_cols], a, n_cols);
    }
    stats_.macs += uint64_t{p_.rows} * p_.cols;
    products_.push_back(Product{cycle, in.id, std::move(p)});
}

bool MxmCore::do_acc(const MxmInstr& in, uint64_t cycle, MxmResult& out)
{
    if (in.slot >= p_.acc_slots)
        throw InputError("MXM: '" + in.disasm() + "': slot " + std::to_string(in.slot) + " out of range (acc_slots = " +
                         std::to_string(p_.acc_slots) + ")");
    const uint64_t want = cycle - p_.array_latency;
    auto it = std::find_if(products_.begin(), products_.end(), [&](const Product& pr) { return pr.cycle == want; });
    if (cycle < p_.array_latency || it == products_.end())
        schedule_error(in, cycle, "no product to take: ACC needs an ABC issued at cycle " +
                                      (cycle < p_.array_latency ? std::string("< 0") : std::to_string(want)) +
                                      " (array_latency " + std::to_string(p_.array_latency) + ")");
    std::vector<int32_t>& acc = acc_[in.slot];
    const int32_t* prod = it->values.data();
    for (unsigned n = 0; n < p_.cols; ++n) {
        // Wraps modulo 2^32 like the hardware's adder, without signed-overflow UB.
        const uint32_t base = in.add ? uint32_t(acc[n]) : 0u;
        acc[n] = int32_t(base + uint32_t(prod[n]));
    }
    const uint64_t abc_id = it->abc_id;
    spare_.push_back(std::move(it->values));
    products_.erase(it);
    if (!in.emit)
        return false;
    out.acc_id = in.id;
    out.acc_cycle = cycle;
    out.abc_id = abc_id;
    out.first_cycle = cycle + p_.result_latency();
    out.slot = in.slot;
    out.add = in.add;
    out.values = acc;
    ++stats_.results;
    return true;
}

void MxmCore::retire_products(uint64_t cycle)
{
    while (!products_.empty() && products_.front().cycle + p_.array_latency < cycle) {
        ++stats_.dropped_products;
        spare_.push_back(std::move(products_.front().values));
        products_.pop_front();
    }
}

}  // namespace lpu
