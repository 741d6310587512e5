// The matmul plan (compiler/MatmulPlan.h) on its own, without booking anything: for many shapes,
// on tiny, small and tsp-v1 and on variants of them (2 to 8 planes, another fp16 rate), every way
// matmul_ways offers is planned and the plan is checked against what the lowering relies on,
// worked out here from the jobs alone: every row of every output column block is computed by
// exactly one finisher, over every K block exactly once across the planes whose sums it adds;
// planes, K blocks and rows in range; each plane's steps in rounds, in order, a finisher's last
// step after its peers'; fp16 K blocks in order and never split; running sums never read from the
// buffer they are written to. And the order the lowering books a plan in (rounds in order, each
// round's steps in the groups read_groups makes of them): every step once, a group's steps
// allowed to share reads of A, and a finisher's last step after its peers' last steps, in a
// later group, whoever it shares reads with.
#include "compiler/MatmulPlan.h"
#include "models/spec/ChipSpec.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace lpu;

namespace {

MatmulChip chip_of(const std::string& config)
{
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/" + config + ".yaml");
    const MxmParams mx = cfg.mxm;
    return MatmulChip{mx.planes, cfg.mem.word_bytes(), mx.fp16_issue_interval};
}

std::string describe(const MatmulShape& s, const MatmulChip& c, const MatmulWay& w)
{
    std::ostringstream os;
    os << (s.f16 ? "f16 " : "i8 ") << s.m << "x" << s.k << "x" << s.n << " on " << c.planes << " planes of " << c.lanes
       << " lanes (fp16 every " << c.fp16_issue_interval << "), way share " << w.share << " share_last " << w.share_last
       << (w.split_rows ? " split rows" : "");
    return os.str();
}

unsigned ceil_div(uint64_t a, unsigned b) { return static_cast<unsigned>((a + b - 1) / b); }

// Where each step of each job sits in the rounds: (plane, job, step) -> round.
std::map<std::vector<unsigned>, size_t> round_of_steps(const MatmulPlan& p)
{
    std::map<std::vector<unsigned>, size_t> at;
    for (size_t r = 0; r < p.rounds.size(); ++r) {
        unsigned prev = 0;
        for (size_t i = 0; i < p.rounds[r].size(); ++i) {
            const MatmulStep& s = p.rounds[r][i];
            REQUIRE(s.plane < p.planes);
            REQUIRE(s.job < p.jobs[s.plane].size());
            REQUIRE(s.step < p.jobs[s.plane][s.job].kts.size());
            if (i > 0)
                REQUIRE(s.plane > prev);  // planes in order, each at most once a round
            prev = s.plane;
            REQUIRE(at.emplace(std::vector<unsigned>{s.plane, s.job, s.step}, r).second);
        }
    }
    // Every step of every job once, a plane's steps in its order: its n-th step in round n.
    for (unsigned q = 0; q < p.planes; ++q) {
        size_t n = 0;
        for (unsigned j = 0; j < p.jobs[q].size(); ++j)
            for (unsigned i = 0; i < p.jobs[q][j].kts.size(); ++i, ++n) {
                const auto it = at.find({q, j, i});
                REQUIRE(it != at.end());
                REQUIRE(it->second == n);
            }
    }
    return at;
}

void check_jobs(const MatmulPlan& p, unsigned KT, unsigned NT)
{
    for (unsigned q = 0; q < p.planes; ++q) {
        bool feeds = false;
        for (const MatmulJob& j : p.jobs[q]) {
            REQUIRE(j.nt < NT);
            REQUIRE(j.m0 < j.m1);
            REQUIRE(j.m1 <= p.shape.m);
            REQUIRE_FALSE(j.kts.empty());
            for (unsigned kt : j.kts)
                REQUIRE(kt < KT);
            for (unsigned peer : j.peers)
                REQUIRE(peer < p.planes);
            if (!j.finisher)
                REQUIRE(j.peers.empty());
            feeds = feeds || !j.finisher;
            if (p.shape.f16) {  // fp16 sums round: all K blocks, in order, on one plane
                REQUIRE(j.kts.size() == KT);
                for (unsigned i = 0; i < KT; ++i)
                    REQUIRE(j.kts[i] == i);
            }
            // A step reads the previous step's running sum and writes its own: never one buffer.
            for (uint32_t m : {j.m0, j.m1 - 1})
                for (unsigned i = 0; i < j.kts.size(); ++i) {
                    REQUIRE(MatmulPlan::sum_buffer(j, i, m) < 4);
                    if (i > 0)
                        REQUIRE(MatmulPlan::sum_buffer(j, i, m) != MatmulPlan::sum_buffer(j, i - 1, m));
                }
        }
        REQUIRE(p.feeds_finisher(q) == feeds);
    }
}

// Every row of every column block: exactly one finisher among the jobs that cover it, their K
// blocks together each K block once, the finisher's peers exactly the other covering planes,
// each through its last job, whose last step comes first.
void check_coverage(const MatmulPlan& p, unsigned KT, unsigned NT,
                    const std::map<std::vector<unsigned>, size_t>& round_of)
{
    for (unsigned nt = 0; nt < NT; ++nt) {
        std::vector<std::vector<unsigned>> on;  // (plane, job index) of this block's jobs
        std::set<uint64_t> cuts{0, p.shape.m};
        for (unsigned q = 0; q < p.planes; ++q)
            for (unsigned i = 0; i < p.jobs[q].size(); ++i)
                if (p.jobs[q][i].nt == nt) {
                    on.push_back({q, i});
                    cuts.insert(p.jobs[q][i].m0);
                    cuts.insert(p.jobs[q][i].m1);
                }
        // The covering jobs change only at a job's m0 or m1: one check per stretch between them.
        for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
            const uint64_t m = *it;
            std::vector<unsigned> count(KT, 0);
            std::set<unsigned> planes;
            std::vector<std::vector<unsigned>> finishers;
            for (const std::vector<unsigned>& qi : on) {
                const MatmulJob& j = p.jobs[qi[0]][qi[1]];
                if (j.m0 <= m && m < j.m1) {
                    for (unsigned kt : j.kts)
                        ++count[kt];
                    REQUIRE(planes.insert(qi[0]).second);  // a plane covers a row of a block once
                    if (j.finisher)
                        finishers.push_back(qi);
                }
            }
            INFO("column block " << nt << ", row " << m);
            for (unsigned kt = 0; kt < KT; ++kt)
                REQUIRE(count[kt] == 1);
            REQUIRE(finishers.size() == 1);
            const unsigned f = finishers.front()[0];
            const MatmulJob& fin = p.jobs[f][finishers.front()[1]];
            std::set<unsigned> others = planes;
            others.erase(f);
            REQUIRE(std::set<unsigned>(fin.peers.begin(), fin.peers.end()) == others);
            REQUIRE(fin.peers.size() == others.size());
            const size_t fin_last = round_of.at({f, finishers.front()[1], static_cast<unsigned>(fin.kts.size() - 1)});
            for (unsigned q : others) {
                const MatmulJob& last = p.jobs[q].back();  // whose sums the finisher reads
                REQUIRE(last.nt == nt);
                REQUIRE_FALSE(last.finisher);
                REQUIRE(last.m0 <= m);
                REQUIRE(m < last.m1);
                const size_t peer_last = round_of.at(
                    {q, static_cast<unsigned>(p.jobs[q].size() - 1), static_cast<unsigned>(last.kts.size() - 1)});
                REQUIRE((peer_last < fin_last || (peer_last == fin_last && q < f)));
            }
        }
    }
}

