#include "ChipWaveWriter.h"

#include "models/common/Error.h"
#include "models/common/Npy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace lpu {

namespace {

// chip.cycle gets every cycle's number, except deep inside an idle stretch (a long NOP with
// nothing in flight), where it turns x after this many cycles: the run costs nothing there and
// the waveform should not either.
constexpr uint64_t kCycleFill = uint64_t{1} << 16;
constexpr unsigned kLanesShown = 4;

const char* kind_scope(QueueKind k)
{
    switch (k) {
    case QueueKind::MEM: return "MEM";
    case QueueKind::VXM: return "VXM";
    case QueueKind::SXM: return "SXM";
    case QueueKind::MXM_W:
    case QueueKind::MXM_A:
    case QueueKind::MXM_C: return "MXM";
    case QueueKind::C2C: return "C2C";
    }
    return "other";
}

std::string slice_of(const std::string& queue) { return queue.substr(0, queue.find('.')); }

}  // namespace

ChipWaveWriter::ChipWaveWriter(const std::string& vcd_path, uint64_t period_ps, std::string title)
    : ChipWaveWriter(vcd_path, ChipClock::every_ps(period_ps), std::move(title))
{}

ChipWaveWriter::ChipWaveWriter(const std::string& vcd_path, const ChipClock& clock, std::string title)
    : clock_(clock), half_ps_(std::max<uint64_t>(1, clock.period_fs / 2000)), title_(std::move(title))
{
    if (clock.period_fs < 1000)
        throw InputError("clock period rounds to 0 ps: no time base for the waveform");
    vcd_ = std::make_unique<VcdWriter>(vcd_path, "1ps", "lpusim chip waveform");
    cycle_var_ = vcd_->add({"chip"}, "cycle", VcdWriter::Kind::Integer, 64);
    vcd_->initial(cycle_var_, 0);
    status_var_ = vcd_->add({"chip"}, "status", VcdWriter::Kind::String);
    vcd_->initial(status_var_, "running");
}

ChipWaveWriter::~ChipWaveWriter() = default;

void ChipWaveWriter::set_window(uint64_t from, uint64_t to)
{
    if (from > to)
        throw std::logic_error("ChipWaveWriter::set_window: from > to");
    to = std::min(to, ~uint64_t{0} - 1);
    vcd_->window(clock_.start_ps(from), clock_.start_ps(to + 1));
    windowed_ = true;
    window_from_ = from;
    window_to_ = to;
}

void ChipWaveWriter::begin(const QueueMap& map, const Program& program)
{
    const auto& queues = map.queues();
    if (program.queues.size() != queues.size())
        throw std::logic_error("ChipWaveWriter: program and queue map disagree");
    slice_at_.assign(map.positions(), std::string());
    for (const QueueInfo& q : queues)
        if (q.position < slice_at_.size())
            slice_at_[q.position] = slice_of(q.name);
    queues_.assign(queues.size(), QueueWave{});
    // Declared west to east, so the scopes (and the .gtkw) follow the floorplan.
    std::vector<size_t> order(queues.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return queues[a].position < queues[b].position; });
    for (size_t q : order) {
        const auto& list = program.queues[q];
        if (list.empty())
            continue;
        QueueWave& w = queues_[q];
        w.active = true;
        w.position = queues[q].position;
        std::string leaf = queues[q].name;
        std::replace(leaf.begin(), leaf.end(), '.', '_');
        w.scope = {"chip", kind_scope(queues[q].kind), slice_of(queues[q].name), leaf};
        w.instr = vcd_->add(w.scope, "instr", VcdWriter::Kind::String);
        vcd_->initial(w.instr, "idle");
        w.issue = vcd_->add(w.scope, "issue", VcdWriter::Kind::Wire, 1);
        vcd_->initial(w.issue, 0);
        w.pc = vcd_->add(w.scope, "pc", VcdWriter::Kind::Integer, 32);
        vcd_->initial(w.pc, 0);
    }
}

void ChipWaveWriter::at_cycle(uint64_t cycle) { vcd_->time(clock_.start_ps(cycle)); }

void ChipWaveWriter::later(uint64_t cycle, size_t q, const char* text)
{
    if (cycle <= cur_) {
        vcd_->set(queues_[q].instr, text);
        return;
    }
    later_.push(Later{cycle, seq_++, q, queues_[q].issues, text});
}

