// The MXM plane model against an independent reference: a declarative reading of docs/isa.md
// (for each emitted result: find its ABC, the IW before it, the last LW of each row before
// that IW, and multiply in plain 64-bit arithmetic), plus directed timing and rule checks.
#include "models/common/Error.h"
#include "models/mxm/MxmCore.h"
#include "models/mxm/ProductWorker.h"
#include "tb/mxm/MxmStimulus.h"

#include "MxmTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace lpu;

namespace {

MxmParams params(unsigned superlanes, unsigned q = 16, unsigned a = 1, unsigned r = 1, unsigned slots = 4)
{
    return test::mxm_params(superlanes, q, a, r, slots, 4);
}

// docs/isa.md section 1, read declaratively.
std::vector<MxmResult> reference(const MxmParams& p, const std::vector<MxmOp>& ops)
{
    auto value = [](uint8_t b, MxmType type) { return type == MxmType::I8 ? int64_t(int8_t(b)) : int64_t(b); };
    std::vector<MxmResult> out;
    std::vector<uint32_t> acc(size_t{p.acc_slots} * p.cols, 0);
    for (const MxmOp& op : ops) {
        if (op.instr.op != MxmOpcode::ACC)
            continue;
        const uint64_t c = op.cycle;
        const MxmOp* abc = nullptr;
        for (const MxmOp& o : ops)
            if (o.instr.op == MxmOpcode::ABC && o.cycle + p.array_latency == c)
                abc = &o;
        REQUIRE(abc);
        const MxmOp* iw = nullptr;  // the last IW strictly before the ABC
        for (const MxmOp& o : ops)
            if (o.instr.op == MxmOpcode::IW && o.cycle < abc->cycle)
                iw = &o;
        std::vector<int64_t> w(size_t{p.rows} * p.cols, 0);
        if (iw) {
            for (const MxmOp& o : ops)  // in issue order: the last LW of each row wins
                if (o.instr.op == MxmOpcode::LW && o.cycle < iw->cycle)
                    for (unsigned n = 0; n < p.cols; ++n)
                        w[size_t{o.instr.row} * p.cols + n] = value(o.data[n], o.instr.type);
        }
        for (unsigned n = 0; n < p.cols; ++n) {
            int64_t sum = 0;
            for (unsigned k = 0; k < p.rows; ++k)
                sum += value(abc->data[k], abc->instr.type) * w[size_t{k} * p.cols + n];
            uint32_t& a = acc[size_t{op.instr.slot} * p.cols + n];
            a = (op.instr.add ? a : 0u) + static_cast<uint32_t>(sum);
        }
        if (!op.instr.emit)
            continue;
        MxmResult r;
        r.acc_id = op.instr.id;
        r.first_cycle = c + p.superlanes + p.acc_latency;
        r.slot = op.instr.slot;
        for (unsigned n = 0; n < p.cols; ++n)
            r.values.push_back(static_cast<int32_t>(acc[size_t{op.instr.slot} * p.cols + n]));
        out.push_back(r);
    }
    return out;
}

std::vector<MxmOp> program(const MxmParams& p, const std::string& kind, uint64_t seed, uint64_t n)
{
    MxmStimulus stim(p, kind, seed, n);
    std::vector<MxmOp> ops;
    while (stim.next_cycle(ops)) {
    }
    return ops;
}

std::vector<MxmResult> run(const MxmParams& p, const std::vector<MxmOp>& ops, MxmCore* keep = nullptr)
{
    return test::run_ops(p, ops, keep);
}

MxmOp op(uint64_t cycle, MxmOpcode code, std::vector<uint8_t> data = {}, uint32_t row_or_slot = 0, bool add = false,
         bool emit = true)
{
    static uint64_t id = 0;
    MxmOp o;
    o.cycle = cycle;
    o.instr.op = code;
    o.instr.id = id++;
    o.instr.row = o.instr.slot = row_or_slot;
    o.instr.add = add;
    o.instr.emit = emit;
    o.data = std::move(data);
    return o;
}

void compare(const std::vector<MxmResult>& got, const std::vector<MxmResult>& want)
{
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        INFO("result " << i << " of ACC #" << want[i].acc_id);
        CHECK(got[i].acc_id == want[i].acc_id);
        CHECK(got[i].first_cycle == want[i].first_cycle);
        CHECK(got[i].slot == want[i].slot);
        CHECK(got[i].values == want[i].values);
    }
}