// What docs/compiler.md promises of one plane per column block: block nt on plane nt mod planes,
// every K block, the hemispheres starting at different K blocks (int8).
void check_one_per_plane(const MatmulPlan& p, unsigned KT, unsigned NT)
{
    const unsigned full = NT - p.way.share_last;
    std::vector<unsigned> seen(p.planes, 0);
    for (unsigned q = 0; q < p.planes; ++q)
        for (const MatmulJob& j : p.jobs[q]) {
            if (j.nt >= full)
                continue;
            REQUIRE(j.nt % p.planes == q);
            REQUIRE(j.kts.size() == KT);
            REQUIRE(j.m0 == 0);
            REQUIRE(j.m1 == p.shape.m);
            for (unsigned i = 1; i < KT; ++i)
                REQUIRE(j.kts[i] == (j.kts[i - 1] + 1) % KT);  // a rotation of 0 .. KT-1
            if (!p.shape.f16 && KT > 1 && p.planes > 1 && q >= p.half)
                REQUIRE(j.kts[0] != p.jobs[q - p.half].front().kts[0]);
            ++seen[q];
        }
    for (unsigned q = 0; q < p.planes; ++q)
        REQUIRE(seen[q] == full / p.planes + (q < full % p.planes ? 1 : 0));
}

// The plan booked round by round, each round's groups in the order read_groups gives with
// `side(plane, kt)`: the side of the slice of A's K block kt that plane is on.
void check_booking_order(const MatmulPlan& p, const std::function<bool(unsigned, unsigned)>& side)
{
    const MatmulPlan::SameSide same_side = [&](const MatmulStep& a, const MatmulStep& b) {
        return side(a.plane, p.kt(a)) == side(b.plane, p.kt(a));
    };
    std::map<std::vector<unsigned>, std::pair<size_t, size_t>> booked;  // (plane, job, step) -> (round, group)
    for (size_t r = 0; r < p.rounds.size(); ++r) {
        const std::vector<MatmulStep>& round = p.rounds[r];
        const std::vector<std::vector<size_t>> groups = p.read_groups(r, same_side);
        std::vector<unsigned> seen(round.size(), 0);
        for (size_t g = 0; g < groups.size(); ++g) {
            REQUIRE_FALSE(groups[g].empty());
            for (size_t i : groups[g]) {
                REQUIRE(i < round.size());
                ++seen[i];
                const MatmulStep &first = round[groups[g].front()], &s = round[i];
                REQUIRE(p.may_share_read(first, s));
                REQUIRE(same_side(first, s));
                booked[{s.plane, s.job, s.step}] = {r, g};
            }
        }
        REQUIRE(seen == std::vector<unsigned>(round.size(), 1));
    }
    for (const auto& [key, at] : booked) {
        const MatmulStep f{key[0], key[1], key[2]};
        if (!p.done(f))
            continue;
        for (unsigned q : p.job(f).peers) {
            const auto j = static_cast<unsigned>(p.jobs[q].size() - 1);
            const MatmulStep last{q, j, static_cast<unsigned>(p.jobs[q][j].kts.size() - 1)};
            INFO("finisher plane " << f.plane << " booked in round " << at.first << " group " << at.second
                                   << ", peer plane " << q);
            REQUIRE(p.adds_sums_of(f, last));
            REQUIRE(booked.at({last.plane, last.job, last.step}) < at);
        }
    }
}

