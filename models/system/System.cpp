#include "System.h"

#include "models/common/Error.h"
#include "models/system/LinkPlan.h"
#include "models/system/Wire.h"
#include "models/system/WorkerPool.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <tuple>

namespace lpu {

namespace {

constexpr uint64_t kNoWindow = std::numeric_limits<uint64_t>::max() / 4;

}  // namespace

// The receiving end of a direction whose receiver another rank runs: the transaction goes into
// that rank's outbox, to cross at the window's end.
class System::RemotePort final : public LtTarget {
public:
    RemotePort(std::string& outbox, uint64_t direction) : outbox_(outbox), direction_(direction) {}
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override
    {
        const C2cExtension* ext = trans.get_extension<C2cExtension>();
        wire::put(outbox_, direction_);
        wire::put(outbox_, ext ? ext->seq : 0);
        wire::put(outbox_, delay.value());
        wire::put(outbox_, ext && ext->poisoned ? uint64_t{ext->uncorrectable} : 0);
        wire::put(outbox_, std::string(reinterpret_cast<const char*>(trans.get_data_ptr()), trans.get_data_length()));
        wire::put(outbox_, ext ? ext->from : std::string());
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }

private:
    std::string& outbox_;
    uint64_t direction_;
};

System::System(const SystemSpec& spec, unsigned rank, unsigned ranks) : spec_(spec), rank_(rank), ranks_(ranks)
{
    const size_t n = spec_.chips.size();
    clocks_ = system_clocks(spec_);
    for (size_t i = 0; i < n; ++i) {
        const ChipSpec& cs = spec_.chip_spec(static_cast<unsigned>(i));
        const bool mine = chip_rank(i, n, ranks_) == rank_;
        chips_.push_back(mine ? std::make_unique<Chip>(spec_.chips[i].name, cs, static_cast<unsigned>(i)) : nullptr);
        out_.emplace_back(mine ? cs.c2c.links : 0, -1);
    }
    outbox_.resize(ranks_);
    directions_.resize(2 * spec_.links.size());
    local_receiver_.assign(2 * spec_.links.size(), nullptr);
    timings_.resize(2 * spec_.links.size());
    window_ps_ = kNoWindow;
    for (size_t l = 0; l < spec_.links.size(); ++l)
        build_link(l);
    seq_.assign(directions_.size(), 0);
    std::vector<uint64_t> latency_ps;
    for (const LinkTiming& t : timings_)
        latency_ps.push_back(t.latency_ps);
    time_ = std::make_unique<SystemTime>(spec_, clocks_, std::move(latency_ps));
    for (size_t i = 0; i < n; ++i)
        if (chips_[i])
            chips_[i]->set_hac(time_->hac(static_cast<unsigned>(i)));
}

System::~System() = default;

Chip& System::chip(size_t i)
{
    if (!chips_.at(i))
        throw std::logic_error("chip " + std::to_string(i) + " runs on rank " +
                               std::to_string(chip_rank(i, chips(), ranks_)));
    return *chips_[i];
}

LinkDirection& System::direction(size_t link, unsigned dir)
{
    if (!directions_.at(2 * link + dir))
        throw std::logic_error("another rank sends on link " + std::to_string(link));
    return *directions_[2 * link + dir];
}

std::string System::port_text(size_t chip, unsigned port) const
{
    const ChipSpec& cs = spec_.chip_spec(static_cast<unsigned>(chip));
    return "chip " + spec_.chips[chip].name + " (" + cs.chip.name + ") C2C." + std::to_string(port);
}

void System::build_link(size_t l)
{
    for (unsigned dir = 0; dir < 2; ++dir) {
        const DirectionPlan plan = plan_direction(spec_, clocks_, l, dir);
        const LinkEnd& from = plan.from;
        const LinkEnd& to = plan.to;
        const size_t d = 2 * l + dir;
        timings_[d] = plan.timing;
        window_ps_ = std::min(window_ps_, plan.timing.latency_ps);
        C2cReceiver* receiver = nullptr;
        if (chips_[to.chip]) {
            const std::string name = "system link " + std::to_string(l) + " (" + port_text(from.chip, from.port) +
                                     " -> " + port_text(to.chip, to.port) + ")";
            receivers_.push_back(
                std::make_unique<C2cReceiver>(chips_[to.chip]->c2c(), to.port, clocks_[to.chip], name));
            receiver = static_cast<C2cReceiver*>(receivers_.back().get());
            local_receiver_[d] = receiver;
        }
        if (!chips_[from.chip])
            continue;
        tlm::tlm_fw_transport_if<>* target = receiver;
        if (!target) {
            receivers_.push_back(std::make_unique<RemotePort>(outbox_[chip_rank(to.chip, chips(), ranks_)], d));
            target = receivers_.back().get();
        }
        directions_[d] = std::make_unique<LinkDirection>(static_cast<unsigned>(l), dir, plan.timing,
                                                         LinkLine::of(spec_.links[l].params, spec_.seed), *target);
        out_[from.chip].at(from.port) = static_cast<int>(d);
        chips_[from.chip]->c2c().connect(from.port, port_text(to.chip, to.port), plan.busy_cycles);
    }
}

void System::set_link_error_policy(ErrorPolicy policy)
{
    policy_ = policy;
    for (auto& c : chips_)
        if (c)
            c->c2c().set_policy(policy);
}

void System::complement_poisoned(bool on)
{
    for (auto& d : directions_)
        if (d)
            d->complement_poisoned(on);
}

SystemStats System::run(const std::vector<ChipRun>& runs, unsigned threads, RankExchange* exchange)
{
    SoloExchange solo;
    RankExchange& ex = exchange ? *exchange : solo;
    if (runs.size() != chips() || ex.ranks() != ranks_ || ex.rank() != rank_)
        throw std::logic_error("System::run: one ChipRun per chip, and the exchange of this system's ranks");
    for (auto& d : directions_)
        if (d)
            d->reset();
    seq_.assign(directions_.size(), 0);
    std::vector<Program> idle(chips());
    std::vector<std::unique_ptr<ChipEngine>> engines(chips());
    std::vector<size_t> mine;
    for (size_t i = 0; i < chips(); ++i) {
        if (!chips_[i])
            continue;
        mine.push_back(i);
        const Program* p = runs[i].program;
        if (!p) {  // a chip with nothing to run: every queue empty
            idle[i].queues.resize(chips_[i]->queues().queues().size());
            p = &idle[i];
        }
        engines[i] = chips_[i]->start(*p, runs[i].observers, runs[i].mxm_observer);
    }
    engines_ = &engines;
    WorkerPool pool(threads);
    // Each chip's failure, when (on the system's time base) and where: the first is reported.
    std::vector<std::optional<RankFailure>> failures(chips());
    auto guarded = [&](size_t i, const std::function<void()>& step) {
        try {
            step();
        } catch (...) {
            failures[i] = rank_failure(std::current_exception(), clocks_[i].start_ps(engines[i]->last_cycle()), i);
        }
    };
    SystemStats st;
    st.time = time_->stats();
    // The threads take the chips busiest in the last window first (a pipeline's busy stages
    // sweep along it), so that no thread is left alone with a long one at a window's end. Which
    // thread runs which chip does not change any result.
    std::vector<size_t> order = mine;
    std::vector<uint64_t> issued(chips(), 0), busy(chips(), 0);
    for (uint64_t t = 0;;) {
        const uint64_t end = t + window_ps_;
        pool.run(order.size(), [&](size_t k) {
            const size_t i = order[k];
            guarded(i, [&] { engines[i]->advance_to(clocks_[i].first_cycle_at(end)); });
        });
        for (size_t i : mine) {
            busy[i] = engines[i]->issued() - issued[i];
            issued[i] = engines[i]->issued();
        }
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return busy[a] > busy[b]; });
        for (size_t i : mine)
            deliver(i);
        if (ranks_ > 1) {
            take_remote(ex.all_to_all(outbox_));
            for (std::string& o : outbox_)
                o.clear();
        }
        ++st.windows;
        uint64_t next = kNoWindow;
        for (size_t i : mine)
            if (const uint64_t e = failures[i] ? kNever : engines[i]->next_event(); e != kNever)
                next = std::min(next, clocks_[i].start_ps(e));
        next = ex.agree_min(next, first_failure(failures));
        if (next == kNoWindow)
            break;
        t = std::max(end, next);
    }
    st.chips.resize(chips());
    pool.run(mine.size(), [&](size_t k) {
        const size_t i = mine[k];
        guarded(i, [&] { st.chips[i] = engines[i]->finish(); });
    });
    uint64_t end_ps = 0;
    for (size_t i : mine)
        if (!failures[i])
            end_ps = std::max(end_ps, clocks_[i].start_ps(st.chips[i].cycles));
    // The latest end over all ranks is the least of its complement.
    st.end_ps = kNoWindow - ex.agree_min(kNoWindow - end_ps, first_failure(failures));
    engines_ = nullptr;
    st.directions.resize(directions_.size());
    for (size_t d = 0; d < directions_.size(); ++d)
        if (directions_[d])
            st.directions[d] = directions_[d]->stats();
    return st;
}

