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
template <typename A, typename B> bool before(unsigned port_a, const A& a, unsigned port_b, const B& b)
{
    if (a.cycle != b.cycle)
        return a.cycle < b.cycle;
    if (port_a != port_b)
        return port_a < port_b;
    return a.chunk < b.chunk;
}

template <typename A, typename B> bool same_key(unsigned port_a, const A& a, unsigned port_b, const B& b)
{
    return a.cycle == b.cycle && port_a == port_b && a.chunk == b.chunk;
}

// The live entries' indices in comparison order, stably (an insertion sort: they arrive nearly
// sorted, or reversed: chunk s of the result that started s cycles ago shares a cycle with chunk
// 0 of the newest). Nothing is allocated once `order` has grown.
template <typename Entry> void sort_order(const std::vector<Entry>& e, size_t count, std::vector<uint32_t>& order)
{
    order.resize(count);
    for (uint32_t i = 0; i < count; ++i) {
        size_t j = i;
        for (; j > 0 && before(e[i].port, e[i], e[order[j - 1]].port, e[order[j - 1]]); --j)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

}  // namespace

bool CycleScoreboard::Side::same_values(const Entry& e, const Beat& b) const
{
    return e.size == b.values.size() &&
           with_values(e, [&](const auto* v) { return std::equal(b.values.begin(), b.values.end(), v); });
}

bool CycleScoreboard::Side::same_values(const Entry& e, const Side& other, const Entry& o) const
{
    return e.size == o.size && with_values(e, [&](const auto* v) {
               return other.with_values(o, [&](const auto* w) { return std::equal(v, v + e.size, w); });
           });
}

Beat CycleScoreboard::Side::beat(const Entry& e) const
{
    Beat b;
    b.cycle = e.cycle;
    b.chunk = e.chunk;
    b.lane0 = e.lane0;
    with_values(e, [&](const auto* v) { b.values.assign(v, v + e.size); });
    if (e.origin != kNoText)
        b.origin = origins[e.origin];
    b.origin_args = e.origin_args;
    return b;
}

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
    e.cycle = beat.cycle;
    e.port = port;
    e.chunk = beat.chunk;
    e.lane0 = beat.lane0;
    e.matched = false;
    e.size = static_cast<uint32_t>(beat.values.size());
    e.wide =
        !std::all_of(beat.values.begin(), beat.values.end(), [](int64_t v) { return v == static_cast<int32_t>(v); });
    // Into the bucket's own arrays: no allocation once they have grown.
    auto append = [&](auto& array, size_t& used) {
        e.offset = static_cast<uint32_t>(used);
        if (array.size() < used + e.size)
            array.resize(used + e.size);
        std::copy(beat.values.begin(), beat.values.end(), array.begin() + static_cast<std::ptrdiff_t>(used));
        used += e.size;
    };
    if (e.wide)
        append(s.wide, s.wide_used);
    else
        append(s.narrow, s.narrow_used);
    e.origin = kNoText;
    if (!beat.origin.empty()) {
        if (s.texts == s.origins.size())
            s.origins.emplace_back();
        s.origins[s.texts] = beat.origin;
        e.origin = static_cast<uint32_t>(s.texts++);
    }
    e.origin_args = beat.origin_args;
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
    const Side& exp = b->expected;
    for (size_t i = 0; i < exp.count; ++i) {
        const Entry& e = exp.entries[i];
        if (same_key(e.port, e, port, beat)) {
            // One DUT beat per expected one: a second with this key is held, and reported.
            if (e.matched || !exp.same_values(e, beat))
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
    prefetch_expected(cycle);
}

void CycleScoreboard::prefetch_expected(uint64_t cycle) const
{
    // The DUT's beats of `cycle` come next, after the DUT has run a cycle: its expected beats,
    // written long ago and likely out of cache by then, are loaded meanwhile.
    const Bucket* b = find_bucket(cycle);
    if (!b || b->expected.count == 0)
        return;
    constexpr size_t kLine = 64;
    const Side& s = b->expected;
    const auto* entries = reinterpret_cast<const char*>(s.entries.data());
    for (size_t off = 0; off < s.count * sizeof(Entry); off += kLine)
        __builtin_prefetch(entries + off);
    const auto* narrow = reinterpret_cast<const char*>(s.narrow.data());
    for (size_t off = 0; off < s.narrow_used * sizeof(int32_t); off += kLine)
        __builtin_prefetch(narrow + off);
    const auto* wide = reinterpret_cast<const char*>(s.wide.data());
    for (size_t off = 0; off < s.wide_used * sizeof(int64_t); off += kLine)
        __builtin_prefetch(wide + off);
}

void CycleScoreboard::finish()
{
    // Nothing after the last beat of either side can change the verdict. A beat that came for
    // a cycle already compared waits in the oldest bucket held (base_): compared too.
    compare_through(std::max({last_expected_, last_actual_, base_}));
}

std::optional<CycleScoreboard::Found> CycleScoreboard::find_shifted(Side Bucket::*side, const Side& lone_side,
                                                                    const Entry& lone, int64_t* shift) const
{
    for (unsigned d = 1; d <= lookahead_; ++d) {
        const Bucket* b = find_bucket(lone.cycle + d);
        if (!b)
            continue;
        // A matched expected beat stands for the DUT beat equal to it, which was not stored.
        for (const Side* s : {&(b->*side), side == &Bucket::actual ? &b->expected : nullptr}) {
            for (size_t i = 0; s && i < s->count; ++i) {
                const Entry& e = s->entries[i];
                if (s != &(b->*side) && !e.matched)
                    continue;
                if (e.port == lone.port && e.chunk == lone.chunk && e.cycle == lone.cycle + d &&
                    lone_side.same_values(lone, *s, e)) {
                    *shift = d;
                    return Found{s, &e};
                }
            }
        }
    }
    return std::nullopt;
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

void CycleScoreboard::report_lone(const Side& side, const Entry& lone, bool missing)
{
    Divergence d;
    d.kind = missing ? DivergenceKind::Missing : DivergenceKind::Unexpected;
    d.cycle = lone.cycle;
    d.chunk = lone.chunk;
    int64_t shift = 0;
    if (missing) {
        d.expected = side.beat(lone);
        d.found_shifted = find_shifted(&Bucket::actual, side, lone, &shift).has_value();
    } else {
        d.actual = side.beat(lone);
        if (const auto f = find_shifted(&Bucket::expected, side, lone, &shift)) {
            d.found_shifted = true;
            d.expected = f->side->beat(*f->entry);
        }
    }
    d.shift = d.found_shifted ? shift : 0;
    diverge(std::move(d), lone.port);
}

void CycleScoreboard::compare_bucket(Bucket& b)
{
    const Side& es = b.expected;
    const Side& as = b.actual;
    const std::vector<Entry>& exp = es.entries;
    const std::vector<Entry>& act = as.entries;
    const size_t ne = es.count, na = as.count;
    const bool all_matched = na == 0 && std::all_of(exp.begin(), exp.begin() + static_cast<std::ptrdiff_t>(ne),
                                                    [](const Entry& e) { return e.matched; });
    if (all_matched) {
        checked_ += ne;
    } else {
        sort_order(exp, ne, order_expected_);
        sort_order(act, na, order_actual_);
    }
    size_t i = all_matched ? ne : 0, j = 0;
    while (i < ne || j < na) {
        const Entry* e = i < ne ? &exp[order_expected_[i]] : nullptr;
        const Entry* a = j < na ? &act[order_actual_[j]] : nullptr;
        // An expected beat matched when observed passes in its place in the order; a DUT beat
        // with its key that is still held is then a second one, which sorts after it.
        if (e && e->matched && (!a || !before(a->port, *a, e->port, *e))) {
            ++checked_;
            ++i;
            continue;
        }
        if (e && a && !e->matched && same_key(e->port, *e, a->port, *a)) {
            if (!es.same_values(*e, as, *a)) {
                Divergence d;
                d.kind = DivergenceKind::Value;
                d.cycle = e->cycle;
                d.chunk = e->chunk;
                d.expected = es.beat(*e);
                d.actual = as.beat(*a);
                diverge(std::move(d), e->port);
                return;
            }
            ++checked_;
            ++i;
            ++j;
            continue;
        }
        // The smaller key has no partner.
        const bool missing = e && (!a || before(e->port, *e, a->port, *a));
        report_lone(missing ? es : as, missing ? *e : *a, missing);
        return;
    }
    live_ -= ne + na;
    b.expected.clear();
    b.actual.clear();
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