void check_plan(const MatmulShape& s, const MatmulChip& c, const MatmulWay& w)
{
    INFO(describe(s, c, w));
    const MatmulPlan p = plan_matmul(s, c, w);
    const unsigned KT = ceil_div(s.k, c.lanes), NT = ceil_div(s.n, c.lanes);
    REQUIRE(p.planes == c.planes);
    REQUIRE(p.k_blocks == KT);
    REQUIRE(p.n_blocks == NT);
    REQUIRE(p.jobs.size() == c.planes);
    const auto round_of = round_of_steps(p);
    check_jobs(p, KT, NT);
    check_coverage(p, KT, NT, round_of);
    if (w.share == 1)
        check_one_per_plane(p, KT, NT);
    check_booking_order(p, [](unsigned, unsigned) { return true; });  // the floorplan: planes outside MEM
    check_booking_order(p, [](unsigned plane, unsigned kt) { return (plane + kt) % 3 == 0; });
}

void check_chip(const MatmulChip& c)
{
    const uint64_t L = c.lanes;
    const std::vector<uint64_t> ms{1, 2, 3, 7, L - 1, L, L + 1, 2 * L + 5, 1000};
    const std::vector<uint64_t> ks{1, L, L + 1, 2 * L, 3 * L, 5 * L + 3, 8 * L};
    const std::vector<uint64_t> ns{1, L, 2 * L + 1, 3 * L, 4 * L, 5 * L, 7 * L, 9 * L, 13 * L};
    size_t plans = 0, shared = 0;
    for (bool f16 : {false, true})
        for (uint64_t m : ms)
            for (uint64_t k : ks)
                for (uint64_t n : ns) {
                    const MatmulShape s{m, k, n, f16};
                    const std::vector<MatmulWay> ways = matmul_ways(s, c);
                    INFO(describe(s, c, MatmulWay{}));
                    REQUIRE(ways.front() == MatmulWay{});
                    for (size_t i = 0; i < ways.size(); ++i) {
                        for (size_t j = 0; j < i; ++j)
                            REQUIRE_FALSE(ways[i] == ways[j]);
                        check_plan(s, c, ways[i]);
                        ++plans;
                        shared += ways[i].share > 1 || ways[i].share_last > 0;
                    }
                }
    // The shapes reach the sharing ways too, not only one plane per block.
    CHECK(shared > 0);
    CHECK(plans > shared);
}

}  // namespace