// This rank's first failure in simulated time, then on the lowest chip.
std::optional<RankFailure> System::first_failure(const std::vector<std::optional<RankFailure>>& failures)
{
    std::optional<RankFailure> first;
    for (const auto& f : failures)
        if (f && (!first || std::tie(f->first, f->second) < std::tie(first->first, first->second)))
            first = f;
    return first;
}

// The vectors chip `chip` sent in the window, onto their links, in Send order.
void System::deliver(size_t chip)
{
    for (C2cSent& s : chips_[chip]->c2c().take_sent()) {
        const int d = out_[chip].at(s.port);
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        gp.set_data_ptr(const_cast<unsigned char*>(s.data->data()));
        gp.set_data_length(static_cast<unsigned>(s.data->size()));
        gp.set_streaming_width(static_cast<unsigned>(s.data->size()));
        C2cExtension ext;
        ext.link = static_cast<unsigned>(d / 2);
        ext.direction = static_cast<unsigned>(d % 2);
        ext.seq = seq_[static_cast<size_t>(d)]++;
        ext.from = chips_[chip]->label() + " " + (*engines_)[chip]->describe(s.who) + ", sent in cycle " +
                   std::to_string(s.cycle);
        gp.set_extension(&ext);
        sc_core::sc_time delay = sc_core::sc_time::from_value(clocks_[chip].start_ps(s.cycle));
        directions_.at(static_cast<size_t>(d))->entry().b_transport(gp, delay);
        gp.clear_extension(&ext);
    }
}