void ChipWaveWriter::advance_to(uint64_t target)
{
    if (target == cur_)
        return;
    if (target < cur_)
        throw std::logic_error("ChipWaveWriter: cycle " + std::to_string(target) + " after " + std::to_string(cur_));
    // The pulses of cycle cur_ fall half-way through it (where the RTL FST has its falling edge).
    if (!raised_.empty()) {
        vcd_->time(clock_.start_ps(cur_) + half_ps_);
        for (VcdWriter::Var v : raised_)
            vcd_->set(v, 0);
        raised_.clear();
    }
    // Visit every cycle up to target that has a number to show or a queue text falling due;
    // the events of `target` itself come after this and so win within its time step.
    const uint64_t fill_end = cur_ + kCycleFill;
    for (uint64_t c = cur_ + 1;;) {
        at_cycle(c);
        if (c <= fill_end || c == target)
            vcd_->set(cycle_var_, c);
        else if (c == fill_end + 1)
            vcd_->set_x(cycle_var_);
        for (; !later_.empty() && later_.top().cycle <= c; later_.pop()) {
            const Later& l = later_.top();
            if (queues_[l.queue].issues == l.issues)
                vcd_->set(queues_[l.queue].instr, l.text);
        }
        if (c == target)
            break;
        uint64_t next = c <= fill_end ? c + 1 : target;
        if (!later_.empty())
            next = std::min(next, later_.top().cycle);
        c = next;
    }
    cur_ = target;
}

void ChipWaveWriter::on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle)
{
    if (closed_ || q >= queues_.size() || !queues_[q].active)
        return;
    advance_to(cycle);
    last_event_ = cycle;
    QueueWave& w = queues_[q];
    ++w.issues;
    const int64_t a = in.executed_a(offset);
    if (index != w.text_index || a != w.text_a) {
        w.text = in.executed(offset).disasm();
        w.text_index = index;
        w.text_a = a;
    }
    vcd_->set(w.instr, w.text);
    vcd_->set(w.pc, index);
    if (in.op != Opcode::Nop) {
        vcd_->set(w.issue, 1);
        raised_.push_back(w.issue);
    }
    // Unless it issues again by then: idle after this cycle (after a NOP's n cycles, an Ifetch's
    // n fetch cycles), parked after a Sync. A queue has at most one such text that is not stale.
    const bool lasts = in.op == Opcode::Nop || in.op == Opcode::Ifetch;
    if (in.op == Opcode::Sync)
        later(cycle + 1, q, "parked");
    else
        later(cycle + (lasts ? static_cast<uint64_t>(std::max<int64_t>(in.a, 1)) : 1), q, "idle");
}

void ChipWaveWriter::on_release(size_t q, uint64_t cycle)
{
    if (closed_ || q >= queues_.size() || !queues_[q].active)
        return;
    // Parked until `cycle`, when it issues again (that text wins) or, done, is idle.
    later(cycle, q, "idle");
}

ChipWaveWriter::StreamWave& ChipWaveWriter::stream(StreamId s)
{
    auto& all = s.dir == StreamDir::East ? east_ : west_;
    if (s.index >= all.size())
        all.resize(s.index + 1);
    StreamWave& w = all[s.index];
    if (!w.declared) {
        w.declared = true;
        w.name = s.text();
        const std::vector<std::string> scope{"chip", "streams", w.name};
        w.driven = vcd_->add(scope, "driven", VcdWriter::Kind::Wire, 1);
        vcd_->initial(w.driven, 0);
        w.position = vcd_->add(scope, "position", VcdWriter::Kind::Integer, 32);
        w.producer = vcd_->add(scope, "producer", VcdWriter::Kind::String);
        w.lanes = vcd_->add(scope, "lanes_0_3", VcdWriter::Kind::Wire, 8 * kLanesShown);
    }
    return w;
}

void ChipWaveWriter::on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& value)
{
    if (closed_)
        return;
    advance_to(cycle);
    last_event_ = cycle;
    StreamWave& w = stream(s);
    const std::string slice = position < slice_at_.size() && !slice_at_[position].empty()
                                  ? slice_at_[position]
                                  : "P" + std::to_string(position);
    if (w.last_cycle == cycle) {  // another producer drives it elsewhere in this cycle
        w.producers += "+" + slice;
        vcd_->set(w.producer, w.producers);
        return;
    }
    w.last_cycle = cycle;
    w.producers = slice;
    vcd_->set(w.driven, 1);
    raised_.push_back(w.driven);
    vcd_->set(w.position, position);
    vcd_->set(w.producer, slice);
    uint64_t lanes = 0;
    for (unsigned i = 0; i < kLanesShown; ++i)
        lanes = (lanes << 8) | (i < value.size() ? value[i] : 0u);
    vcd_->set(w.lanes, lanes);
}

void ChipWaveWriter::close(uint64_t end_cycle)
{
    end_cycle = std::max(end_cycle, cur_);
    advance_to(end_cycle);
    vcd_->finish(clock_.start_ps(end_cycle));
    end_cycle_ = end_cycle;
    closed_ = true;
}

void ChipWaveWriter::end(uint64_t cycles)
{
    if (closed_)
        return;
    // The dump covers cycles 0 .. cycles - 1 and ends at the start of `cycles`.
    const uint64_t end_cycle = std::max(cycles, cur_ + 1);
    advance_to(end_cycle);
    vcd_->set(status_var_, "done");
    close(end_cycle);
}

