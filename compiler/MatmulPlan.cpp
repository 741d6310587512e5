#include "MatmulPlan.h"

#include <algorithm>
#include <stdexcept>

namespace lpu {

namespace {

unsigned blocks(uint64_t n, unsigned lanes) { return static_cast<unsigned>((n + lanes - 1) / lanes); }

// How many planes share a column block when there are fewer blocks than planes, splitting its K
// blocks (or, with one K block, its rows): each loads its own weights, one row per cycle from the
// block's one slice, so g planes start about g x lanes cycles apart; the estimate
// g x lanes + work / g picks g. fp16 K blocks are never split.
unsigned share_k(const MatmulShape& s, const MatmulChip& chip, unsigned KT, unsigned NT)
{
    const uint64_t M = s.m, abc_every = s.f16 ? chip.fp16_issue_interval : 1;  // cycles per ABC and plane
    unsigned share = 1;
    uint64_t best = ~uint64_t{0};
    for (unsigned c = 1; c <= chip.planes / NT; ++c) {
        const uint64_t work = (KT == 1 ? (M + c - 1) / c : M * ((KT + c - 1) / c)) * abc_every;
        const uint64_t t = uint64_t{chip.lanes} * c + work;
        if (t < best && (KT == 1 ? c <= M : c <= KT && !s.f16)) {
            best = t;
            share = c;
        }
    }
    return share;
}

// The same for planes that split a block's rows, each going through every K block for its own
// rows (the only sharing an fp16 matmul has, its K blocks being added in order).
unsigned share_rows(const MatmulShape& s, const MatmulChip& chip, unsigned KT, unsigned NT)
{
    const uint64_t M = s.m, abc_every = s.f16 ? chip.fp16_issue_interval : 1;
    unsigned share = 1;
    uint64_t best = ~uint64_t{0};
    for (unsigned c = 1; c <= chip.planes / NT && c <= M; ++c) {
        const uint64_t t = uint64_t{chip.lanes} * c + (M + c - 1) / c * KT * abc_every;
        if (t < best) {
            best = t;
            share = c;
        }
    }
    return share;
}

// Column blocks nt0 .. nt0 + count - 1, each K-split `ways` ways over planes first + i * ways ..:
// each part a contiguous K range, the last part (the most blocks) the finisher.
void split_k(MatmulPlan& p, unsigned nt0, unsigned count, unsigned ways, unsigned first)
{
    const unsigned KT = p.k_blocks;
    for (unsigned i = 0; i < count; ++i)
        for (unsigned part = 0; part < ways; ++part) {
            MatmulJob j;
            j.nt = nt0 + i;
            for (unsigned kt = part * KT / ways; kt < (part + 1) * KT / ways; ++kt)
                j.kts.push_back(kt);
            j.finisher = part + 1 == ways;
            j.m1 = static_cast<uint32_t>(p.shape.m);
            if (j.finisher)
                for (unsigned q = 0; q + 1 < ways; ++q)
                    j.peers.push_back(first + i * ways + q);
            p.jobs[first + i * ways + part].push_back(j);
        }
}

// Each column block's rows split `share` ways, each plane through every K block for its rows,
// starting at different blocks (different slices of A) unless fp16 sums must go in order.
void split_rows(MatmulPlan& p)
{
    const unsigned g = p.way.share, KT = p.k_blocks;
    const auto M = static_cast<uint32_t>(p.shape.m);
    for (unsigned nt = 0; nt < p.n_blocks; ++nt)
        for (unsigned part = 0; part < g; ++part) {
            MatmulJob j;
            j.nt = nt;
            const unsigned plane = nt * g + part;
            for (unsigned i = 0; i < KT; ++i)
                j.kts.push_back(p.shape.f16 ? i : (i + plane) % KT);
            j.m0 = static_cast<uint32_t>(uint64_t{part} * M / g);
            j.m1 = static_cast<uint32_t>(uint64_t{part + 1} * M / g);
            p.jobs[plane].push_back(j);
        }
}

// Whole rounds of one column block per plane (block nt on plane nt mod planes, over all K blocks);
// then a last, partial round of way.share_last blocks K-split over the planes.
void one_per_plane(MatmulPlan& p)
{
    const unsigned KT = p.k_blocks, rem = p.way.share_last, full = p.n_blocks - rem;
    for (unsigned nt = 0; nt < full; ++nt) {
        const unsigned plane = nt % p.planes;
        MatmulJob j;
        j.nt = nt;
        // The planes of a hemisphere go through the K blocks together (a row of A read once feeds
        // them all); the hemispheres start at different blocks, so that they read different
        // slices of A in the same cycles.
        for (unsigned i = 0; i < KT; ++i)
            j.kts.push_back(p.shape.f16 ? i : (i + p.hemisphere(plane)) % KT);
        j.m1 = static_cast<uint32_t>(p.shape.m);
        p.jobs[plane].push_back(j);
    }
    if (rem)
        split_k(p, full, rem, std::min(p.planes / rem, KT), 0);  // every part gets a K block
}

// The groups of a round in booking order: each time, the first group (in the order given) none of
// whose steps adds sums written by a step not yet booked. Neither a group holding a step and one
// whose sums it adds nor groups waiting for each other in a circle can come from these plans (a
// bug if one does): a group shares one K block, and a finisher's K blocks follow its peers', so
// in any round each finisher is on a later K block than its peers.
std::vector<std::vector<size_t>> sums_first(const MatmulPlan& p, const std::vector<MatmulStep>& round,
                                            const std::vector<std::vector<size_t>>& groups)
{
    std::vector<bool> booked(round.size(), false), placed(groups.size(), false);
    const auto ready = [&](const std::vector<size_t>& g) {
        return std::all_of(g.begin(), g.end(), [&](size_t i) {
            for (size_t j = 0; j < round.size(); ++j)
                if (!booked[j] && p.adds_sums_of(round[i], round[j]))
                    return false;
            return true;
        });
    };
    std::vector<std::vector<size_t>> order;
    while (order.size() < groups.size()) {
        size_t g = 0;
        while (g < groups.size() && (placed[g] || !ready(groups[g])))
            ++g;
        if (g == groups.size())
            throw std::logic_error("matmul plan: no order of a round's read groups has each finisher after its peers");
        placed[g] = true;
        for (size_t i : groups[g])
            booked[i] = true;
        order.push_back(groups[g]);
    }
    return order;
}

}  // namespace

bool MatmulPlan::may_share_read(const MatmulStep& a, const MatmulStep& b) const
{
    const MatmulJob &ja = job(a), &jb = job(b);
    return hemisphere(a.plane) == hemisphere(b.plane) && kt(a) == kt(b) && ja.m0 == jb.m0 && ja.m1 == jb.m1;
}

bool MatmulPlan::feeds_finisher(unsigned plane) const
{
    return std::any_of(jobs[plane].begin(), jobs[plane].end(), [](const MatmulJob& j) { return !j.finisher; });
}

bool MatmulPlan::adds_sums_of(const MatmulStep& a, const MatmulStep& b) const
{
    const std::vector<unsigned>& peers = job(a).peers;
    return done(a) && std::find(peers.begin(), peers.end(), b.plane) != peers.end() &&
           b.job + 1 == jobs[b.plane].size() && last(b);
}

std::vector<std::vector<size_t>> MatmulPlan::read_groups(size_t r, const SameSide& same_side) const
{
    const std::vector<MatmulStep>& round = rounds[r];
    std::vector<std::vector<size_t>> groups;
    for (size_t i = 0; i < round.size(); ++i) {
        const auto joins = [&](const std::vector<size_t>& g) {
            const MatmulStep& f = round[g.front()];
            return may_share_read(f, round[i]) && same_side(f, round[i]);
        };
        const auto it = std::find_if(groups.begin(), groups.end(), joins);
        if (it != groups.end())
            it->push_back(i);
        else
            groups.push_back({i});
    }
    return sums_first(*this, round, groups);
}

unsigned MatmulPlan::sum_buffer(const MatmulJob& j, unsigned step, uint32_t m)
{
    const bool for_finisher = !j.finisher && step + 1 == j.kts.size();
    return for_finisher ? 2 + m % 2 : step % 2;
}

unsigned MatmulPlan::peer_buffer(unsigned peer, uint32_t m) const
{
    const MatmulJob& j = jobs[peer].back();
    return sum_buffer(j, static_cast<unsigned>(j.kts.size()) - 1, m);
}

size_t shared_rounds(const MatmulPlan& a, const MatmulPlan& b)
{
    // A finisher's peers are looked at whole (adds_sums_of: whether a step is its plane's last;
    // peer_buffer: its last job), everything else step by step.
    const auto same_peers = [&](const MatmulJob& j) {
        return std::all_of(j.peers.begin(), j.peers.end(), [&](unsigned q) {
            return a.jobs[q].size() == b.jobs[q].size() && (a.jobs[q].empty() || a.jobs[q].back() == b.jobs[q].back());
        });
    };
    const auto same_step = [&](const MatmulStep& x, const MatmulStep& y) {
        return x.plane == y.plane && x.job == y.job && x.step == y.step && a.job(x) == b.job(y) && same_peers(a.job(x));
    };
    if (a.planes != b.planes || a.k_blocks != b.k_blocks)
        return 0;
    size_t r = 0;
    while (r < a.rounds.size() && r < b.rounds.size() &&
           std::equal(a.rounds[r].begin(), a.rounds[r].end(), b.rounds[r].begin(), b.rounds[r].end(), same_step))
        ++r;
    return r;
}

std::vector<MatmulWay> matmul_ways(const MatmulShape& shape, const MatmulChip& chip)
{
    const unsigned KT = blocks(shape.k, chip.lanes), NT = blocks(shape.n, chip.lanes);
    const bool idle = NT < chip.planes;  // planes without a column block of their own
    const unsigned share = idle ? share_k(shape, chip, KT, NT) : 1;
    const unsigned rows = idle && KT > 1 ? share_rows(shape, chip, KT, NT) : 1;
    std::vector<MatmulWay> ways{{1, 0, false}};
    if (share > 1)
        ways.push_back({share, 0, KT == 1});
    if (rows > 1)
        ways.push_back({rows, 0, true});
    const unsigned rem = NT % chip.planes;
    if (NT > chip.planes && rem && KT > 1 && chip.planes / rem >= 2 && !shape.f16)
        ways.push_back({1, rem, false});
    return ways;
}

MatmulPlan plan_matmul(const MatmulShape& shape, const MatmulChip& chip, const MatmulWay& way)
{
    MatmulPlan p;
    p.shape = shape;
    p.way = way;
    p.planes = chip.planes;
    p.k_blocks = blocks(shape.k, chip.lanes);
    p.n_blocks = blocks(shape.n, chip.lanes);
    p.half = std::max(1u, chip.planes / 2);
    p.jobs.resize(chip.planes);
    if (way.split_rows && way.share > 1)
        split_rows(p);
    else if (way.share == 1)
        one_per_plane(p);
    else
        split_k(p, 0, p.n_blocks, way.share, 0);
    for (unsigned plane = 0; plane < chip.planes; ++plane) {
        unsigned r = 0;
        for (unsigned j = 0; j < p.jobs[plane].size(); ++j)
            for (unsigned i = 0; i < p.jobs[plane][j].kts.size(); ++i, ++r) {
                if (p.rounds.size() <= r)
                    p.rounds.resize(r + 1);
                p.rounds[r].push_back(MatmulStep{plane, j, i});
            }
    }
    return p;
}

}  // namespace lpu
