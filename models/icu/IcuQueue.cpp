#include "IcuQueue.h"

#include <sstream>

namespace lpu {

IcuQueue::IcuQueue(size_t q, const QueueInfo& info, const std::vector<Instr>& list, const IcuParams& icu, IcuHost& host)
    : q_(q), info_(info), list_(list), icu_(icu), host_(host), done_(list.empty())
{}

void IcuQueue::pop()
{
    if (!fetched_.empty())
        fetched_.pop_front();
    else
        ++pc_;
}

void IcuQueue::check_awake(uint32_t index, uint64_t t) const
{
    if (low_power_)
        host_.fail(q_, index, t, ScheduleRule::IcuLowPower,
                   "the slice is in low-power mode (Config low_power); issue Config normal first");
}

bool IcuQueue::step(uint64_t t)
{
    bool notify = false;
    if (fetching_) {
        fetch_step(t);
    } else {
        // The queue's current instruction: a fetched one first, else the program's next.
        const QueuedInstr cur =
            fetched_.empty() ? QueuedInstr{&list_[pc_], static_cast<uint32_t>(pc_)} : fetched_.front();
        if (!repeat_of_ && cur.first->op == Opcode::Repeat) {
            start_repeat(*cur.first);
            if (next_ != t)
                return false;  // first repetition later than the cycle after its original
        }
        if (repeat_of_) {
            repeat_step(t);
        } else {
            pop();
            next_ = t + 1;
            notify = issue(*cur.first, cur.second, t);
        }
    }
    done_ = finished();
    return notify;
}

void IcuQueue::start_repeat(const Instr& repeat)
{
    repeat_of_ = prev_.first;
    repeat_index_ = prev_.second;
    left_ = static_cast<uint64_t>(repeat.a);
    spacing_ = static_cast<uint64_t>(repeat.b);
    step_ = repeat.c;
    offset_ = repeat.c;
    pops_ = true;
    next_ = last_issue_ + spacing_;
}

void IcuQueue::repeat_step(uint64_t t)
{
    check_awake(repeat_index_, t);
    host_.execute(q_, *repeat_of_, repeat_index_, t, offset_);
    last_issue_ = t;
    offset_ += step_;
    if (--left_ > 0) {
        next_ = t + spacing_;
        return;
    }
    repeat_of_ = nullptr;
    next_ = t + 1;
    if (pops_)
        pop();
}

// `in` (already taken off the queue) issues in cycle t; next_ is t + 1 unless it says otherwise.
bool IcuQueue::issue(const Instr& in, uint32_t index, uint64_t t)
{
    switch (in.op) {
    case Opcode::Nop:
        host_.issued(q_, in, index, t);
        next_ = t + static_cast<uint64_t>(in.a);
        return false;
    case Opcode::Sync:
        host_.issued(q_, in, index, t);
        parked_ = true;
        sync_ = &in;
        return false;
    case Opcode::Notify: host_.issued(q_, in, index, t); return true;
    case Opcode::Config:
        host_.issued(q_, in, index, t);
        low_power_ = in.a != 0;
        next_ = t + icu_.config_latency;
        return false;
    case Opcode::Countdown:
    case Opcode::Step:
    case Opcode::Iterations:
        host_.issued(q_, in, index, t);
        if (in.op == Opcode::Countdown)
            countdown_ = static_cast<uint64_t>(in.a);
        else if (in.op == Opcode::Step)
            addr_step_ = in.a;
        else
            iterations_ = static_cast<uint64_t>(in.a);
        return false;
    case Opcode::Ifetch: start_fetch(in, index, t); return false;
    case Opcode::Deskew:
        host_.issued(q_, in, index, t);
        deskew(t);
        return false;
    case Opcode::RuntimeDeskew:
        host_.issued(q_, in, index, t);
        runtime_deskew(in, index, t);
        return false;
    default: issue_work(in, index, t); return false;
    }
}

// An instruction its slice executes.
void IcuQueue::issue_work(const Instr& in, uint32_t index, uint64_t t)
{
    check_awake(index, t);
    host_.execute(q_, in, index, t, 0);
    last_issue_ = t;
    prev_ = {&in, index};
    // A MEM access with Iterations n > 1 runs n times, Countdown apart, the address advancing by
    // Step: a repetition the queue's registers ask for.
    if (info_.kind == QueueKind::MEM && iterations_ > 1) {
        repeat_of_ = &in;
        repeat_index_ = index;
        left_ = iterations_ - 1;
        spacing_ = countdown_;
        step_ = addr_step_;
        offset_ = addr_step_;
        pops_ = false;
        next_ = t + countdown_;
    }
}

// The queue's next instruction issues where the chip's next counter epoch begins: on every chip
// of a system at (nearly) the same time, whenever each chip reached its Deskew.
void IcuQueue::deskew(uint64_t t)
{
    const HacClock::Epoch e = host_.hac().next_epoch(t + 1);
    next_ = e.cycle;
    deskewed_ = true;
    sync_cycle_ = e.cycle;
    sync_hac_ = e.n * host_.hac().epoch();
}

// Nominally a cycles; the chip's clock runs a few ppm off the aligned counter, so the queue
// waits until the counter has advanced by the queue's cycles since its last deskew plus a: a
// fast chip waits longer, a slow one less, and all are back in step with the counter.
void IcuQueue::runtime_deskew(const Instr& in, uint32_t index, uint64_t t)
{
    if (!deskewed_)
        host_.fail(q_, index, t, ScheduleRule::IcuDeskewMissing,
                   "no Deskew earlier in this queue: RuntimeDeskew keeps the program time a Deskew "
                   "started in step with the aligned counter");
    const uint64_t a = static_cast<uint64_t>(in.a);
    const uint64_t target = sync_hac_ + (t - sync_cycle_) + a;
    const uint64_t release = host_.hac().cycle_of(target);
    if (release <= t)
        host_.fail(q_, index, t, ScheduleRule::IcuDeskewBehind,
                   "the chip's clock has fallen " + std::to_string(t + a - release) +
                       " cycles behind the aligned counter since cycle " + std::to_string(sync_cycle_) +
                       ", more than this RuntimeDeskew's " + std::to_string(a - 1) + " cycles of slack can absorb");
    next_ = release;
    sync_cycle_ = release;
    sync_hac_ = target;
}

void IcuQueue::start_fetch(const Instr& in, uint32_t index, uint64_t t)
{
    check_awake(index, t);
    host_.issued(q_, in, index, t);
    fetching_ = &in;
    fetch_index_ = index;
    fetch_left_ = static_cast<uint64_t>(in.a);
    fetch_start_ = t;
    fetch_text_.clear();
    fetch_step(t);
}

// One vector of an Ifetch: read it in cycle t; after the last, the text becomes instructions.
void IcuQueue::fetch_step(uint64_t t)
{
    const Vector& v = host_.fetch_read(q_, fetch_index_, fetching_->streams[0], t);
    fetch_text_.append(reinterpret_cast<const char*>(v.data()), v.size());
    if (--fetch_left_ > 0) {
        next_ = t + 1;
        return;
    }
    const std::string text = fetch_text_.substr(0, fetch_text_.find('\0'));
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c > 0x7e) {
            std::ostringstream why;
            why << "the fetched text is not a valid instruction block: byte 0x" << std::hex << unsigned{c} << std::dec
                << " at offset " << i << " is not assembly text";
            host_.fail(q_, fetch_index_, fetch_start_, ScheduleRule::IcuFetchNotText, why.str());
        }
    }
    const std::vector<QueuedInstr> block = host_.fetched(q_, fetch_index_, fetch_start_, text);
    fetched_.insert(fetched_.begin(), block.begin(), block.end());
    fetching_ = nullptr;
    next_ = t + icu_.ifetch_latency;
}

void IcuQueue::release(uint64_t cycle)
{
    parked_ = false;
    next_ = cycle;
    done_ = finished();
}

}  // namespace lpu