// Issues `ops` on `core`, offering before every integer ABC the activations of the next
// cycles' ABCs (MxmCore::lookahead) as the chip's MXM executor does from its streams: the true
// ones (`wrong` false; a cycle without an integer ABC ends the offer), or each with one byte
// changed (`wrong` true), which no later ABC may take.
std::vector<MxmResult> run_with_lookahead(const std::vector<MxmOp>& ops, MxmCore& core, bool wrong)
{
    std::map<uint64_t, std::vector<uint8_t>> abc_data;
    for (const MxmOp& o : ops)
        if (o.instr.op == MxmOpcode::ABC && o.instr.type != MxmType::F16)
            abc_data[o.cycle] = o.data;
    std::vector<MxmResult> out;
    MxmResult r;
    for (const MxmOp& o : ops) {
        if (o.instr.op == MxmOpcode::ABC && o.instr.type != MxmType::F16 && core.wants_lookahead(o.cycle)) {
            std::vector<std::vector<uint8_t>> guesses;
            for (uint64_t c = o.cycle + 1; guesses.size() + 1 < MxmPackedWeights::kMaxBatch; ++c) {
                const auto it = abc_data.find(c);
                if (it == abc_data.end())
                    break;
                guesses.push_back(it->second);
                if (wrong)
                    guesses.back()[c % guesses.back().size()] ^= 1;
            }
            std::vector<const uint8_t*> ptrs;
            for (const auto& g : guesses)
                ptrs.push_back(g.data());
            core.lookahead(o.cycle, ptrs.data(), static_cast<unsigned>(ptrs.size()));
            // The array of pointers is the caller's to reuse at once (the executor's is on its
            // stack); only the activations must stay until the issue.
            std::fill(ptrs.begin(), ptrs.end(), nullptr);
            if (core.issue(o.instr, o.cycle, o.data.data(), o.data.size(), r))
                out.push_back(r);
            continue;
        }
        if (core.issue(o.instr, o.cycle, o.data.data(), o.data.size(), r))
            out.push_back(r);
    }
    return out;
}

}  // namespace

TEST_CASE("MXM model equals the reference on random legal programs", "[mxm][model]")
{
    struct Case {
        MxmParams p;
        const char* what;
    };
    const Case cases[] = {
        {params(1), "tiny"},
        {params(2, 8), "S=2, install 8 rows/cycle"},
        {params(4), "small"},
        {params(4, 16, 3, 2, 16), "small, A=3 R=2, 16 slots"},
        {params(3, 48, 2, 1, 2), "S=3, whole array in one install cycle"},
    };
    for (const Case& c : cases) {
        for (const auto& kind : MxmStimulus::kinds()) {
            for (uint64_t seed = 1; seed <= 3; ++seed) {
                INFO(c.what << ", stimulus " << kind.first << ", seed " << seed);
                const auto ops = program(c.p, kind.first, seed, 1500);
                const auto want = reference(c.p, ops);
                CHECK(want.size() > 20);  // the program really produces results
                // Every product kernel this CPU runs (models/mxm/MxmGemv.h) gives the same bits.
                for (MxmKernel k : {MxmKernel::Baseline, MxmKernel::Avx2, MxmKernel::Avx512, MxmKernel::Avx512Vnni}) {
                    if (!mxm_kernel_supported(k))
                        continue;
                    INFO("kernel " << mxm_kernel_name(k));
                    MxmCore core(c.p);
                    core.set_kernel(k);
                    compare(run(c.p, ops, &core), want);
                }
                // The products computed on a thread of their own (lpusim run --threads 2): every
                // stimulus installs new weights while products of the old ones are in flight,
                // and some products are dropped, their buffers reused.
                ProductWorker worker;
                MxmCore core(c.p);
                core.set_worker(&worker);
                compare(run(c.p, ops, &core), want);
                // Products made ahead in batches from offered activations: taken when the guess
                // was right, never when it was wrong (one byte off), the results the same.
                for (bool wrong : {false, true})
                    for (ProductWorker* on : {static_cast<ProductWorker*>(nullptr), &worker}) {
                        INFO((wrong ? "wrong" : "right") << " guesses offered, " << (on ? "a worker" : "no worker"));
                        MxmCore ahead(c.p);
                        ahead.set_worker(on);  // it takes the products no batch made
                        compare(run_with_lookahead(ops, ahead, wrong), want);
                        const MxmCore::BatchStats& b = ahead.batch_stats();
                        CHECK(b.taken <= b.made);
                        if (wrong)
                            CHECK(b.taken == 0);
                        else if (kind.first == "dense")  // an ABC every cycle: many guesses are right
                            CHECK(b.taken * 4 > ahead.stats().instrs[static_cast<unsigned>(MxmOpcode::ABC)]);
                    }
            }
        }
    }
}