TEST_CASE("compile: matmul plans on tiny cover every row, column block and K block once", "[compiler][matmul-plan]")
{
    check_chip(chip_of("tiny"));
}

TEST_CASE("compile: matmul plans on small cover every row, column block and K block once", "[compiler][matmul-plan]")
{
    check_chip(chip_of("small"));
}

TEST_CASE("compile: matmul plans on tsp-v1 cover every row, column block and K block once", "[compiler][matmul-plan]")
{
    check_chip(chip_of("tsp-v1"));
}

TEST_CASE("compile: matmul plans on variants (2 to 8 planes, fp16 rates) cover everything once",
          "[compiler][matmul-plan]")
{
    for (const std::string config : {"tiny", "small", "tsp-v1"})
        for (unsigned planes : {2u, 6u, 8u})
            for (unsigned fp16 : {1u, 4u}) {
                MatmulChip c = chip_of(config);
                c.planes = planes;
                c.fp16_issue_interval = fp16;
                check_chip(c);
            }
}

TEST_CASE("compile: a matmul plan spreads work as docs/compiler.md describes", "[compiler][matmul-plan]")
{
    const MatmulChip c{4, 16, 4};
    SECTION("as many column blocks as planes: one each, the hemispheres a K block apart")
    {
        const MatmulPlan p = plan_matmul(MatmulShape{40, 48, 64, false}, c);
        REQUIRE(p.rounds.size() == 3);
        for (unsigned q = 0; q < 4; ++q) {
            REQUIRE(p.jobs[q].size() == 1);
            REQUIRE(p.jobs[q][0].nt == q);
            REQUIRE(p.jobs[q][0].kts == std::vector<unsigned>{q / 2, (q / 2 + 1) % 3, (q / 2 + 2) % 3});
        }
        REQUIRE(p.may_share_read(p.rounds[0][0], p.rounds[0][1]));
        REQUIRE_FALSE(p.may_share_read(p.rounds[0][1], p.rounds[0][2]));
    }
    SECTION("one column block, four K blocks: K-split, the last plane finishes")
    {
        const MatmulShape s{100, 64, 16, false};
        const std::vector<MatmulWay> ways = matmul_ways(s, c);
        REQUIRE(ways.size() == 3);
        REQUIRE(ways[1] == MatmulWay{4, 0, false});
        const MatmulPlan p = plan_matmul(s, c, ways[1]);
        for (unsigned q = 0; q < 4; ++q)
            REQUIRE(p.jobs[q][0].kts == std::vector<unsigned>{q});
        REQUIRE(p.jobs[3][0].peers == std::vector<unsigned>{0, 1, 2});
        REQUIRE(p.rounds.size() == 1);
        REQUIRE(p.peer_buffer(0, 7) == 3);  // a peer's last sums alternate buffers 2 and 3 by row
        REQUIRE(p.peer_buffer(0, 8) == 2);
    }
    SECTION("fp16 never splits K blocks, only rows")
    {
        const std::vector<MatmulWay> ways = matmul_ways(MatmulShape{100, 64, 16, true}, c);
        for (const MatmulWay& w : ways)
            REQUIRE((w.share == 1 || w.split_rows));
    }
    SECTION("three column blocks on six planes: K-split two ways, each finisher booked after its peer")
    {
        const MatmulChip six{6, 16, 4};
        const MatmulShape s{64, 64, 48, false};
        const std::vector<MatmulWay> ways = matmul_ways(s, six);
        REQUIRE(ways[1] == MatmulWay{2, 0, false});
        const MatmulPlan p = plan_matmul(s, six, ways[1]);
        REQUIRE(p.jobs[5][0].peers == std::vector<unsigned>{4});
        REQUIRE(p.rounds.size() == 2);
        // Round 1: planes 0 and 2 share K block 1, 3 and 5 (finishers) K block 3, and 4 (K block
        // 1, the other hemisphere) goes alone; plane 5 adds plane 4's sums, so 4 goes first.
        const auto groups = p.read_groups(1, [](const MatmulStep&, const MatmulStep&) { return true; });
        REQUIRE(groups == std::vector<std::vector<size_t>>{{0, 2}, {1}, {4}, {3, 5}});
    }
    SECTION("five column blocks on four planes: the partial last round K-split over all")
    {
        const MatmulShape s{50, 64, 80, false};
        const std::vector<MatmulWay> ways = matmul_ways(s, c);
        REQUIRE(ways.back() == MatmulWay{1, 1, false});
        const MatmulPlan p = plan_matmul(s, c, ways.back());
        REQUIRE(p.jobs[0].size() == 2);
        REQUIRE(p.jobs[3].back().nt == 4);
        REQUIRE(p.jobs[3].back().finisher);
        REQUIRE(p.jobs[3].back().peers == std::vector<unsigned>{0, 1, 2});
    }
}

