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

unsigned CycleScoreboard::add_port(const std::string& name)
{
    ports_.push_back(name);
    return static_cast<unsigned>(ports_.size() - 1);
}

void CycleScoreboard::expect(unsigned port, Beat beat)
{
    last_expected_ = std::max(last_expected_, beat.cycle);
    Key key{beat.cycle, port, beat.chunk};
    expected_[key] = std::move(beat);
}

void CycleScoreboard::observe(unsigned port, Beat beat)
{
    Key key{beat.cycle, port, beat.chunk};
    actual_.emplace(key, std::move(beat));
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
    uint64_t last = last_expected_;
    if (!actual_.empty())
        last = std::max(last, std::get<0>(actual_.rbegin()->first));
    compare_through(last);
}

template <typename Side>
std::optional<int64_t> CycleScoreboard::find_shifted(const Side& side, const Beat& beat, unsigned port) const
{
    for (unsigned d = 1; d <= lookahead_; ++d) {
        const auto range = side.equal_range(Key{beat.cycle + d, port, beat.chunk});
        for (auto it = range.first; it != range.second; ++it)
            if (it->second.values == beat.values)
                return static_cast<int64_t>(d);
    }
    return std::nullopt;
}

void CycleScoreboard::diverge(Divergence d)
{
    if (!divergence_)
        divergence_ = std::move(d);
}

void CycleScoreboard::compare_through(uint64_t cycle)
{
    while (!divergence_) {
        auto e = expected_.begin();
        auto a = actual_.begin();
        const bool e_ok = e != expected_.end() && std::get<0>(e->first) <= cycle;
        const bool a_ok = a != actual_.end() && std::get<0>(a->first) <= cycle;
        if (!e_ok && !a_ok)
            return;
        if (e_ok && a_ok && e->first == a->first) {
            if (e->second.values != a->second.values) {
                Divergence d;
                d.port = ports_[std::get<1>(e->first)];
                d.kind = DivergenceKind::Value;
                d.cycle = e->second.cycle;
                d.chunk = e->second.chunk;
                d.expected = e->second;
                d.actual = a->second;
                diverge(std::move(d));
                return;
            }
            ++checked_;
            expected_.erase(e);
            actual_.erase(a);
            continue;
        }
        // The smaller key has no partner.
        const bool missing = e_ok && (!a_ok || e->first < a->first);
        Divergence d;
        const Beat& lone = missing ? e->second : a->second;
        const unsigned port = std::get<1>(missing ? e->first : a->first);
        d.port = ports_[port];
        d.kind = missing ? DivergenceKind::Missing : DivergenceKind::Unexpected;
        d.cycle = lone.cycle;
        d.chunk = lone.chunk;
        if (missing) {
            d.expected = lone;
            if (auto s = find_shifted(actual_, lone, port)) {
                d.found_shifted = true;
                d.shift = *s;
            }
        } else {
            d.actual = lone;
            auto s = find_shifted(expected_, lone, port);
            if (s) {
                d.found_shifted = true;
                d.shift = *s;
                d.expected = expected_.at(Key{lone.cycle + *s, port, lone.chunk});
            }
        }
        diverge(std::move(d));
    }
}

}  // namespace lpu::cosim