TEST_CASE("random programs exercise weights, signedness and accumulation", "[mxm][model]")
{
    const MxmParams p = params(2);
    const auto ops = program(p, "random", 7, 4000);
    MxmCore core(p);
    const auto results = run(p, ops, &core);
    size_t nonzero = 0, negative = 0;
    for (const auto& r : results)
        for (int32_t v : r.values) {
            nonzero += v != 0;
            negative += v < 0;
        }
    CHECK(nonzero > results.size());
    CHECK(negative > 0);
    for (unsigned ch = 0; ch < kMxmChannels; ++ch)
        CHECK(core.stats().instrs[ch] > 10);
    CHECK(core.stats().dropped_products > 0);
    CHECK(core.stats().macs == core.stats().instrs[2] * p.rows * p.cols);
}

TEST_CASE("results arrive S + R cycles after their ACC", "[mxm][timing]")
{
    for (unsigned s : {1u, 4u, 20u}) {
        for (unsigned r : {1u, 3u}) {
            const MxmParams p = params(s, 16, 2, r);
            MxmCore core(p);
            MxmResult res;
            std::vector<uint8_t> act(p.rows, 1);
            REQUIRE_FALSE(core.issue(op(5, MxmOpcode::ABC, act).instr, 5, act.data(), act.size(), res));
            const MxmOp acc = op(7, MxmOpcode::ACC, {}, 0, false, true);
            REQUIRE(core.issue(acc.instr, 7, nullptr, 0, res));
            CHECK(res.first_cycle == 7 + s + r);
            CHECK(res.acc_cycle == 7);
        }
    }
}

TEST_CASE("IW at c is seen by ABCs after c, from c + T_iw, LWs before c are installed", "[mxm][timing]")
{
    for (unsigned s : {1u, 4u}) {
        const MxmParams p = params(s);
        const unsigned t_iw = p.install_cycles();
        REQUIRE(t_iw == s);
        std::vector<MxmOp> ops;
        // Identity weights, loaded on cycles 0..K-1, installed at cycle K.
        for (unsigned r = 0; r < p.rows; ++r) {
            std::vector<uint8_t> row(p.cols, 0);
            row[r] = 1;
            ops.push_back(op(r, MxmOpcode::LW, row, r));
            ops.back().instr.type = MxmType::I8;
        }
        const uint64_t c_iw = p.rows;
        ops.push_back(op(c_iw, MxmOpcode::IW));
        std::vector<uint8_t> act(p.rows);
        for (unsigned k = 0; k < p.rows; ++k)
            act[k] = static_cast<uint8_t>(k + 1);
        ops.push_back(op(c_iw, MxmOpcode::ABC, act));  // same cycle as IW: old (zero) weights
        ops.push_back(op(c_iw + 1, MxmOpcode::ACC, {}, 0));
        ops.push_back(op(c_iw + t_iw, MxmOpcode::ABC, act));  // first legal cycle after: new weights
        ops.push_back(op(c_iw + t_iw + 1, MxmOpcode::ACC, {}, 1));
        const auto res = run(p, ops);
        REQUIRE(res.size() == 2);
        CHECK(std::all_of(res[0].values.begin(), res[0].values.end(), [](int32_t v) { return v == 0; }));
        for (unsigned n = 0; n < p.cols; ++n)
            CHECK(res[1].values[n] == static_cast<int32_t>(n + 1));
        compare(res, reference(p, ops));
    }
}