uint64_t ChipWaveWriter::cycle_in(const std::string& text, uint64_t fallback)
{
    for (size_t p = text.find("cycle "); p != std::string::npos; p = text.find("cycle ", p + 1)) {
        size_t d = p + 6;
        if (d >= text.size() || !std::isdigit(static_cast<unsigned char>(text[d])))
            continue;
        uint64_t v = 0;
        for (; d < text.size() && std::isdigit(static_cast<unsigned char>(text[d])); ++d) {
            if (v > (~uint64_t{0} - 9) / 10)
                return fallback;
            v = v * 10 + static_cast<uint64_t>(text[d] - '0');
        }
        return v;
    }
    return fallback;
}

uint64_t ChipWaveWriter::fail(const std::string& error)
{
    if (closed_)
        return fail_cycle_;
    return fail_at(cycle_in(error, last_event_), error);
}

uint64_t ChipWaveWriter::stop(const std::string& why)
{
    if (closed_)
        return fail_cycle_;
    return fail_at(last_event_, why);
}

void ChipWaveWriter::on_error(uint64_t cycle, const std::string& what)
{
    if (!closed_)
        fail_at(cycle, what);
}

uint64_t ChipWaveWriter::fail_at(uint64_t failing, const std::string& error)
{
    const uint64_t cycle = std::max(failing, cur_);
    advance_to(cycle);
    // Bounded: the full text is on stderr; the waveform needs enough to recognise it.
    vcd_->set(status_var_, "error: " + error.substr(0, 400));
    close(cycle + 1);
    failed_ = true;
    fail_cycle_ = cycle;
    return cycle;
}

void ChipWaveWriter::write_gtkw(const std::string& gtkw_path) const
{
    if (!closed_)
        throw std::logic_error("ChipWaveWriter::write_gtkw before the waveform is complete");
    // Show the 40 cycles up to a failure (the dump ends with it), otherwise the first 256 cycles
    // (or the whole run); with a window, no more than the window (all of it without a failure).
    uint64_t first = failed_ ? (fail_cycle_ > 40 ? fail_cycle_ - 40 : 0) : 0;
    uint64_t last = failed_ ? end_cycle_ : std::min<uint64_t>(end_cycle_, 256);  // exclusive
    if (windowed_) {
        first = failed_ ? std::max(first, window_from_) : window_from_;
        last = std::min(end_cycle_, window_to_ + 1);
    }
    const uint64_t span = last > first ? last - first : 1;
    std::ostringstream g;
    g << "[*] lpusim chip waveform: " << title_ << "\n";
    g << "[dumpfile] \"" << std::filesystem::absolute(vcd_->path()).string() << "\"\n";
    g << "[timestart] " << clock_.start_ps(first) << "\n";
    g << "[size] 1600 900\n[signals_width] 400\n[sst_width] 220\n[sst_expanded] 1\n";
    // As tb/mxm's .gtkw: GTKWave 3.3 shows 2^-zoom / 200 ps per pixel of a ~720-pixel pane.
    const double span_ps =
        static_cast<double>(clock_.start_ps(first + std::max<uint64_t>(span, 1)) - clock_.start_ps(first));
    g << "*" << std::fixed << std::setprecision(6) << -std::log2(span_ps / 720.0 * 200.0) << " "
      << (failed_ ? static_cast<int64_t>(clock_.start_ps(fail_cycle_)) : int64_t{-1});
    for (int i = 0; i < 26; ++i)  // named markers A..Z: unset
        g << " -1";
    g << "\n";
    // Flags: 0x24 decimal, 0x28 binary (strings show as text), 0x22 hex, 0x200 comment. GTKWave
    // shows a trace by its leaf name ("instr"), so each gets an alias naming its queue or stream,
    // without '.', which GTKWave cuts aliases at too.
    auto sig = [&](const std::string& alias, const std::string& name) { g << "+{" << alias << "} " << name << "\n"; };
    g << "@24\n";
    sig("cycle", "chip.cycle");
    g << "@28\n";
    sig("status", "chip.status");
    g << "@200\n-queues, west to east: instruction, issue\n@28\n";
    std::vector<const QueueWave*> shown;
    for (const QueueWave& w : queues_)
        if (w.active)
            shown.push_back(&w);
    std::stable_sort(shown.begin(), shown.end(),
                     [](const QueueWave* a, const QueueWave* b) { return a->position < b->position; });
    for (const QueueWave* w : shown) {
        std::string path;
        for (const std::string& s : w->scope)
            path += s + ".";
        sig(w->scope.back() + " instr", path + "instr");
        sig(w->scope.back() + " issue", path + "issue");
    }
    g << "@200\n-streams: driven, producer, lanes 0..3 (lane 0 leftmost)\n";
    for (const auto* all : {&east_, &west_})
        for (const StreamWave& w : *all)
            if (w.declared) {
                const std::string path = "chip.streams." + w.name + ".";
                g << "@28\n";
                sig(w.name + " driven", path + "driven");
                sig(w.name + " producer", path + "producer");
                g << "@22\n";
                sig(w.name + " lanes 0-3", path + "lanes_0_3[31:0]");
            }
    write_file_atomic(gtkw_path, g.str());
}

}  // namespace lpu
