#include "CycleScoreboard.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace lpu::cosim {

std::string Divergence::describe() const
{
    std::ostringstream os;
    const Beat& ref = kind == DivergenceKind::Unexpected ? actual : expected;
    const size_t width = std::max(expected.values.size(), actual.values.size());
    os << "first divergence at cycle " << cycle << " on port '" << port << "', superlane " << chunk << " (lanes "
       << ref.lane0 << ".." << ref.lane0 + width - 1 << "): ";
    switch (kind) {
    case DivergenceKind::Value: os << "value mismatch"; break;
    case DivergenceKind::Missing:
        os << "expected beat missing";
        if (found_shifted)
            os << " -- the same values arrived " << shift << " cycle" << (shift == 1 ? "" : "s") << " late, at cycle "
               << cycle + shift;
        else
            os << " -- no matching beat within the look-ahead window";
        break;
    case DivergenceKind::Unexpected:
        os << "unexpected beat";
        if (found_shifted)
            os << " -- it was expected " << shift << " cycle" << (shift == 1 ? "" : "s") << " later, at cycle "
               << cycle + shift << " (early)";
        break;
    }
    os << "\n";
    if (!expected.origin.empty())
        os << "  operation: " << expected.origin << "\n";
    if (kind == DivergenceKind::Value) {
        size_t differing = 0;
        for (size_t i = 0; i < width; ++i)
            differing += expected.values[i] != actual.values[i];
        os << "  " << differing << " of " << width << " lanes differ:\n";
        os << "  " << std::setw(6) << "lane" << std::setw(14) << "expected" << std::setw(14) << "actual"
           << "\n";
        size_t shown = 0;
        for (size_t i = 0; i < width && shown < 16; ++i) {
            if (expected.values[i] == actual.values[i])
                continue;
            os << "  " << std::setw(6) << expected.lane0 + i << std::setw(14) << expected.values[i] << std::setw(14)
               << actual.values[i] << "\n";
            ++shown;
        }
        if (differing > shown)
            os << "  ... " << differing - shown << " more\n";
    } else {
        const Beat& b = kind == DivergenceKind::Missing ? expected : actual;
        os << "  " << (kind == DivergenceKind::Missing ? "expected" : "actual") << " values:";
        for (size_t i = 0; i < b.values.size() && i < 16; ++i)
            os << " " << b.values[i];
        if (b.values.size() > 16)
            os << " ...";
        os << "\n";
    }
    return os.str();
}

namespace {

// The comparison order of beats: cycle, then port, then chunk.
bool before(unsigned port_a, const Beat& a, unsigned port_b, const Beat& b)
{
    if (a.cycle != b.cycle)
        return a.cycle < b.cycle;
    if (port_a != port_b)
        return port_a < port_b;
    return a.chunk < b.chunk;
}

bool same_key(unsigned port_a, const Beat& a, unsigned port_b, const Beat& b)
{
    return a.cycle == b.cycle && port_a == port_b && a.chunk == b.chunk;
}

// Puts the live entries in comparison order, stably. They arrive nearly sorted or reversed (the
// chunks of successive results: chunk s of the result that started s cycles ago), so an
// insertion sort over (key, index) pairs; the entries themselves then move by swaps of their
// buffers. Nothing is allocated once `order` has grown.
template <typename Entry> void sort_entries(std::vector<Entry>& e, size_t count, std::vector<size_t>& order)
{
    bool sorted = true;
    for (size_t i = 1; i < count && sorted; ++i)
        sorted = !before(e[i].port, e[i].beat, e[i - 1].port, e[i - 1].beat);
    if (sorted)
        return;
    order.resize(count);
    for (size_t i = 0; i < count; ++i) {
        size_t j = i;
        for (; j > 0 && before(e[i].port, e[i].beat, e[order[j - 1]].port, e[order[j - 1]].beat); --j)
            order[j] = order[j - 1];
        order[j] = i;
    }
    // Apply the permutation in place, cycle by cycle: slot i takes entry order[i].
    for (size_t i = 0; i < count; ++i) {
        size_t cur = i;
        while (order[cur] != i) {
            const size_t next = order[cur];
            std::swap(e[cur], e[next]);
            order[cur] = cur;
            cur = next;
        }
        order[cur] = cur;
    }
}

}  // namespace