TEST_CASE("an LW in the IW's own cycle goes to the next install, in either order", "[mxm][timing]")
{
    const MxmParams p = params(1);  // T_iw = 1: LW at c_iw is legal
    std::vector<uint8_t> ones(p.cols, 1), act(p.rows, 1);
    for (bool lw_first : {true, false}) {
        std::vector<MxmOp> ops;
        ops.push_back(op(0, MxmOpcode::LW, ones, 0));
        MxmOp lw = op(1, MxmOpcode::LW, ones, 1);
        MxmOp iw = op(1, MxmOpcode::IW);
        ops.push_back(lw_first ? lw : iw);
        ops.push_back(lw_first ? iw : lw);
        ops.push_back(op(2, MxmOpcode::ABC, act));
        ops.push_back(op(3, MxmOpcode::ACC, {}, 0));
        const auto res = run(p, ops);
        REQUIRE(res.size() == 1);
        CHECK(res[0].values == std::vector<int32_t>(p.cols, 1));  // row 0 only: 1 * 1
    }
}

TEST_CASE("int8, uint8 and the accumulator's wrap-around", "[mxm][arith]")
{
    const MxmParams p = params(20);  // K = 320: -128 * -128 * 320 = 5,242,880
    std::vector<MxmOp> ops;
    uint64_t c = 0;
    for (unsigned r = 0; r < p.rows; ++r)
        ops.push_back(op(c++, MxmOpcode::LW, std::vector<uint8_t>(p.cols, 0x80), r));
    ops.push_back(op(c, MxmOpcode::IW));
    c += p.install_cycles();
    const std::vector<uint8_t> minneg(p.rows, 0x80);
    const unsigned adds = 500;  // 500 * 5,242,880 > 2^31: wraps
    for (unsigned i = 0; i < adds; ++i) {
        ops.push_back(op(c + i, MxmOpcode::ABC, minneg));
        ops.push_back(op(c + i + 1, MxmOpcode::ACC, {}, 0, i > 0, i + 1 == adds));
    }
    // Sort by cycle: ABC of i+1 and ACC of i share a cycle.
    std::stable_sort(ops.begin(), ops.end(), [](const MxmOp& a, const MxmOp& b) { return a.cycle < b.cycle; });
    const auto res = run(p, ops);
    REQUIRE(res.size() == 1);
    const uint32_t expect = static_cast<uint32_t>(uint64_t{adds} * 128 * 128 * 320);
    CHECK(res[0].values[0] == static_cast<int32_t>(expect));
    CHECK(res[0].values[0] < 0);  // wrapped past 2^31

    // uint8 255 x uint8 255 and uint8 255 x int8 -128.
    const MxmParams q = params(1);
    std::vector<MxmOp> ops2;
    for (unsigned r = 0; r < q.rows; ++r) {
        ops2.push_back(op(r, MxmOpcode::LW, std::vector<uint8_t>(q.cols, 0xFF), r));
        ops2.back().instr.type = MxmType::U8;
    }
    ops2.push_back(op(16, MxmOpcode::IW));
    ops2.push_back(op(17, MxmOpcode::ABC, std::vector<uint8_t>(q.rows, 0xFF)));
    ops2.back().instr.type = MxmType::U8;
    ops2.push_back(op(18, MxmOpcode::ACC, {}, 0));
    ops2.push_back(op(18, MxmOpcode::ABC, std::vector<uint8_t>(q.rows, 0x80)));
    ops2.back().instr.type = MxmType::I8;
    ops2.push_back(op(19, MxmOpcode::ACC, {}, 1));
    const auto res2 = run(q, ops2);
    REQUIRE(res2.size() == 2);
    CHECK(res2[0].values[3] == 255 * 255 * 16);
    CHECK(res2[1].values[3] == -128 * 255 * 16);
}

TEST_CASE("instruction order within a cycle does not matter", "[mxm][model]")
{
    const MxmParams p = params(4, 16, 2, 1);
    auto ops = program(p, "weight-swap", 3, 2000);
    const auto want = reference(p, ops);
    // Reverse each cycle's group.
    for (size_t i = 0; i < ops.size();) {
        size_t j = i;
        while (j < ops.size() && ops[j].cycle == ops[i].cycle)
            ++j;
        std::reverse(ops.begin() + i, ops.begin() + j);
        i = j;
    }
    compare(run(p, ops), want);
}

