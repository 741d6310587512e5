#include "Bisection.h"

#include <algorithm>

namespace lpu {

std::vector<uint8_t> Bisection::halving(unsigned chips)
{
    std::vector<uint8_t> side(chips, 0);
    std::fill(side.begin() + chips / 2, side.end(), 1);
    return side;
}

uint64_t Bisection::cut() const
{
    uint64_t across = 0;
    for (unsigned c = 0; c < g_->chips(); ++c)
        for (const uint32_t* a = g_->begin(c); a != g_->end(c); ++a)
            across += side[c] != side[*a];
    return across / 2;
}

void Bisection::bucket_insert(unsigned c)
{
    const int b = gain_[c] + max_gain_;
    std::vector<int>& head = head_[side[c]];
    prev_[c] = -1;
    next_[c] = head[b];
    if (head[b] >= 0)
        prev_[head[b]] = static_cast<int>(c);
    head[b] = static_cast<int>(c);
    top_[side[c]] = std::max(top_[side[c]], b);
}

void Bisection::bucket_remove(unsigned c)
{
    if (prev_[c] >= 0)
        next_[prev_[c]] = next_[c];
    else
        head_[side[c]][gain_[c] + max_gain_] = next_[c];
    if (next_[c] >= 0)
        prev_[next_[c]] = prev_[c];
}

int Bisection::top(unsigned s)
{
    while (top_[s] >= 0 && head_[s][top_[s]] < 0)
        --top_[s];
    return top_[s];
}

int Bisection::pop_best(unsigned s)
{
    if (top(s) < 0)
        return -1;
    const int c = head_[s][top_[s]];
    bucket_remove(static_cast<unsigned>(c));
    return c;
}

// One pass: every chip moves once (unless the larger half runs out), then the moves after the
// best balanced cut are undone. True if the cut got smaller.
bool Bisection::pass()
{
    const unsigned n = g_->chips();
    for (auto& h : head_)
        std::fill(h.begin(), h.end(), -1);
    top_[0] = top_[1] = -1;
    std::fill(locked_.begin(), locked_.end(), 0);
    unsigned size[2] = {0, 0};
    for (unsigned c = 0; c < n; ++c) {
        int g = 0;
        for (const uint32_t* a = g_->begin(c); a != g_->end(c); ++a)
            g += side[c] != side[*a] ? 1 : -1;
        gain_[c] = g;
        ++size[side[c]];
        bucket_insert(c);
    }
    std::vector<unsigned> moved;
    int64_t across = static_cast<int64_t>(links), best = across;
    size_t best_moves = 0;
    for (unsigned m = 0; m < n; ++m) {
        // From the larger half; from either when equal (the better gain, half 0 on a tie).
        unsigned from = size[0] > size[1] ? 0 : 1;
        if (size[0] == size[1])
            from = top(1) > top(0) ? 1 : 0;
        const int c = pop_best(from);
        if (c < 0)
            break;
        const auto u = static_cast<unsigned>(c);
        across -= gain_[u];
        side[u] ^= 1;
        --size[from];
        ++size[from ^ 1];
        moved.push_back(u);
        locked_[u] = 1;
        for (const uint32_t* a = g_->begin(u); a != g_->end(u); ++a) {
            const unsigned v = *a;
            if (locked_[v])
                continue;
            // The link u-v now crosses the cut if it did not, or no longer does.
            bucket_remove(v);
            gain_[v] += side[v] == side[u] ? -2 : 2;
            bucket_insert(v);
        }
        if (across < best && (size[0] > size[1] ? size[0] - size[1] : size[1] - size[0]) <= 1) {
            best = across;
            best_moves = moved.size();
        }
    }
    for (size_t i = moved.size(); i > best_moves; --i)
        side[moved[i - 1]] ^= 1;
    const bool better = best < static_cast<int64_t>(links);
    links = static_cast<uint64_t>(best);
    return better;
}

Bisection Bisection::refine(const ChipGraph& g, std::vector<uint8_t> start)
{
    Bisection b(g);
    b.side = std::move(start);
    b.start_links = b.links = b.cut();
    const unsigned n = g.chips();
    for (unsigned c = 0; c < n; ++c)
        b.max_gain_ = std::max(b.max_gain_, static_cast<int>(g.links_at(c)));
    for (auto& h : b.head_)
        h.assign(2 * static_cast<size_t>(b.max_gain_) + 1, -1);
    b.gain_.assign(n, 0);
    b.next_.assign(n, -1);
    b.prev_.assign(n, -1);
    b.locked_.assign(n, 0);
    constexpr unsigned kMaxPasses = 50;  // each pass is O(links); they stop long before this
    while (b.passes < kMaxPasses && n > 1) {
        ++b.passes;
        if (!b.pass())
            break;
    }
    return b;
}

}  // namespace lpu
