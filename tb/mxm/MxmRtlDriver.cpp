#include "MxmRtlDriver.h"

#include "models/common/Error.h"

#include <algorithm>
#include <stdexcept>

namespace lpu {

namespace {
constexpr size_t kInitialRing = 16;  // cycles of queued instructions; grows by doubling
}  // namespace

MxmFault MxmFault::parse(const std::string& text)
{
    static const std::pair<const char*, Kind> kinds[] = {{"corrupt-input", Kind::CorruptInput},
                                                         {"corrupt-output", Kind::CorruptOutput},
                                                         {"late-output", Kind::LateOutput}};
    const auto colon = text.find(':');
    const std::string name = text.substr(0, colon);
    const std::string usage = " (expected corrupt-input:N, corrupt-output:N or late-output:N)";
    for (const auto& k : kinds) {
        if (name != k.first)
            continue;
        if (colon == std::string::npos || colon + 1 == text.size())
            throw InputError("--inject '" + text + "': missing the number after ':'" + usage);
        const std::string num = text.substr(colon + 1);
        if (num.find_first_not_of("0123456789") != std::string::npos || num.size() > 18)
            throw InputError("--inject '" + text + "': '" + num + "' is not a non-negative integer" + usage);
        MxmFault f;
        f.kind = k.second;
        f.index = std::stoull(num);
        return f;
    }
    throw InputError("--inject '" + text + "': unknown fault" + usage);
}

std::string MxmFault::text() const
{
    switch (kind) {
    case Kind::None: return "";
    case Kind::CorruptInput: return "corrupt-input:" + std::to_string(index);
    case Kind::CorruptOutput: return "corrupt-output:" + std::to_string(index);
    case Kind::LateOutput: return "late-output:" + std::to_string(index);
    }
    return "";
}

MxmRtlDriver::MxmRtlDriver(const MxmParams& params, std::unique_ptr<MxmRtl> rtl, BeatSink sink)
    : p_(params), rtl_(std::move(rtl)), sink_(std::move(sink)), pending_(kInitialRing), lw_hist_(params.superlanes),
      abc_hist_(params.superlanes)
{
    in_.lw_data.assign(p_.cols, 0);
    in_.abc_data.assign(p_.rows, 0);
    in_.tb_exp_data.assign(p_.cols, 0);
}

MxmRtlDriver::~MxmRtlDriver() = default;

void MxmRtlDriver::set_wave(const std::string& fst_path, uint64_t from, uint64_t to)
{
    wave_path_ = fst_path;
    wave_from_ = from;
    wave_to_ = to;
}

void MxmRtlDriver::show_expected(uint64_t first_cycle, const std::vector<int32_t>& values)
{
    if (!wave_path_.empty() && first_cycle + p_.superlanes >= wave_from_ && first_cycle <= wave_to_)
        shown_[first_cycle] = values;
}

void MxmRtlDriver::issue(const MxmInstr& in, uint64_t c, const uint8_t* data, size_t len)
{
    // The RTL has no fp16 datapath (docs/isa.md 1.5): driving f16 bytes as int8 would make a
    // divergence that says nothing about the RTL, so refuse before anything reaches the pins.
    if ((in.op == MxmOpcode::LW || in.op == MxmOpcode::ABC) && !mxm_type_is_int(in.type))
        throw InputError("the MXM RTL is int8-only; fp16 instruction '" + in.disasm() + "' (#" + std::to_string(in.id) +
                         ", cycle " + std::to_string(c) +
                         ") cannot be co-simulated (run the model without the MXM co-simulation)");
    if (c < cycle_)
        throw InputError("MXM RTL driver: instruction #" + std::to_string(in.id) + " for cycle " + std::to_string(c) +
                         " arrived after the RTL ran that cycle (now at cycle " + std::to_string(cycle_) +
                         "); the initiator must run ahead of time");
    Pending& p = pending_slot(c);
    std::optional<MxmInstr>& slot = p.instr[static_cast<unsigned>(in.op)];
    if (slot.has_value())
        throw InputError("MXM RTL driver: two " + std::string(mxm_opcode_name(in.op)) + " in cycle " +
                         std::to_string(c));
    if (std::none_of(std::begin(p.instr), std::end(p.instr), [](const auto& i) { return i.has_value(); }))
        ++pending_count_;
    slot = in;
    if (in.op == MxmOpcode::LW)
        p.lw_data.assign(data, data + len);
    if (in.op == MxmOpcode::ABC)
        p.abc_data.assign(data, data + len);
    last_issue_ = std::max(last_issue_, c);
}

MxmRtlDriver::Pending& MxmRtlDriver::pending_slot(uint64_t c)
{
    if (c - cycle_ >= pending_.size()) {
        size_t size = pending_.size();
        while (c - cycle_ >= size)
            size *= 2;
        std::vector<Pending> grown(size);
        for (uint64_t k = cycle_; k < cycle_ + pending_.size(); ++k)
            grown[k & (size - 1)] = std::move(pending_[k & (pending_.size() - 1)]);
        pending_ = std::move(grown);
    }
    return pending_[c & (pending_.size() - 1)];
}

void MxmRtlDriver::use_thread(size_t depth)
{
    if (cycle_ != 0 || worker_)
        throw std::logic_error("MxmRtlDriver::use_thread after the first cycle");
    worker_ = std::make_unique<MxmRtlWorker>(*rtl_, depth);
}

void MxmRtlDriver::run_cycle()
{
    const uint64_t t = cycle_;
    const bool open = !wave_path_.empty() && !wave_open_ && t >= wave_from_ && t <= wave_to_;
    wave_open_ = wave_open_ || open;
    drive(t);
    const bool close = wave_open_ && t >= wave_to_;
    wave_open_ = wave_open_ && !close;
    cycle_ = t + 1;
    if (!worker_) {
        if (open)
            rtl_->open_trace(wave_path_);
        rtl_->cycle(t, in_, out_);
        if (close)
            rtl_->close_trace();
        monitor(t, out_);
        reported_ = t + 1;
        return;
    }
    report_done(false);
    if (worker_->full())
        report_done(true);
    MxmRtlWorker::Job& job = worker_->next_job();
    job.cycle = t;
    job.in = in_;  // into the job's own buffers: no allocation once they have grown
    job.open_trace = open ? wave_path_ : std::string();
    job.close_trace = close;
    worker_->submit();
}

void MxmRtlDriver::report_done(bool wait)
{
    // Waiting is for one cycle at least; then whatever else is done.
    while (const MxmRtlWorker::Job* job = worker_->done(wait)) {
        monitor(job->cycle, job->out);
        reported_ = job->cycle + 1;
        worker_->take();
        wait = false;
    }
}

void MxmRtlDriver::finish()
{
    while (worker_ && !worker_->empty())
        report_done(true);
    if (late_beat_) {
        sink_(*late_beat_);
        late_beat_.reset();
    }
    if (wave_open_) {
        rtl_->close_trace();  // the worker, if any, has run every cycle: it is idle
        wave_open_ = false;
    }
}

void MxmRtlDriver::drive(uint64_t t)
{
    const unsigned S = p_.superlanes;
    const unsigned G = p_.lanes_per_superlane;
    Pending* p = &pending_[t & (pending_.size() - 1)];

    auto instr = [&](MxmOpcode op) -> const MxmInstr* {
        const auto& slot = p->instr[static_cast<unsigned>(op)];
        return slot ? &*slot : nullptr;
    };
    const MxmInstr* lw_in = instr(MxmOpcode::LW);
    const MxmInstr* abc_in = instr(MxmOpcode::ABC);
    const MxmInstr* acc_in = instr(MxmOpcode::ACC);
    in_.lw_valid = lw_in != nullptr;
    in_.lw_signed = lw_in && lw_in->type == MxmType::I8;
    in_.lw_row = lw_in ? lw_in->row : 0;
    in_.iw_valid = instr(MxmOpcode::IW) != nullptr;
    in_.abc_valid = abc_in != nullptr;
    in_.abc_signed = abc_in && abc_in->type == MxmType::I8;
    in_.acc_valid = acc_in != nullptr;
    in_.acc_slot = acc_in ? acc_in->slot : 0;
    in_.acc_add = acc_in && acc_in->add;
    in_.acc_emit = acc_in && acc_in->emit;

    History& lw = lw_hist_[t % S];
    History& abc = abc_hist_[t % S];
    lw.cycle = in_.lw_valid ? t : ~uint64_t{0};
    abc.cycle = in_.abc_valid ? t : ~uint64_t{0};
    if (in_.lw_valid)
        lw.data.swap(p->lw_data);
    if (in_.abc_valid) {
        abc.data.swap(p->abc_data);
        // The RTL alone sees inverted activations: a real divergence, visible in the waves.
        if (fault_.kind == MxmFault::Kind::CorruptInput && abc_count_++ == fault_.index)
            for (auto& b : abc.data)
                b = static_cast<uint8_t>(~b);
    }
    // Chunk s carries the operand of the instruction issued s cycles ago (docs/isa.md 0).
    for (unsigned s = 0; s < S; ++s) {
        const uint64_t issued = t - s;
        const History& l = lw_hist_[issued % S];
        const History& a = abc_hist_[issued % S];
        const bool lv = t >= s && l.cycle == issued;
        const bool av = t >= s && a.cycle == issued;
        const size_t lane0 = size_t{s} * G;
        if (lv)
            std::copy_n(l.data.begin() + lane0, G, in_.lw_data.begin() + lane0);
        else
            std::fill_n(in_.lw_data.begin() + lane0, G, 0);
        if (av)
            std::copy_n(a.data.begin() + lane0, G, in_.abc_data.begin() + lane0);
        else
            std::fill_n(in_.abc_data.begin() + lane0, G, 0);
    }
    if (std::any_of(std::begin(p->instr), std::end(p->instr), [](const auto& i) { return i.has_value(); })) {
        for (auto& i : p->instr)
            i.reset();
        --pending_count_;
    }

    in_.tb_cycle = t;
    if (wave_open_) {
        in_.tb_exp_valid = 0;
        for (unsigned s = 0; s < S; ++s) {
            auto e = t >= s ? shown_.find(t - s) : shown_.end();
            for (unsigned g = 0; g < G; ++g)
                in_.tb_exp_data[s * G + g] = e != shown_.end() ? static_cast<uint32_t>(e->second[s * G + g]) : 0;
            if (e != shown_.end())
                in_.tb_exp_valid |= uint64_t{1} << s;
        }
        while (!shown_.empty() && shown_.begin()->first + S <= t)
            shown_.erase(shown_.begin());
    }
}

void MxmRtlDriver::monitor(uint64_t t, const MxmPinsOut& out)
{
    if (late_beat_) {
        sink_(*late_beat_);
        late_beat_.reset();
    }
    const unsigned G = p_.lanes_per_superlane;
    cosim::Beat& b = beat_;
    for (unsigned s = 0; s < p_.superlanes; ++s) {
        if (!((out.res_valid >> s) & 1))
            continue;
        b.cycle = t;
        b.chunk = s;
        b.lane0 = s * G;
        b.values.assign(out.res_data.begin() + s * G, out.res_data.begin() + (s + 1) * G);
        const uint64_t index = beats_++;
        if (fault_.index == index && fault_.kind == MxmFault::Kind::CorruptOutput)
            b.values[0] ^= 1;
        if (fault_.index == index && fault_.kind == MxmFault::Kind::LateOutput) {
            b.cycle = t + 1;
            late_beat_ = b;
            continue;
        }
        sink_(b);
    }
}

}  // namespace lpu