unsigned CycleScoreboard::add_port(const std::string& name, OriginDescriber describe)
{
    ports_.push_back(name);
    describers_.push_back(std::move(describe));
    return static_cast<unsigned>(ports_.size() - 1);
}

CycleScoreboard::Bucket& CycleScoreboard::bucket_of(uint64_t cycle)
{
    if (live_ == 0 && cycle > base_)
        base_ = cycle;  // nothing held: the empty cycles in between need no comparison
    // A beat of a cycle already compared goes with the oldest cycle held: it sorts first there,
    // so it is compared next, as it would have been had it come in time.
    const uint64_t c = std::max(cycle, base_);
    if (c - base_ >= ring_.size()) {
        size_t size = ring_.size();
        while (c - base_ >= size)
            size *= 2;
        std::vector<Bucket> grown(size);
        for (uint64_t k = base_; k < base_ + ring_.size(); ++k)
            grown[k & (size - 1)] = std::move(ring_[k & (ring_.size() - 1)]);
        ring_ = std::move(grown);
    }
    return ring_[c & (ring_.size() - 1)];
}

const CycleScoreboard::Bucket* CycleScoreboard::find_bucket(uint64_t cycle) const
{
    if (cycle < base_ || cycle - base_ >= ring_.size())
        return nullptr;
    return &ring_[cycle & (ring_.size() - 1)];
}

void CycleScoreboard::add(Side Bucket::*side, unsigned port, const Beat& beat)
{
    Side& s = bucket_of(beat.cycle).*side;
    if (s.count == s.entries.size())
        s.entries.emplace_back();
    Entry& e = s.entries[s.count++];
    e.port = port;
    e.matched = false;
    // Assignments into the slot's own buffers: no allocation once they have grown.
    e.beat.cycle = beat.cycle;
    e.beat.chunk = beat.chunk;
    e.beat.lane0 = beat.lane0;
    e.beat.values.assign(beat.values.begin(), beat.values.end());
    e.beat.origin = beat.origin;
    e.beat.origin_args = beat.origin_args;
    ++live_;
}

void CycleScoreboard::expect(unsigned port, const Beat& beat)
{
    last_expected_ = std::max(last_expected_, beat.cycle);
    add(&Bucket::expected, port, beat);
}

bool CycleScoreboard::match_expected(unsigned port, const Beat& beat)
{
    if (beat.cycle < base_)
        return false;  // a cycle already compared: held for the report instead
    const Bucket* b = find_bucket(beat.cycle);
    if (!b)
        return false;
    for (size_t i = 0; i < b->expected.count; ++i) {
        const Entry& e = b->expected.entries[i];
        if (e.port == port && e.beat.chunk == beat.chunk && e.beat.cycle == beat.cycle) {
            // One DUT beat per expected one: a second with this key is held, and reported.
            if (e.matched || e.beat.values != beat.values)
                return false;
            ring_[beat.cycle & (ring_.size() - 1)].expected.entries[i].matched = true;
            return true;
        }
    }
    return false;
}

void CycleScoreboard::observe(unsigned port, const Beat& beat)
{
    last_actual_ = std::max(last_actual_, beat.cycle);
    if (!match_expected(port, beat))
        add(&Bucket::actual, port, beat);
}

void CycleScoreboard::advance(uint64_t cycle)
{
    // A beat of cycle c is final once the DUT side has been observed through c + lookahead
    // (a late copy could still come until then).
    if (cycle >= lookahead_ + 1)
        compare_through(cycle - lookahead_ - 1);
}

void CycleScoreboard::finish()
{
    // Nothing after the last beat of either side can change the verdict.
    compare_through(std::max(last_expected_, last_actual_));
}

