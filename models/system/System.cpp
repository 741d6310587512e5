#include "System.h"

#include "models/common/Error.h"
#include "models/system/WorkerPool.h"

#include <algorithm>
#include <limits>
#include <map>

namespace lpu {

namespace {

constexpr uint64_t kNoWindow = std::numeric_limits<uint64_t>::max() / 4;

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

System::System(const SystemSpec& spec) : spec_(spec)
{
    for (size_t i = 0; i < spec_.chips.size(); ++i) {
        const ChipSpec& cs = spec_.chip_spec(static_cast<unsigned>(i));
        chips_.push_back(std::make_unique<Chip>(spec_.chips[i].name, cs, static_cast<unsigned>(i)));
        clocks_.push_back(ChipClock::of(cs.chip.clock_mhz, spec_.chips[i].ppm));
        out_.emplace_back(cs.c2c.links, -1);
    }
    std::map<std::pair<unsigned, unsigned>, C2cReceiver*> receiver;
    auto receiver_of = [&](const LinkEnd& e) {
        auto& r = receiver[{e.chip, e.port}];
        if (!r) {
            receivers_.push_back(std::make_unique<C2cReceiver>(chips_.at(e.chip)->c2c(), e.port, clocks_[e.chip]));
            r = receivers_.back().get();
        }
        return r;
    };
    window_ps_ = kNoWindow;
    for (size_t l = 0; l < spec_.links.size(); ++l) {
        const SystemLink& link = spec_.links[l];
        const unsigned bytes = chips_.at(link.a.chip)->spec().mem.word_bytes();
        if (chips_.at(link.b.chip)->spec().mem.word_bytes() != bytes)
            throw InputError(link.pos.text() + ": link " + std::to_string(l) +
                             " joins chips of different vector widths");
        for (unsigned dir = 0; dir < 2; ++dir) {
            const LinkEnd& from = dir == 0 ? link.a : link.b;
            const LinkEnd& to = dir == 0 ? link.b : link.a;
            const ChipSpec& sender = chips_[from.chip]->spec();
            const LinkTiming timing = LinkTiming::of(sender, link.params, bytes);
            directions_.push_back(
                std::make_unique<LinkDirection>(static_cast<unsigned>(l), dir, timing, *receiver_of(to)));
            out_[from.chip].at(from.port) = static_cast<int>(directions_.size() - 1);
            const uint64_t busy = ceil_div(timing.serialise_ps * 1000, clocks_[from.chip].period_fs);
            chips_[from.chip]->c2c().connect(from.port, port_text(to.chip, to.port), busy);
            window_ps_ = std::min(window_ps_, timing.latency_ps);
        }
    }
    seq_.assign(directions_.size(), 0);
}

System::~System() = default;

std::string System::port_text(size_t chip, unsigned port) const
{
    return chips_.at(chip)->label() + " C2C." + std::to_string(port);
}

SystemStats System::run(const std::vector<ChipRun>& runs, unsigned threads)
{
    if (runs.size() != chips_.size())
        throw std::logic_error("System::run: one ChipRun per chip");
    std::vector<Program> idle(chips_.size());
    std::vector<std::unique_ptr<ChipEngine>> engines;
    for (size_t i = 0; i < chips_.size(); ++i) {
        const Program* p = runs[i].program;
        if (!p) {  // a chip with nothing to run: every queue empty
            idle[i].queues.resize(chips_[i]->queues().queues().size());
            p = &idle[i];
        }
        engines.push_back(chips_[i]->start(*p, runs[i].observers, runs[i].mxm_observer));
    }
    engines_ = &engines;
    WorkerPool pool(threads);
    SystemStats st;
    for (uint64_t t = 0;;) {
        const uint64_t end = t + window_ps_;
        pool.run(chips_.size(), [&](size_t i) { engines[i]->advance_to(clocks_[i].first_cycle_at(end)); });
        for (size_t i = 0; i < chips_.size(); ++i)
            deliver(i);
        ++st.windows;
        uint64_t next = kNoWindow;
        for (size_t i = 0; i < chips_.size(); ++i)
            if (const uint64_t e = engines[i]->next_event(); e != kNever)
                next = std::min(next, clocks_[i].start_ps(e));
        if (next == kNoWindow)
            break;
        t = std::max(end, next);
    }
    st.chips.resize(chips_.size());
    pool.run(chips_.size(), [&](size_t i) { st.chips[i] = engines[i]->finish(); });
    engines_ = nullptr;
    for (const auto& d : directions_)
        st.directions.push_back(d->stats());
    for (size_t i = 0; i < chips_.size(); ++i)
        st.end_ps = std::max(st.end_ps, clocks_[i].start_ps(st.chips[i].cycles));
    return st;
}

// The vectors chip `chip` sent in the window, onto their links, in Send order.
void System::deliver(size_t chip)
{
    for (C2cSent& s : chips_[chip]->c2c().take_sent()) {
        const int d = out_[chip].at(s.port);
        LinkDirection& dir = *directions_.at(static_cast<size_t>(d));
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
        dir.entry().b_transport(gp, delay);
        gp.clear_extension(&ext);
    }
}

}  // namespace lpu