// Vectors other ranks sent to this rank's chips, into their ports in (direction, sequence) order.
void System::take_remote(const std::vector<std::string>& in)
{
    struct Message {
        uint64_t direction, seq, arrival, poisoned;
        std::string data, from;
    };
    std::vector<Message> all;
    for (const std::string& bytes : in)
        for (wire::Reader r(bytes); !r.done();) {
            Message m{r.u64(), r.u64(), r.u64(), r.u64(), "", ""};
            m.data = r.str();
            m.from = r.str();
            all.push_back(std::move(m));
        }
    std::sort(all.begin(), all.end(), [](const Message& a, const Message& b) {
        return std::tie(a.direction, a.seq) < std::tie(b.direction, b.seq);
    });
    for (Message& m : all) {
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        gp.set_data_ptr(reinterpret_cast<unsigned char*>(m.data.data()));
        gp.set_data_length(static_cast<unsigned>(m.data.size()));
        C2cExtension ext;
        ext.link = static_cast<unsigned>(m.direction / 2);
        ext.direction = static_cast<unsigned>(m.direction % 2);
        ext.seq = m.seq;
        ext.from = m.from;
        ext.poisoned = m.poisoned != 0;
        ext.uncorrectable = static_cast<unsigned>(m.poisoned);
        gp.set_extension(&ext);
        sc_core::sc_time delay = sc_core::sc_time::from_value(m.arrival);
        local_receiver_.at(m.direction)->b_transport(gp, delay);
        gp.clear_extension(&ext);
    }
}

}  // namespace lpu