const CycleScoreboard::Entry* CycleScoreboard::find_shifted(Side Bucket::*side, const Entry& lone, int64_t* shift) const
{
    for (unsigned d = 1; d <= lookahead_; ++d) {
        const Bucket* b = find_bucket(lone.beat.cycle + d);
        if (!b)
            continue;
        // A matched expected beat stands for the DUT beat equal to it, which was not stored.
        for (const Side* s : {&(b->*side), side == &Bucket::actual ? &b->expected : nullptr}) {
            for (size_t i = 0; s && i < s->count; ++i) {
                const Entry& e = s->entries[i];
                if (s != &(b->*side) && !e.matched)
                    continue;
                if (e.port == lone.port && e.beat.chunk == lone.beat.chunk && e.beat.cycle == lone.beat.cycle + d &&
                    e.beat.values == lone.beat.values) {
                    *shift = d;
                    return &e;
                }
            }
        }
    }
    return nullptr;
}

void CycleScoreboard::diverge(Divergence d, unsigned port)
{
    if (divergence_)
        return;
    d.port = ports_[port];
    if (d.expected.origin.empty() && !d.expected.values.empty() && describers_[port])
        d.expected.origin = describers_[port](d.expected);
    divergence_ = std::move(d);
}

void CycleScoreboard::report_lone(const Entry& lone, bool missing)
{
    Divergence d;
    d.kind = missing ? DivergenceKind::Missing : DivergenceKind::Unexpected;
    d.cycle = lone.beat.cycle;
    d.chunk = lone.beat.chunk;
    int64_t shift = 0;
    if (missing) {
        d.expected = lone.beat;
        d.found_shifted = find_shifted(&Bucket::actual, lone, &shift) != nullptr;
    } else {
        d.actual = lone.beat;
        if (const Entry* e = find_shifted(&Bucket::expected, lone, &shift)) {
            d.found_shifted = true;
            d.expected = e->beat;
        }
    }
    d.shift = d.found_shifted ? shift : 0;
    diverge(std::move(d), lone.port);
}

void CycleScoreboard::compare_bucket(Bucket& b)
{
    std::vector<Entry>& exp = b.expected.entries;
    std::vector<Entry>& act = b.actual.entries;
    const size_t ne = b.expected.count, na = b.actual.count;
    const bool all_matched =
        na == 0 && std::all_of(exp.begin(), exp.begin() + ne, [](const Entry& e) { return e.matched; });
    if (!all_matched) {
        sort_entries(exp, ne, order_);
        sort_entries(act, na, order_);
    }
    size_t i = all_matched ? ne : 0, j = 0;
    checked_ += i;
    while (i < ne || j < na) {
        // An expected beat matched when observed passes in its place in the order; a DUT beat
        // with its key that is still held is then a second one, which sorts after it.
        if (i < ne && exp[i].matched && (j == na || !before(act[j].port, act[j].beat, exp[i].port, exp[i].beat))) {
            ++checked_;
            ++i;
            continue;
        }
        if (i < ne && j < na && !exp[i].matched && same_key(exp[i].port, exp[i].beat, act[j].port, act[j].beat)) {
            if (exp[i].beat.values != act[j].beat.values) {
                Divergence d;
                d.kind = DivergenceKind::Value;
                d.cycle = exp[i].beat.cycle;
                d.chunk = exp[i].beat.chunk;
                d.expected = exp[i].beat;
                d.actual = act[j].beat;
                diverge(std::move(d), exp[i].port);
                return;
            }
            ++checked_;
            ++i;
            ++j;
            continue;
        }
        // The smaller key has no partner.
        const bool missing = i < ne && (j == na || before(exp[i].port, exp[i].beat, act[j].port, act[j].beat));
        report_lone(missing ? exp[i] : act[j], missing);
        return;
    }
    live_ -= ne + na;
    b.expected.count = 0;
    b.actual.count = 0;
    ++base_;
}

void CycleScoreboard::compare_through(uint64_t cycle)
{
    while (!divergence_ && base_ <= cycle) {
        if (live_ == 0) {
            base_ = cycle + 1;  // nothing held: nothing to compare up to `cycle`
            return;
        }
        compare_bucket(ring_[base_ & (ring_.size() - 1)]);
    }
}

}  // namespace lpu::cosim