TEST_CASE("schedule errors name the cycle, the instruction and the rule", "[mxm][rules]")
{
    const MxmParams p = params(4);  // T_iw = 4
    std::vector<uint8_t> w(p.cols, 1), a(p.rows, 1);
    auto expect_error = [&](std::vector<MxmOp> ops, const std::string& text) {
        MxmCore core(p);
        MxmResult r;
        try {
            for (const MxmOp& o : ops)
                core.issue(o.instr, o.cycle, o.data.data(), o.data.size(), r);
        } catch (const ScheduleError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(text) != std::string::npos);
            return;
        }
        FAIL("no schedule error; expected: " << text);
    };
    SECTION("torn weights: ABC while IW installs")
    {
        expect_error({op(0, MxmOpcode::IW), op(2, MxmOpcode::ABC, a)}, "schedule error at cycle 2 in MXM: 'ABC i8'");
        expect_error({op(0, MxmOpcode::IW), op(3, MxmOpcode::ABC, a)}, "torn weights");
    }
    SECTION("shadow busy: LW while IW copies")
    {
        expect_error({op(10, MxmOpcode::IW), op(10, MxmOpcode::LW, w)}, "still copying the shadow buffer");
        expect_error({op(10, MxmOpcode::IW), op(12, MxmOpcode::LW, w)}, "allowed from cycle 13");
        expect_error({op(10, MxmOpcode::LW, w), op(10, MxmOpcode::IW)}, "installed only partly");
    }
    SECTION("install busy: IW while IW installs")
    {
        expect_error({op(0, MxmOpcode::IW), op(3, MxmOpcode::IW)}, "still installing (takes 4 cycles)");
    }
    SECTION("no product: ACC without an ABC A cycles before")
    {
        expect_error({op(0, MxmOpcode::ABC, a), op(2, MxmOpcode::ACC)}, "needs an ABC issued at cycle 1");
        expect_error({op(0, MxmOpcode::ACC)}, "no product to take");
    }
    SECTION("one instruction per channel per cycle")
    {
        expect_error({op(1, MxmOpcode::ABC, a), op(1, MxmOpcode::ABC, a)}, "a second ABC in one cycle");
    }
    SECTION("issue cycles never decrease")
    {
        expect_error({op(5, MxmOpcode::ABC, a), op(4, MxmOpcode::LW, w)}, "issue cycles must not decrease");
    }
}

TEST_CASE("legal neighbours of every rule are accepted", "[mxm][rules]")
{
    const MxmParams p = params(4);
    std::vector<uint8_t> w(p.cols, 1), a(p.rows, 1);
    const std::vector<MxmOp> ops = {op(0, MxmOpcode::LW, w),  op(1, MxmOpcode::IW),    op(1, MxmOpcode::ABC, a),
                                    op(2, MxmOpcode::ACC),    op(4, MxmOpcode::LW, w), op(5, MxmOpcode::IW),
                                    op(5, MxmOpcode::ABC, a), op(6, MxmOpcode::ACC),   op(9, MxmOpcode::ABC, a),
                                    op(10, MxmOpcode::ACC)};
    CHECK_NOTHROW(run(p, ops));
    compare(run(p, ops), reference(p, ops));
}

TEST_CASE("bad operands are input errors", "[mxm][rules]")
{
    const MxmParams p = params(1);
    MxmCore core(p);
    MxmResult r;
    std::vector<uint8_t> short_vec(p.cols - 1, 0), w(p.cols, 0);
    CHECK_THROWS_AS(core.issue(op(0, MxmOpcode::LW, w, 16).instr, 0, w.data(), w.size(), r), InputError);
    CHECK_THROWS_AS(core.issue(op(1, MxmOpcode::LW, short_vec).instr, 1, short_vec.data(), short_vec.size(), r),
                    InputError);
    CHECK_THROWS_AS(core.issue(op(2, MxmOpcode::ABC, short_vec).instr, 2, short_vec.data(), short_vec.size(), r),
                    InputError);
    std::vector<uint8_t> a(p.rows, 0);
    core.issue(op(3, MxmOpcode::ABC, a).instr, 3, a.data(), a.size(), r);
    CHECK_THROWS_AS(core.issue(op(4, MxmOpcode::ACC, {}, 4).instr, 4, nullptr, 0, r), InputError);
}

TEST_CASE("every superlane count from 1 to 20 behaves like the full chip", "[mxm][model]")
{
    for (unsigned s = 1; s <= 20; ++s) {
        INFO("superlanes " << s);
        const MxmParams p = params(s, 16, 1 + s % 3, 1 + s % 2, 4);
        for (const char* kind : {"dense", "random"}) {
            const auto ops = program(p, kind, s, 400);
            const auto want = reference(p, ops);
            CHECK(!want.empty());
            compare(run(p, ops), want);
        }
    }
}
