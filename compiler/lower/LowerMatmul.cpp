// Matmuls (docs/compiler.md, "Matmul"): the plan (compiler/MatmulPlan.h) says which plane computes
// what in which order; this books it. Per round, every plane's weights are loaded and installed,
// then its rows issued, each ABC with its ACC and the result on to the running sum, the fused
// epilogue or MEM. Planes of a hemisphere on the same K block share each read of A.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

#include <algorithm>
#include <exception>
#include <optional>

namespace lpu::lowering {

struct Lowering::MatmulState {
    ScheduleBuilder::State booked;
    std::vector<PlaneState> planes;
    std::vector<Placement> partials;
    MemAllocator alloc;
    std::map<std::pair<unsigned, unsigned>, MemBlock> zeros;
    uint64_t macs = 0, slots = 0, useful = 0;
};

Lowering::MatmulState Lowering::matmul_state() const
{
    return MatmulState{sb_.snapshot(), planes_, partials_, alloc_, zeros_, macs_, slots_, useful_};
}

Lowering::MatmulState Lowering::take_matmul_state()
{
    return MatmulState{sb_.take(), planes_, partials_, alloc_, zeros_, macs_, slots_, useful_};
}

void Lowering::restore(MatmulState s)
{
    sb_.restore(std::move(s.booked));
    planes_ = std::move(s.planes);
    partials_ = std::move(s.partials);
    alloc_ = std::move(s.alloc);
    zeros_ = std::move(s.zeros);
    macs_ = s.macs;
    slots_ = s.slots;
    useful_ = s.useful;
}

MatmulShape Lowering::matmul_shape(const WorkloadLayer& mm) const
{
    const WorkloadTensor &a = *w_.tensor(mm.inputs[0]), &b = *w_.tensor(mm.inputs[1]);
    return MatmulShape{static_cast<uint64_t>(a.rows), static_cast<uint64_t>(a.cols), static_cast<uint64_t>(b.cols),
                       a.type == TensorType::F16};
}

void Lowering::lower_matmul(const Chain& chain)
{
    const MxmParams& mx = sb_.mxm();
    const MatmulShape shape = matmul_shape(*chain.front());
    const MatmulChip chip{mx.planes, lanes_, mx.fp16_issue_interval};
    std::vector<MatmulPlan> plans;
    for (const MatmulWay& way : matmul_ways(shape, chip))
        plans.push_back(plan_matmul(shape, chip, way));
    if (plans.size() == 1) {
        matmul_with(chain, plans[0], {});
        return;
    }
    // The plans' estimates ignore the running sums' traffic and waits, so every way is booked and
    // the one that ends first is kept (the first of them on a tie): sharing never makes a layer
    // slower than not sharing. The later ways share more and usually end first, so they are
    // booked first; a way is given up once it must end later than the best so far (given_up),
    // and the best one's bookings are kept, not booked again. A way whose leading rounds are the
    // first way's (a partial last round K-split or not) continues from the first way's state
    // after them instead of booking them again (a fifth of the 4096^3 GEMM's bookings); so that
    // those rounds are what it would have booked itself, every way then has the buffers for
    // finishers' sums that any way needs. The state before is copied, not undone: an undo log of
    // a whole layer took more memory than its booking table. A way that fails reports its error
    // once all are booked, the first way's error first, as when they were booked in order.
    sb_.commit();
    const MatmulState before = matmul_state();
    const size_t first = plans.size() - 1;
    std::vector<size_t> shared(plans.size(), 0);
    MatmulPrefixes prefixes;
    for (size_t i = 0; i < first; ++i)
        if ((shared[i] = shared_rounds(plans[first], plans[i])) > 0)
            prefixes[shared[i]];
    MatmulBooking how;
    if (!prefixes.empty()) {
        how.finisher_sums.assign(mx.planes, false);
        for (const MatmulPlan& plan : plans)
            for (unsigned q = 0; q < plan.planes; ++q)
                how.finisher_sums[q] = how.finisher_sums[q] || plan.feeds_finisher(q);
    }
    std::optional<MatmulState> kept;
    uint64_t best_end = ~uint64_t{0};
    std::exception_ptr error;
    for (size_t i = plans.size(); i-- > 0;) {
        how.from = 0;
        how.prefixes = i == first ? &prefixes : nullptr;
        if (i != first) {
            const auto prefix = prefixes.find(shared[i]);
            how.from = prefix != prefixes.end() && prefix->second ? shared[i] : 0;
            restore(how.from ? *prefix->second : before);
        }
        give_up_after_ = best_end;
        bool done = false;
        try {
            done = matmul_with(chain, plans[i], how);
        } catch (const InputError&) {
            error = std::current_exception();
        }
        if (done && sb_.predicted_cycles() <= best_end) {
            best_end = sb_.predicted_cycles();
            kept = take_matmul_state();
        }
    }
    give_up_after_ = ~uint64_t{0};
    if (error)
        std::rethrow_exception(error);
    restore(std::move(*kept));
}

bool Lowering::matmul_with(const Chain& chain, const MatmulPlan& plan, const MatmulBooking& how)
{
    const size_t from = how.from;
    const WorkloadLayer& mm = *chain.front();
    // fp16 operands (docs/isa.md 1.5): f32 sums, one ABC per fp16_issue_interval cycles.
    const bool f16 = plan.shape.f16;
    const MatmulLayer ml{mm,
                         placed(mm.inputs[0], mm),
                         placed(mm.inputs[1], mm),
                         placed(chain.back()->output, *chain.back()),
                         plan,
                         chain_ops(chain, 1, f16 ? TensorType::F32 : TensorType::I32),
                         f16 ? sb_.mxm().fp16_issue_interval : 1};
    if (ml.epilogue.size() + (plan.k_blocks > 1 ? 1 : 0) > 1)
        need_alus(mm, 2, "a matmul with a fused epilogue (or K blocks to sum)");
    if (from == 0)  // else counted in the state restored
        useful_ += plan.shape.m * plan.shape.k * plan.shape.n;
    sum_buffers(ml, how.finisher_sums);
    planes_.resize(plan.planes);
    abcs_left_.assign(plan.planes, 0);
    for (size_t r = from; r < plan.rounds.size(); ++r)
        for (const MatmulStep& s : plan.rounds[r])
            abcs_left_[s.plane] += plan.job(s).m1 - plan.job(s).m0;
    const MatmulPlan::SameSide same_side = sides_of_a(ml);
    for (size_t r = from; r < plan.rounds.size(); ++r) {
        // Weights first for every plane of the round, then the rows, so that planes that share
        // reads of A can start together.
        std::vector<PlaneStep> act;
        for (const MatmulStep& s : plan.rounds[r])
            act.push_back(load_weights(ml, s));
        if (given_up(ml))
            return false;
        for (const std::vector<size_t>& members : plan.read_groups(r, same_side)) {
            std::vector<const PlaneStep*> grp;
            for (size_t i : members)
                grp.push_back(&act[i]);
            const uint32_t stop = book_rows(ml, grp, grp.front()->job->m0);
            if (stop < grp.front()->job->m1)
                for (const PlaneStep* a : grp)
                    book_rows(ml, {a}, stop);
            if (given_up(ml))
                return false;
        }
        if (how.prefixes)
            if (const auto prefix = how.prefixes->find(r + 1); prefix != how.prefixes->end())
                prefix->second = matmul_state();
    }
    return true;
}

bool Lowering::given_up(const MatmulLayer& ml) const
{
    if (sb_.predicted_cycles() > give_up_after_)
        return true;
    for (size_t p = 0; p < abcs_left_.size(); ++p)
        if (abcs_left_[p] && planes_[p].last_abc + abcs_left_[p] * ml.abc_every + 1 > give_up_after_)
            return true;
    return false;
}

void Lowering::sum_buffers(const MatmulLayer& ml, const std::vector<bool>& finisher_sums)
{
    const MatmulPlan& plan = ml.plan;
    if (plan.k_blocks == 1)
        return;
    if (partials_.empty()) {
        static const WorkloadTensor kPartial{};
        Placement part;
        part.t = &kPartial;
        part.planes = 4;  // int32 or f32
        partials_.assign(size_t{plan.planes} * 4, part);
    }
    // Allocated again when a taller matmul comes; buffers 2 and 3 only for planes whose sums a
    // finisher adds.
    const auto M = static_cast<uint32_t>(plan.shape.m);
    for (unsigned q = 0; q < plan.planes; ++q)
        for (unsigned b = 0; b < 4; ++b) {
            Placement& part = sum_buffer(q, b);
            const bool needed = b < 2 || (finisher_sums.empty() ? plan.feeds_finisher(q) : finisher_sums[q]);
            if (needed && part.rows < M) {
                part.rows = M;
                part.blocks = {alloc_.allocate(M, 4, "the running sums of layer '" + ml.mm.name + "'")};
            }
        }
}

Lowering::PlaneStep Lowering::load_weights(const MatmulLayer& ml, const MatmulStep& s)
{
    const unsigned L = lanes_, T = sb_.mxm().install_cycles();
    PlaneStep a;
    a.s = s;
    a.job = &ml.plan.job(s);
    a.kt = ml.plan.kt(s);
    PlaneState& ps = planes_[s.plane];
    const size_t qw = sb_.mxm_queue(s.plane, QueueKind::MXM_W);
    a.qa = sb_.mxm_queue(s.plane, QueueKind::MXM_A);
    a.qc = sb_.mxm_queue(s.plane, QueueKind::MXM_C);
    a.pp = sb_.position(qw);
    // Rows kt*L .. of block nt of B, one LW per cycle; rows past K read a zero word, so the
    // padding lanes of A never matter.
    uint64_t c = ps.lw_floor;
    for (unsigned r = 0; r < L; ++r) {
        const uint32_t k = a.kt * L + r;
        first_fit(c, ml.mm, "a weight load", [&](uint64_t t) {
            if (!sb_.queue_free(qw, t))
                return false;
            StreamId st;
            const bool ok = k < ml.plan.shape.k ? read_row(RowRef{&ml.B, a.job->nt, k}, a.pp, t, st)
                                                : read_zero(a.pp, t, st, ml.B.planes, s.plane);
            if (!ok)
                return false;
            Instr lw;
            lw.op = Opcode::LW;
            lw.a = r;
            lw.b = mxm_type_code(ml.B.t->type);
            lw.streams = {st};
            sb_.place(qw, t, lw);
            return true;
        });
    }
    const uint64_t last_lw = c - 1;
    // Install once the last LW is in, the previous weights' last ABC has issued and the previous
    // install is over (docs/isa.md 1.3).
    uint64_t iw = std::max(last_lw + 1, ps.last_abc);
    if (ps.installed)
        iw = std::max<uint64_t>(iw, ps.last_iw + T);
    while (!sb_.queue_free(qw, iw))
        ++iw;
    Instr install;
    install.op = Opcode::IW;
    sb_.place(qw, iw, install);
    sb_.commit();
    ps.installed = true;
    ps.last_iw = iw;
    ps.lw_floor = iw + T - 1;
    // ... and an f16 ABC's hold on the activation port is over.
    a.ready = std::max<uint64_t>({iw + T, iw + 1, ps.last_abc + ml.abc_every});
    return a;
}

MatmulPlan::SameSide Lowering::sides_of_a(const MatmulLayer& ml) const
{
    // A row of A read once passes the planes one after the other (the MEM slice of A reads one
    // row per cycle, so planes reading it separately would take turns): planes on the same side
    // of A's slice.
    return [this, &ml](const MatmulStep& x, const MatmulStep& y) {
        const unsigned a_pos = sb_.position(sb_.mem_queue(ml.A.blocks[ml.plan.kt(x)].slice));
        const auto side = [&](unsigned plane) {
            return ScheduleBuilder::direction(a_pos, sb_.position(sb_.mxm_queue(plane, QueueKind::MXM_W)));
        };
        return side(x.plane) == side(y.plane);
    };
}

uint32_t Lowering::book_rows(const MatmulLayer& ml, std::vector<const PlaneStep*> grp, uint32_t m_from)
{
    const unsigned a_pos = sb_.position(sb_.mem_queue(ml.A.blocks[grp.front()->kt].slice));
    // Nearest the A slice first: the value reaches it first.
    std::sort(grp.begin(), grp.end(), [&](const PlaneStep* x, const PlaneStep* y) {
        return ScheduleBuilder::hops(a_pos, x->pp) < ScheduleBuilder::hops(a_pos, y->pp);
    });
    const PlaneStep& lead = *grp.front();
    auto offset = [&](const PlaneStep& a) { return ScheduleBuilder::hops(lead.pp, a.pp); };
    uint64_t t = 0;  // the lead plane's ABC
    for (const PlaneStep* a : grp)
        t = std::max<uint64_t>(t, std::max(a->ready, planes_[a->s.plane].last_abc + ml.abc_every) -
                                      std::min<uint64_t>(offset(*a), a->ready));
    const MxmParams& mx = sb_.mxm();
    for (uint32_t m = m_from; m < lead.job->m1; ++m) {
        for (;; ++t) {
            if (hopeless(t, grp.size() > 1 ? kMaxTries / 16 : kMaxTries)) {
                if (grp.size() > 1)
                    return m;
                no_cycle(ml.mm, "row", m);
            }
            if (group_row(ml, grp, m, t, a_pos))
                break;
        }
        sb_.commit();
        for (const PlaneStep* a : grp) {
            planes_[a->s.plane].last_abc = t + offset(*a);
            --abcs_left_[a->s.plane];
            macs_ += uint64_t{mx.rows} * mx.cols;
            slots_ += uint64_t{mx.rows} * mx.cols * ml.abc_every;
        }
        t += ml.abc_every;
    }
    return lead.job->m1;
}

bool Lowering::group_row(const MatmulLayer& ml, const std::vector<const PlaneStep*>& grp, uint32_t m, uint64_t t,
                         unsigned a_pos)
{
    const PlaneStep& lead = *grp.front();
    const size_t mark = sb_.mark();
    sb_.begin_trial();
    StreamId sa;
    bool ok = matmul_row(ml, lead, m, t, nullptr, sa);
    SharedRead read{sa, a_pos, t - ScheduleBuilder::hops(a_pos, lead.pp), lead.pp, ml.A.planes};
    for (size_t i = 1; i < grp.size() && ok; ++i) {
        StreamId same;
        ok = matmul_row(ml, *grp[i], m, timing::arrives(t, lead.pp, grp[i]->pp), &read, same);
        if (ok)
            read.reach(grp[i]->pp);
    }
    if (!ok)
        sb_.rollback(mark);
    sb_.end_trial();
    return ok;
}

bool Lowering::matmul_row(const MatmulLayer& ml, const PlaneStep& a, uint32_t m, uint64_t at, const SharedRead* with,
                          StreamId& sa)
{
    const MxmParams& mx = sb_.mxm();
    const uint64_t acc = timing::acc_for_abc(mx, at), first = timing::result_drives(mx, acc);
    if (!sb_.queue_free(a.qa, at) || !sb_.queue_free(a.qc, acc))
        return false;
    const size_t mark = sb_.mark();
    StreamId so;
    bool ok = true;
    if (with) {
        ok = extend_read(*with, a.pp);
        sa = with->group;
    } else {
        ok = read_row(RowRef{&ml.A, a.kt, m}, a.pp, at, sa);
    }
    if (!ok || !matmul_result(ml, a, m, first, so)) {
        sb_.rollback(mark);
        return false;
    }
    Instr in;
    in.op = Opcode::ABC;
    in.b = mxm_type_code(ml.A.t->type);
    in.streams = {sa};
    sb_.place(a.qa, at, in);
    Instr ac;
    ac.op = Opcode::ACC;
    ac.a = 0;
    ac.b = 0;
    ac.c = 1;
    ac.streams = {so};
    sb_.place(a.qc, acc, ac);
    return true;
}

bool Lowering::matmul_result(const MatmulLayer& ml, const PlaneStep& a, uint32_t m, uint64_t first, StreamId& so)
{
    const MatmulPlan& plan = ml.plan;
    std::vector<ChainOp> ops;
    auto add_sum = [&](const Placement& sum_of) {
        ChainOp sum;
        sum.alu = VxmAluOp::make_binary(VxmBinaryOp::Add, plan.shape.f16 ? VxmType::F32 : VxmType::I32);
        sum.other = &sum_of;
        sum.block0 = true;
        ops.push_back(sum);
    };
    if (a.s.step > 0)
        add_sum(sum_buffer(a.s.plane, MatmulPlan::sum_buffer(*a.job, a.s.step - 1, m)));
    const bool done = plan.done(a.s);
    if (done) {
        for (unsigned q : a.job->peers)
            add_sum(sum_buffer(q, plan.peer_buffer(q, m)));
        ops.insert(ops.end(), ml.epilogue.begin(), ml.epilogue.end());
    }
    const RowRef dst = done ? RowRef{&ml.out, a.job->nt, m}
                            : RowRef{&sum_buffer(a.s.plane, MatmulPlan::sum_buffer(*a.job, a.s.step, m)), 0, m};
    if (ops.empty())
        return write_row(dst, a.pp, first, so);
    // The sums (int32 or f32: four byte streams) meet their other operands at the VXM.
    const unsigned vp = sb_.vxm_position();
    const auto group = sb_.find_streams(4, a.pp, vp, first);
    if (!group)
        return false;
    so = *group;
    for (unsigned k = 0; k < 4; ++k)
        sb_.book_stream(StreamId{so.dir, so.index + k}, a.pp, vp, first);
    return vxm_chain(so, nullptr, timing::arrives(first, a.pp, vp), ops, m, a.job->nt, dst);
}

}  // namespace lpu::lowering