TEST_CASE("compile: ways of a matmul share the rounds they book alike", "[compiler][matmul-plan]")
{
    const MatmulChip c = chip_of("tsp-v1");  // 4 planes of 320 lanes
    SECTION("13 column blocks, 13 K blocks (the 4096^3 GEMM): three whole rounds of blocks, 39 K steps")
    {
        const MatmulShape s{4096, 4096, 4096, false};
        const std::vector<MatmulWay> ways = matmul_ways(s, c);
        REQUIRE(ways.size() == 2);
        REQUIRE(ways[1] == MatmulWay{1, 1, false});
        const MatmulPlan one = plan_matmul(s, c, ways[0]), split = plan_matmul(s, c, ways[1]);
        REQUIRE(shared_rounds(split, one) == 39);
        REQUIRE(shared_rounds(one, split) == 39);
        REQUIRE(one.rounds.size() == 52);    // plane 0 does block 12 alone
        REQUIRE(split.rounds.size() == 43);  // block 12's 13 K blocks over four planes: 3, 3, 3, 4
        // A plan shares all its rounds with itself; the first round that differs is not shared.
        REQUIRE(shared_rounds(one, one) == one.rounds.size());
        REQUIRE(one.rounds[39].size() != split.rounds[39].size());
    }
    SECTION("ways that split blocks from the start share nothing")
    {
        const MatmulShape s{384, 1024, 640, false};  // 2 column blocks on 4 planes: K-split 2 ways
        const std::vector<MatmulWay> ways = matmul_ways(s, c);
        REQUIRE(ways.size() > 1);
        for (size_t i = 1; i < ways.size(); ++i)
            REQUIRE(shared_rounds(plan_matmul(s, c, ways[0]), plan_matmul(s, c, ways[i])) == 0);
    }
    SECTION("another chip or K shares nothing")
    {
        const MatmulShape s{64, 4096, 4096, false};
        MatmulChip six = c;
        six.planes = 6;
        REQUIRE(shared_rounds(plan_matmul(s, c), plan_matmul(s, six)) == 0);
        REQUIRE(shared_rounds(plan_matmul(s, c), plan_matmul(MatmulShape{64, 2048, 4096, false}, c)) == 0);
    }
}
