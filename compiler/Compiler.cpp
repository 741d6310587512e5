#include "compiler/Lowering.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace lpu::lowering {

Placement& Lowering::place_tensor(const WorkloadTensor& t)
{
    Placement& p = placed_[t.name];
    p.t = &t;
    p.rows = static_cast<uint32_t>(t.rows);
    p.planes = tensor_type_bytes(t.type);
    for (unsigned j = 0; j < blocks_of(t.cols); ++j)
        p.blocks.push_back(alloc_.allocate(p.rows, p.planes, t.pos.text() + ": tensor '" + t.name + "'"));
    return p;
}

const Placement& Lowering::placed(const std::string& name, const WorkloadLayer& l) const
{
    const auto it = placed_.find(name);
    if (it == placed_.end())
        layer_error(l, "tensor '" + name + "' is not in MEM (internal: fused away)");
    return it->second;
}

std::optional<StreamId> Lowering::free_group(const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                                             const std::vector<uint64_t>& drive) const
{
    const StreamDir dir = ScheduleBuilder::direction(from[0], to[0]);
    const unsigned count = dir == StreamDir::East ? sb_.streams().east : sb_.streams().west;
    const auto n = static_cast<unsigned>(from.size());
    for (unsigned first = 0; first + n <= count; ++first) {
        bool ok = true;
        for (unsigned k = 0; k < n && ok; ++k)
            ok = sb_.stream_free(StreamId{dir, first + k}, from[k], to[k], drive[k]);
        if (ok)
            return StreamId{dir, first};
    }
    return std::nullopt;
}

void Lowering::book_planes(Opcode op, const MemBlock& b, uint32_t word, StreamId group,
                           const std::vector<uint64_t>& issue, const std::vector<unsigned>& from,
                           const std::vector<unsigned>& to, const std::vector<uint64_t>& drive)
{
    for (size_t k = 0; k < issue.size(); ++k) {
        const auto slice = static_cast<unsigned>(b.slice + k);
        const StreamId s{group.dir, group.index + static_cast<unsigned>(k)};
        Instr in;
        in.op = op;
        in.a = word;
        in.streams = {s};
        sb_.place(sb_.mem_queue(slice), issue[k], in);
        if (op == Opcode::Read)
            sb_.book_mem_read(slice, word, issue[k]);
        else
            sb_.book_mem_write(slice, word, issue[k]);
        sb_.book_stream(s, from[k], to[k], drive[k]);
    }
}

bool Lowering::read_row(const RowRef& r, unsigned to, uint64_t at, StreamId& group)
{
    const unsigned RL = sb_.mem().read_latency;
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    std::vector<uint64_t> issue(r.p->planes);
    std::vector<unsigned> pos(r.p->planes);
    for (unsigned k = 0; k < r.p->planes; ++k) {
        const size_t q = sb_.mem_queue(b.slice + k);
        pos[k] = sb_.position(q);
        const uint64_t before = uint64_t{RL} + ScheduleBuilder::hops(pos[k], to);
        if (at < before)
            return false;
        issue[k] = at - before;
        if (!sb_.can_read(b.slice + k, word, issue[k]))
            return false;
    }
    std::vector<unsigned> tos(r.p->planes, to);
    std::vector<uint64_t> drives(r.p->planes);
    for (unsigned k = 0; k < r.p->planes; ++k)
        drives[k] = issue[k] + RL;
    const auto g = free_group(pos, tos, drives);
    if (!g)
        return false;
    group = *g;
    book_planes(Opcode::Read, b, word, group, issue, pos, tos, drives);
    return true;
}

bool Lowering::write_row(const RowRef& r, unsigned from, uint64_t drive, StreamId& group)
{
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    std::vector<uint64_t> at(r.p->planes);
    std::vector<unsigned> pos(r.p->planes);
    for (unsigned k = 0; k < r.p->planes; ++k) {
        const size_t q = sb_.mem_queue(b.slice + k);
        pos[k] = sb_.position(q);
        at[k] = drive + ScheduleBuilder::hops(from, pos[k]);
        if (!sb_.can_write(b.slice + k, word, at[k]))
            return false;
    }
    const std::vector<unsigned> froms(r.p->planes, from);
    const std::vector<uint64_t> drives(r.p->planes, drive);
    const auto g = free_group(froms, pos, drives);
    if (!g)
        return false;
    group = *g;
    book_planes(Opcode::Write, b, word, group, at, froms, pos, drives);
    return true;
}

Placement Lowering::zero_row(unsigned planes, unsigned copy)
{
    auto it = zeros_.find({planes, copy});
    if (it == zeros_.end()) {
        // Copies in different slices, so that readers of different copies never queue for one.
        std::vector<unsigned> avoid;
        for (const auto& [key, block] : zeros_)
            for (unsigned k = 0; k < key.first; ++k)
                avoid.push_back(block.slice + k);
        it = zeros_.emplace(std::make_pair(planes, copy), alloc_.allocate(1, planes, "a zero row", avoid)).first;
    }
    static const WorkloadTensor kZero{};
    Placement p;
    p.t = &kZero;
    p.rows = 1;
    p.planes = planes;
    p.blocks = {it->second};
    return p;
}

bool Lowering::read_zero(unsigned to, uint64_t at, StreamId& stream, unsigned planes, unsigned copy)
{
    const Placement zero = zero_row(planes, copy);
    return read_row(RowRef{&zero, 0, 0}, to, at, stream);
}

bool Lowering::chain_step(const ChainOp& op, uint64_t t, const std::optional<StreamId>& x, int prev, unsigned block,
                          uint32_t row, const RowRef* dst, StepOut& out)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    Instr in;
    in.op = Opcode::Vxm;
    in.alu = op.alu;
    if (x)
        in.streams.push_back(*x);
    else
        in.chain_src[0] = static_cast<int8_t>(prev);
    if (op.square) {
        if (x)
            in.streams.push_back(*x);
        else
            in.chain_src[1] = in.chain_src[0];
    } else if (op.other) {
        StreamId g;
        if (!read_row(RowRef{op.other, op.block_of(block), op.broadcast ? 0 : row}, vp, t, g))
            return false;
        in.streams.push_back(g);
    }
    if (dst) {
        if (!write_row(*dst, vp, t + V, out.group))
            return false;
        in.streams.push_back(out.group);
    } else {
        in.chain_out = true;
    }
    out.alu = place_vxm(t, in, prev);
    return out.alu >= 0;
}

bool Lowering::vxm_chain(std::optional<StreamId> x, const RowRef* x_row, uint64_t c0, const std::vector<ChainOp>& ops,
                         uint32_t row, unsigned block, const RowRef& dst)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    StepOut step;
    for (size_t i = 0; i < ops.size(); ++i) {
        const uint64_t t = c0 + i * V;
        std::optional<StreamId> first;
        if (i == 0) {
            StreamId g;
            if (x)
                g = *x;
            else if (!read_row(*x_row, vp, t, g))
                return false;
            first = g;
        }
        if (!chain_step(ops[i], t, first, step.alu, block, row, i + 1 == ops.size() ? &dst : nullptr, step))
            return false;
    }
    return true;
}

std::vector<ChainOp> Lowering::chain_ops(const Chain& chain, size_t from, TensorType type)
{
    std::vector<ChainOp> ops;
    for (size_t i = from; i < chain.size(); ++i) {
        const WorkloadLayer& l = *chain[i];
        ChainOp op;
        switch (l.op) {
        case LayerOp::Add:
        case LayerOp::Sub:
        case LayerOp::Mul:
        case LayerOp::Max:
        case LayerOp::Min: {
            static const std::map<LayerOp, VxmBinaryOp> kBinary{{LayerOp::Add, VxmBinaryOp::Add},
                                                               {LayerOp::Sub, VxmBinaryOp::Sub},
                                                               {LayerOp::Mul, VxmBinaryOp::Mul},
                                                               {LayerOp::Max, VxmBinaryOp::Max},
                                                               {LayerOp::Min, VxmBinaryOp::Min}};
            op.alu = VxmAluOp::make_binary(kBinary.at(l.op), vxm_type(type, l));
            if (l.inputs.at(1) == l.inputs.at(0)) {
                op.square = true;  // x op x: one read feeds both operands
                break;
            }
            op.other = &placed(l.inputs.at(1), l);
            const WorkloadTensor& a = *w_.tensor(l.inputs.at(0));
            op.broadcast = op.other->t->rows == 1 && a.rows > 1;
            break;
        }
        case LayerOp::Relu: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Relu, vxm_type(type, l)); break;
        case LayerOp::Tanh: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Tanh, vxm_type(type, l)); break;
        case LayerOp::Exp: op.alu = VxmAluOp::make_unary(VxmUnaryOp::Exp, vxm_type(type, l)); break;
        case LayerOp::Requant: {
            VxmRequant rq = l.requant;
            rq.out_unsigned = l.to == TensorType::U8;
            op.alu = VxmAluOp::make_requant(rq);
            break;
        }
        case LayerOp::Convert: op.alu = VxmAluOp::make_convert(vxm_type(type, l), vxm_type(l.to, l)); break;
        case LayerOp::Gelu: {
            // 0.5 x (1 + tanh(c2 (x + c1 x^3))) as nine f32 operations in this order
            // (docs/workload.md); x itself is re-read from MEM where the formula needs it again.
            if (i != 0)
                layer_error(l, "internal: gelu must start its chain");
            const Placement* x = &placed(l.inputs[0], l);
            auto cst = [&](float v) { return &constant(TensorType::F32, f32_bits(v)); };
            const std::vector<ChainOp> g{square(),
                                         binary(VxmBinaryOp::Mul, x, false),
                                         binary(VxmBinaryOp::Mul, cst(0.044715f), true),
                                         binary(VxmBinaryOp::Add, x, false),
                                         binary(VxmBinaryOp::Mul, cst(0.7978845608f), true),
                                         unary(VxmUnaryOp::Tanh),
                                         binary(VxmBinaryOp::Add, cst(1.0f), true),
                                         binary(VxmBinaryOp::Mul, x, false),
                                         binary(VxmBinaryOp::Mul, cst(0.5f), true)};
            ops.insert(ops.end(), g.begin(), g.end());
            type = TensorType::F32;
            continue;
        }
        default: layer_error(l, "not supported by the compiler yet (see docs/compiler.md)");
        }
        try {
            op.alu.validate();
        } catch (const InputError& e) {
            layer_error(l, e.what());
        }
        type = w_.tensor(l.output)->type;
        ops.push_back(op);
    }
    return ops;
}

void Lowering::lower_matmul(const Chain& chain)
{
    const WorkloadLayer& mm = *chain.front();
    const MxmParams& mx = sb_.mxm();
    const auto M = static_cast<uint64_t>(w_.tensor(mm.inputs[0])->rows);
    const unsigned KT = blocks_of(w_.tensor(mm.inputs[0])->cols), NT = blocks_of(w_.tensor(mm.inputs[1])->cols);
    // fp16 sums round: their K blocks are added in order, never split between planes.
    const bool f16 = w_.tensor(mm.inputs[0])->type == TensorType::F16;
    const uint64_t abc_every = f16 ? mx.fp16_issue_interval : 1;  // cycles per ABC and plane
    // How many planes share a column block when there are fewer blocks than planes: each loads
    // its own weights, one row per cycle from the block's one slice, so g planes start about
    // g x lanes cycles apart; the estimate g x lanes + work / g picks g.
    unsigned share = 1;
    if (NT < mx.planes) {
        uint64_t best = ~uint64_t{0};
        for (unsigned c = 1; c <= mx.planes / NT; ++c) {
            const uint64_t work = (KT == 1 ? (M + c - 1) / c : M * ((KT + c - 1) / c)) * abc_every;
            const uint64_t t = uint64_t{lanes_} * c + work;
            if (t < best && (KT == 1 ? c <= M : c <= KT && !f16)) {
                best = t;
                share = c;
            }
        }
    }
    // With several K blocks the planes sharing a column block can also split its rows, each
    // going through every K block for its own rows (the only way for fp16, whose K blocks are
    // added in order).
    unsigned share_rows = 1;
    if (NT < mx.planes && KT > 1) {
        uint64_t best = ~uint64_t{0};
        for (unsigned c = 1; c <= mx.planes / NT && c <= M; ++c) {
            const uint64_t t = uint64_t{lanes_} * c + (M + c - 1) / c * KT * abc_every;
            if (t < best) {
                best = t;
                share_rows = c;
            }
        }
    }
    // Ways to spread the work: one plane per column block, and when that leaves planes idle
    // (fewer blocks than planes, or a partial last round), blocks shared by several planes.
    struct Way {
        unsigned share, share_last;
        bool rows;
    };
    std::vector<Way> ways{{1, 0, false}};
    if (share > 1)
        ways.push_back({share, 0, KT == 1});
    if (share_rows > 1)
        ways.push_back({share_rows, 0, true});
    const unsigned rem = NT % mx.planes;
    if (NT > mx.planes && rem && KT > 1 && mx.planes / rem >= 2 && !f16)
        ways.push_back({1, rem, false});
    if (ways.size() == 1) {
        matmul_with(chain, 1);
        return;
    }
    // The estimates ignore the running sums' traffic and waits, so every way is booked and the
    // one that ends first is kept: sharing never makes a layer slower than not sharing.
    const auto planes = planes_;
    const auto partials = partials_;
    const MemAllocator alloc = alloc_;
    const auto zeros = zeros_;
    const uint64_t macs = macs_, slots = slots_, useful = useful_;
    const size_t mark = sb_.mark();
    sb_.begin_trial();
    auto restore = [&] {  // everything a matmul changes, as it was before the first way
        sb_.rollback(mark);
        planes_ = planes;
        partials_ = partials;
        alloc_ = alloc;
        zeros_ = zeros;
        macs_ = macs;
        slots_ = slots;
        useful_ = useful;
    };
    size_t best = 0;
    uint64_t best_end = ~uint64_t{0};
    for (size_t i = 0; i < ways.size(); ++i) {
        if (i)
            restore();
        matmul_with(chain, ways[i].share, ways[i].share_last, ways[i].rows);
        if (sb_.predicted_cycles() < best_end) {
            best_end = sb_.predicted_cycles();
            best = i;
        }
    }
    if (best + 1 != ways.size()) {
        restore();
        matmul_with(chain, ways[best].share, ways[best].share_last, ways[best].rows);
    }
    sb_.end_trial();
    sb_.commit();
}

void Lowering::matmul_with(const Chain& chain, unsigned share, unsigned share_last, bool split_rows)
{
    const WorkloadLayer& mm = *chain.front();
    const Placement& A = placed(mm.inputs[0], mm);
    const Placement& B = placed(mm.inputs[1], mm);
    const Placement& out = placed(chain.back()->output, *chain.back());
    const MxmParams& mx = sb_.mxm();
    const unsigned L = lanes_;
    const auto M = static_cast<uint32_t>(A.t->rows);
    const auto K = static_cast<uint32_t>(A.t->cols);
    const unsigned KT = blocks_of(K), NT = blocks_of(B.t->cols), T = mx.install_cycles();
    // fp16 operands (docs/isa.md 1.5): f32 sums, one ABC per fp16_issue_interval cycles.
    const bool f16 = A.t->type == TensorType::F16;
    const TensorType sum_type = f16 ? TensorType::F32 : TensorType::I32;
    const unsigned abc_every = f16 ? mx.fp16_issue_interval : 1;
    const std::vector<ChainOp> epilogue = chain_ops(chain, 1, sum_type);
    if (epilogue.size() + (KT > 1 ? 1 : 0) > 1)
        need_alus(mm, 2, "a matmul with a fused epilogue (or K blocks to sum)");
    useful_ += uint64_t{M} * K * static_cast<uint64_t>(B.t->cols);

    if (KT > 1 && partials_.empty()) {
        // Four int32 buffers per plane for running sums over K blocks (docs/compiler.md): two
        // that alternate by step, and two a finisher reads row by row (allocated when needed).
        static const WorkloadTensor kPartial{};
        Placement part;
        part.t = &kPartial;
        part.planes = 4;
        partials_.assign(size_t{mx.planes} * 4, part);
    }
    std::vector<PlaneState>& st = planes_;
    st.resize(mx.planes);
    // What each plane computes: jobs (a column block nt over a list of K blocks), in order. With
    // at least as many column blocks as planes, each nt is one plane's over all K blocks, the
    // planes starting at different K blocks so they read different blocks of A (different
    // slices) in the same cycles. With fewer, each nt's K blocks are split over g planes; the
    // last of them (its "finisher") adds the others' running sums before the epilogue; with a
    // single K block, the rows are split over the planes instead. int32 sums wrap, so neither
    // the order nor the split of the K blocks changes the result.
    struct Job {
        unsigned nt = 0;
        std::vector<unsigned> kts;
        bool finisher = true;
        std::vector<unsigned> peers;  // planes whose running sums the finisher adds
        uint32_t m0 = 0, m1 = 0;      // the rows it computes
    };
    std::vector<std::vector<Job>> jobs(mx.planes);
    const unsigned half = std::max(1u, mx.planes / 2);  // planes per hemisphere
    const unsigned g = share;
    if (split_rows && g > 1) {
        for (unsigned nt = 0; nt < NT; ++nt)
            for (unsigned part = 0; part < g; ++part) {
                Job j;
                j.nt = nt;
                // Every K block for its own rows; planes start at different blocks (different
                // slices of A) unless fp16 sums must go in order.
                const unsigned p = nt * g + part;
                for (unsigned i = 0; i < KT; ++i)
                    j.kts.push_back(f16 ? i : (i + p) % KT);
                j.m0 = static_cast<uint32_t>(uint64_t{part} * M / g);
                j.m1 = static_cast<uint32_t>(uint64_t{part + 1} * M / g);
                jobs[nt * g + part].push_back(j);
            }
    } else {
        // Blocks nt0.. shared g ways, K split: plane first + part * ... gets a contiguous K range,
        // the group's last plane finishes.
        auto split_k = [&](unsigned nt0, unsigned count, unsigned ways, unsigned first) {
            for (unsigned i = 0; i < count; ++i)
                for (unsigned part = 0; part < ways; ++part) {
                    Job j;
                    j.nt = nt0 + i;
                    for (unsigned kt = part * KT / ways; kt < (part + 1) * KT / ways; ++kt)
                        j.kts.push_back(kt);
                    j.finisher = part + 1 == ways;
                    j.m1 = M;
                    if (j.finisher)
                        for (unsigned q = 0; q + 1 < ways; ++q)
                            j.peers.push_back(first + i * ways + q);
                    jobs[first + i * ways + part].push_back(j);
                }
        };
        if (g == 1) {
            // Whole rounds one block per plane; a last, partial round (fewer blocks than planes)
            // is shared by all planes when that helps, as above.
            const unsigned rem = share_last;
            const unsigned full = NT - rem;
            for (unsigned nt = 0; nt < full; ++nt) {
                const unsigned p = nt % mx.planes;
                Job j;
                j.nt = nt;
                // The planes of a hemisphere go through the K blocks together (a row of A read
                // once feeds them all, below); the hemispheres start at different blocks.
                for (unsigned i = 0; i < KT; ++i)
                    j.kts.push_back(f16 ? i : (i + p / half) % KT);
                j.m1 = M;
                jobs[p].push_back(j);
            }
            if (rem)
                split_k(full, rem, std::min(mx.planes / rem, KT), 0);  // every part gets a K block
        } else {
            split_k(0, NT, g, 0);
        }
    }
    // Running sums. Step i of plane q writes buffer i mod 2 and reads the other, each at one row
    // per cycle. The last step of a plane whose sums a finisher adds writes rows alternately to
    // buffers 2 and 3 instead, so that their slices can take the finisher's reads between the
    // writes (a slice issues one access per cycle).
    auto sum_buffer = [&](unsigned q, const Job& j, unsigned step, uint32_t m) -> Placement& {
        const bool for_finisher = !j.finisher && step + 1 == j.kts.size();
        return partials_[q * 4 + (for_finisher ? 2 + m % 2 : step % 2)];
    };
    // Buffers big enough for this matmul's rows (allocated again when a taller one comes).
    for (unsigned q = 0; q < mx.planes; ++q)
        for (unsigned b = 0; b < 4 && KT > 1; ++b) {
            Placement& part = partials_[q * 4 + b];
            bool peer = false;
            for (const Job& j : jobs[q])
                peer = peer || !j.finisher;
            const bool needed = b < 2 || peer;
            if (needed && part.rows < M) {
                part.rows = M;
                part.blocks = {alloc_.allocate(M, 4, "the running sums of layer '" + mm.name + "'")};
            }
        }
    // Steps in rounds: round r books every plane's r-th K block, planes in order, so a finisher
    // (the highest plane of its group) comes after its peers' last steps.
    std::vector<std::vector<std::pair<const Job*, unsigned>>> steps(mx.planes);
    for (unsigned p = 0; p < mx.planes; ++p)
        for (const Job& j : jobs[p])
            for (unsigned i = 0; i < j.kts.size(); ++i)
                steps[p].emplace_back(&j, i);
    size_t rounds = 0;
    for (const auto& sp : steps)
        rounds = std::max(rounds, sp.size());
    // A plane's step of a round: its column block nt over K block kt.
    struct Active {
        unsigned p = 0;
        const Job* job = nullptr;
        unsigned step = 0, nt = 0, kt = 0;
        bool last = false;
        size_t qa = 0, qc = 0;
        unsigned pp = 0;     // its position
        uint64_t ready = 0;  // first cycle for an ABC with the new weights
    };
    for (size_t round = 0; round < rounds; ++round) {
        // Weights first for every plane of the round, then the rows, so that planes that
        // share reads of A (below) can start together.
        std::vector<Active> act;
        for (unsigned p = 0; p < mx.planes; ++p) {
            if (round >= steps[p].size())
                continue;
            Active a;
            a.p = p;
            a.job = steps[p][round].first;
            a.step = steps[p][round].second;
            a.nt = a.job->nt;
            a.kt = a.job->kts[a.step];
            a.last = a.step + 1 == a.job->kts.size();
            PlaneState& ps = st[p];
            const size_t qw = sb_.mxm_queue(p, QueueKind::MXM_W);
            a.qa = sb_.mxm_queue(p, QueueKind::MXM_A);
            a.qc = sb_.mxm_queue(p, QueueKind::MXM_C);
            a.pp = sb_.position(qw);
            // Weights: rows kt*L .. of block nt (zero rows beyond K), one LW per cycle.
            uint64_t c = ps.lw_floor, last_lw = 0;
            for (unsigned r = 0; r < L; ++r) {
                const uint32_t k = a.kt * L + r;
                for (;; ++c) {
                    if (hopeless(c))
                        layer_error(mm, "internal: no cycle found for a weight load");
                    if (!sb_.queue_free(qw, c))
                        continue;
                    const size_t mark = sb_.mark();
                    StreamId s;
                    const bool ok = k < K ? read_row(RowRef{&B, a.nt, k}, a.pp, c, s) : read_zero(a.pp, c, s, B.planes, p);
                    if (!ok) {
                        sb_.rollback(mark);
                        continue;
                    }
                    Instr lw;
                    lw.op = Opcode::LW;
                    lw.a = r;
                    lw.b = mxm_type_code(B.t->type);
                    lw.streams = {s};
                    sb_.place(qw, c, lw);
                    sb_.commit();
                    last_lw = c++;
                    break;
                }
            }
            // Install once the last LW is in, the previous weights' last ABC has issued and the
            // previous install is over (docs/isa.md 1.3).
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
            a.ready = std::max<uint64_t>({iw + T, iw + 1, ps.last_abc + abc_every});
            act.push_back(a);
        }

        // Row m of plane a's step: ABC in `at`, its A row from `with` (a value already on its
        // way past this plane) or a read of its own (returned in sa); ACC, emit, and the result
        // to the running sum, the epilogue or MEM. False, nothing booked, if anything does not fit.
        auto try_row = [&](const Active& a, uint32_t m, uint64_t at, const SharedRead* with, StreamId& sa) {
            const uint64_t acc = at + mx.array_latency, first = acc + mx.result_latency();
            if (!sb_.queue_free(a.qa, at) || !sb_.queue_free(a.qc, acc))
                return false;
            const size_t mark = sb_.mark();
            if (with) {
                if (!extend_read(*with, a.pp)) {
                    sb_.rollback(mark);
                    return false;
                }
                sa = with->group;
            } else if (!read_row(RowRef{&A, a.kt, m}, a.pp, at, sa)) {
                sb_.rollback(mark);
                return false;
            }
            const Job& job = *a.job;
            std::vector<ChainOp> ops;
            auto add_sum = [&](const Placement& sum_of) {
                ChainOp sum;
                sum.alu = VxmAluOp::make_binary(VxmBinaryOp::Add, f16 ? VxmType::F32 : VxmType::I32);
                sum.other = &sum_of;
                sum.block0 = true;
                ops.push_back(sum);
            };
            if (a.step > 0)
                add_sum(sum_buffer(a.p, job, a.step - 1, m));
            const bool done = a.last && job.finisher;
            if (done) {
                for (unsigned q : job.peers)
                    add_sum(sum_buffer(q, jobs[q].back(), static_cast<unsigned>(jobs[q].back().kts.size()) - 1, m));
                ops.insert(ops.end(), epilogue.begin(), epilogue.end());
            }
            const RowRef dst = done ? RowRef{&out, a.nt, m} : RowRef{&sum_buffer(a.p, job, a.step, m), 0, m};
            StreamId so;
            bool ok;
            if (ops.empty()) {
                ok = write_row(dst, a.pp, first, so);
            } else {
                const unsigned vp = sb_.vxm_position();
                const auto group = sb_.find_streams(4, a.pp, vp, first);
                ok = group.has_value();
                if (ok) {
                    so = *group;
                    for (unsigned k = 0; k < 4; ++k)
                        sb_.book_stream(StreamId{so.dir, so.index + k}, a.pp, vp, first);
                    ok = vxm_chain(so, nullptr, first + ScheduleBuilder::hops(a.pp, vp), ops, m, a.nt, dst);
                }
            }
            if (!ok) {
                sb_.rollback(mark);
                return false;
            }
            Instr in;
            in.op = Opcode::ABC;
            in.b = mxm_type_code(A.t->type);
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
        };

        // Planes of one hemisphere on the same K block and rows go together: each row of A is
        // read once and passes them one after the other (the MEM slice of A reads one row per
        // cycle, so planes reading it separately would take turns). A group is booked row by
        // row, all its planes in one attempt.
        std::vector<std::vector<const Active*>> groups;
        for (const Active& a : act) {
            const unsigned a_pos = sb_.position(sb_.mem_queue(A.blocks[a.kt].slice));
            bool joined = false;
            for (auto& grp : groups) {
                const Active& f = *grp.front();
                if (f.p / half == a.p / half && f.kt == a.kt && f.job->m0 == a.job->m0 && f.job->m1 == a.job->m1 &&
                    ScheduleBuilder::direction(a_pos, f.pp) == ScheduleBuilder::direction(a_pos, a.pp)) {
                    grp.push_back(&a);
                    joined = true;
                    break;
                }
            }
            if (!joined)
                groups.push_back({&a});
        }
        // Rows m_from.. of a group; returns where it stopped: the end, or (a group of several
        // planes that finds no cycle for a row together, e.g. two of its accesses colliding in
        // a bank at every offset) the row its planes must then take one by one.
        auto book_rows = [&](std::vector<const Active*> grp, uint32_t m_from) -> uint32_t {
            const unsigned a_pos = sb_.position(sb_.mem_queue(A.blocks[grp.front()->kt].slice));
            // Nearest the A slice first: the value reaches it first.
            std::sort(grp.begin(), grp.end(), [&](const Active* x, const Active* y) {
                return ScheduleBuilder::hops(a_pos, x->pp) < ScheduleBuilder::hops(a_pos, y->pp);
            });
            const Active& lead = *grp.front();
            auto offset = [&](const Active& a) { return ScheduleBuilder::hops(lead.pp, a.pp); };
            uint64_t t = 0;  // the lead plane's ABC
            for (const Active* a : grp)
                t = std::max<uint64_t>(t, std::max(a->ready, st[a->p].last_abc + abc_every) -
                                              std::min<uint64_t>(offset(*a), a->ready));
            for (uint32_t m = m_from; m < lead.job->m1; ++m) {
                for (;; ++t) {
                    if (hopeless(t, grp.size() > 1 ? kMaxTries / 16 : kMaxTries)) {
                        if (grp.size() > 1)
                            return m;
                        layer_error(mm, "internal: no cycle found for row " + std::to_string(m));
                    }
                    const size_t mark = sb_.mark();
                    sb_.begin_trial();
                    StreamId sa;
                    bool ok = try_row(lead, m, t, nullptr, sa);
                    SharedRead read{sa, a_pos, t - ScheduleBuilder::hops(a_pos, lead.pp), lead.pp, A.planes};
                    for (size_t i = 1; i < grp.size() && ok; ++i) {
                        StreamId same;
                        ok = try_row(*grp[i], m, t + offset(*grp[i]), &read, same);
                        if (ok)
                            read.reach(grp[i]->pp);
                    }
                    if (!ok)
                        sb_.rollback(mark);
                    sb_.end_trial();
                    if (!ok)
                        continue;
                    sb_.commit();
                    for (const Active* a : grp) {
                        st[a->p].last_abc = t + offset(*a);
                        macs_ += uint64_t{mx.rows} * mx.cols;
                        slots_ += uint64_t{mx.rows} * mx.cols * abc_every;
                    }
                    t += abc_every;
                    break;
                }
            }
            return lead.job->m1;
        };
        for (const auto& grp : groups) {
            const uint32_t stop = book_rows(grp, grp.front()->job->m0);
            if (stop < grp.front()->job->m1)
                for (const Active* a : grp)
                    book_rows({a}, stop);
        }
    }
}

bool Lowering::extend_read(const SharedRead& r, unsigned to)
{
    const StreamDir dir = ScheduleBuilder::direction(r.from, r.end);
    if (ScheduleBuilder::direction(r.from, to) != dir)
        return false;
    if (ScheduleBuilder::hops(r.from, to) <= ScheduleBuilder::hops(r.from, r.end))
        return true;  // the value passes `to` inside what is booked
    const unsigned next = dir == StreamDir::East ? r.end + 1 : r.end - 1;
    const uint64_t at = r.drive + ScheduleBuilder::hops(r.from, next);
    for (unsigned k = 0; k < r.width; ++k)
        if (!sb_.stream_free(StreamId{r.group.dir, r.group.index + k}, next, to, at))
            return false;
    for (unsigned k = 0; k < r.width; ++k)
        sb_.book_stream(StreamId{r.group.dir, r.group.index + k}, next, to, at);
    return true;
}

const Placement& Lowering::constant(TensorType type, uint32_t bits, std::vector<unsigned>* avoid, int side)
{
    // A copy of the constant clear of `avoid` (work reading it in a fixed cycle relative to those
    // slices' reads), else a new copy placed clear of them.
    for (const auto& c : constants_) {
        if (c->type != type || c->bits != bits)
            continue;
        std::vector<unsigned> own;
        slices_of(c->place, own);
        bool clear = true;
        for (unsigned sl : own)
            clear = clear && (!avoid || std::find(avoid->begin(), avoid->end(), sl) == avoid->end());
        if (clear) {
            if (avoid)
                avoid->insert(avoid->end(), own.begin(), own.end());
            return c->place;
        }
    }
    auto c = std::make_unique<Constant>();
    c->type = type;
    c->bits = bits;
    std::ostringstream name;
    name << "const_" << tensor_type_name(type) << "_" << std::hex << bits << std::dec << "_" << constants_.size();
    c->tensor.name = name.str();
    c->tensor.rows = 1;
    c->tensor.cols = lanes_;
    c->tensor.type = type;
    c->place.t = &c->tensor;
    c->place.rows = 1;
    c->place.planes = tensor_type_bytes(type);
    c->place.blocks = {alloc_.allocate(1, c->place.planes, "a constant", avoid ? *avoid : std::vector<unsigned>{}, side)};
    if (avoid)
        slices_of(c->place, *avoid);
    constants_.push_back(std::move(c));
    return constants_.back()->place;
}

void Lowering::slices_of(const Placement& p, std::vector<unsigned>& into)
{
    for (const MemBlock& b : p.blocks)
        for (unsigned k = 0; k < p.planes; ++k)
            into.push_back(b.slice + k);
}

Placement& Lowering::scratch(const std::string& name, uint32_t rows, unsigned blocks, TensorType type,
                             std::vector<unsigned>& avoid, int side)
{
    WorkloadTensor& t = scratch_tensors_[name];
    t.name = name;
    t.rows = rows;
    t.cols = int64_t{blocks} * lanes_;
    t.type = type;
    Placement& p = placed_[name];
    p.t = &t;
    p.rows = rows;
    p.planes = tensor_type_bytes(type);
    for (unsigned j = 0; j < blocks; ++j)
        p.blocks.push_back(alloc_.allocate(rows, p.planes, "scratch '" + name + "'", avoid, side));
    slices_of(p, avoid);
    return p;
}

int Lowering::place_vxm(uint64_t cycle, Instr& in, int avoid)
{
    for (unsigned a = 0; a < sb_.icu().vxm_queues; ++a)
        if (static_cast<int>(a) != avoid && sb_.queue_free(sb_.vxm_queue(a), cycle)) {
            sb_.place(sb_.vxm_queue(a), cycle, in);
            return static_cast<int>(a);
        }
    return -1;
}

std::optional<StreamId> Lowering::vxm_local_streams(unsigned width, uint64_t cycle, StreamDir prefer)
{
    const unsigned vp = sb_.vxm_position();
    const auto g = sb_.find_streams(width, vp, vp, cycle, prefer);
    if (g)
        for (unsigned k = 0; k < width; ++k)
            sb_.book_stream(StreamId{g->dir, g->index + k}, vp, vp, cycle);
    return g;
}

bool Lowering::reduce_rows(const Placement& X, unsigned j, const std::vector<ChainOp>& pre, const VxmAluOp& combine,
                           const Placement& init, const Placement* keep, const std::vector<ChainOp>& post,
                           const Placement& dst, uint64_t u0, const Placement* park, unsigned period)
{
    const unsigned V = sb_.vxm().alu_latency, vp = sb_.vxm_position();
    const unsigned width = vxm_type_bits(combine.result_type()) / 8;
    const uint64_t k = pre.size();
    const uint64_t P = park ? period : V;
    if (u0 < k * V)
        return false;
    StreamId acc;
    if (!read_row(RowRef{&init, 0, 0}, vp, u0, acc))
        return false;
    int last_alu = -1;
    for (uint32_t r = 0; r < X.rows; ++r) {
        const uint64_t u = u0 + uint64_t{r} * P;
        // A parked running value comes back from MEM for this row's combine.
        if (park && r > 0 && !read_row(RowRef{park, 0, 0}, vp, u, acc))
            return false;
        // pre(x_r): a chain ending in this cycle, or x_r itself from MEM.
        Instr comb;
        comb.op = Opcode::Vxm;
        comb.alu = combine;
        comb.streams.push_back(acc);
        int prev = -1;
        if (pre.empty()) {
            StreamId g;
            if (!read_row(RowRef{&X, j, r}, vp, u, g))
                return false;
            comb.streams.push_back(g);
        } else {
            StepOut step;
            for (size_t i = 0; i < pre.size(); ++i) {
                const uint64_t t = u - (k - i) * V;
                std::optional<StreamId> first;
                if (i == 0) {
                    StreamId g;
                    if (!read_row(RowRef{&X, j, r}, vp, t, g))
                        return false;
                    first = g;
                }
                // The last step's result is kept in MEM when asked, and read from that stream
                // by the combining ALU at the VXM in the same cycle; else it is chained.
                const RowRef kept{keep, keep ? block_for(*keep, j) : 0, r};
                const bool to_keep = i + 1 == pre.size() && keep;
                if (!chain_step(pre[i], t, first, step.alu, j, r, to_keep ? &kept : nullptr, step))
                    return false;
                if (to_keep)
                    comb.streams.push_back(step.group);
            }
            prev = step.alu;
            if (!keep)
                comb.chain_src[1] = static_cast<int8_t>(prev);
        }
        const bool final_step = r + 1 == X.rows;
        if (final_step && !post.empty()) {
            comb.chain_out = true;
        } else if (final_step) {
            StreamId g;
            if (!write_row(RowRef{&dst, block_for(dst, j), 0}, vp, u + V, g))
                return false;
            comb.streams.push_back(g);
        } else if (park) {
            StreamId g;
            if (!write_row(RowRef{park, 0, 0}, vp, u + V, g))
                return false;
            comb.streams.push_back(g);
        } else {
            // The running value takes the direction X's rows do not arrive in: they come every
            // cycle, in a direction fixed by X's slices.
            const StreamDir x_dir = ScheduleBuilder::direction(sb_.position(sb_.mem_queue(X.blocks[block_for(X, j)].slice)), vp);
            const auto g = vxm_local_streams(width, u + V, x_dir == StreamDir::East ? StreamDir::West : StreamDir::East);
            if (!g)
                return false;
            acc = *g;
            comb.streams.push_back(acc);
        }
        last_alu = place_vxm(u, comb, prev);
        if (last_alu < 0)
            return false;
    }
    // post: chained from the last combine.
    const uint64_t end = u0 + uint64_t{X.rows - 1} * P + V;
    const RowRef out{&dst, block_for(dst, j), 0};
    StepOut step;
    step.alu = last_alu;
    for (size_t i = 0; i < post.size(); ++i)
        if (!chain_step(post[i], end + i * V, std::nullopt, step.alu, j, 0, i + 1 == post.size() ? &out : nullptr, step))
            return false;
    return true;
}

std::vector<ChainOp> Lowering::operands_apart(const Placement& X, std::vector<ChainOp> ops, const WorkloadLayer& l)
{
    // Both operands of the first operation land in one cycle; from one slice they cannot (one
    // read per slice per cycle), so then x first passes an identity max one cycle earlier.
    if (ops.empty() || !ops[0].other)
        return ops;
    std::vector<unsigned> x_slices, other_slices;
    slices_of(X, x_slices);
    slices_of(*ops[0].other, other_slices);
    bool shared = false;
    for (unsigned sl : x_slices)
        shared = shared || std::find(other_slices.begin(), other_slices.end(), sl) != other_slices.end();
    if (shared) {
        ChainOp pass;
        pass.alu = VxmAluOp::make_binary(VxmBinaryOp::Max, vxm_type(X.t->type, l));
        pass.square = true;
        ops.insert(ops.begin(), pass);
    }
    return ops;
}

void Lowering::rows_through(const Placement& X, unsigned j, const std::vector<ChainOp>& chain, const Placement& out,
                            const WorkloadLayer& l)
{
    const std::vector<ChainOp> ops = operands_apart(X, chain, l);
    uint64_t c = 0;
    for (uint32_t m = 0; m < X.rows; ++m)
        for (;; ++c) {
            if (hopeless(c))
                layer_error(l, "internal: no cycle found for row " + std::to_string(m));
            const size_t mark = sb_.mark();
            const RowRef x{&X, block_for(X, j), m};
            if (!vxm_chain(std::nullopt, &x, c, ops, m, j, RowRef{&out, j, m})) {
                sb_.rollback(mark);
                continue;
            }
            sb_.commit();
            ++c;
            break;
        }
}


void Lowering::lower_reduction(const WorkloadLayer& l)
{
    const Placement& X = placed(l.inputs[0], l);
    const Placement& out = placed(l.output, l);
    if (l.axis == 0) {
        reduce_columns(X, out, l);
        return;
    }
    // Along each row: the lanes of a row cannot be summed without crossing lanes, so the rows are
    // turned into columns (transpose), reduced down the columns, and turned back.
    auto temp = [&](const std::string& suffix, int64_t rows, int64_t cols) -> Placement& {
        WorkloadTensor& t = scratch_tensors_["~" + l.name + "_" + suffix];
        t.name = "~" + l.name + "_" + suffix;
        t.rows = rows;
        t.cols = cols;
        t.type = X.t->type;
        Placement& p = placed_[t.name];
        p.t = &t;
        p.rows = static_cast<uint32_t>(rows);
        p.planes = tensor_type_bytes(t.type);
        for (unsigned j = 0; j < blocks_of(cols); ++j)
            p.blocks.push_back(alloc_.allocate(p.rows, p.planes, "the transposed rows of layer '" + l.name + "'"));
        return p;
    };
    const Placement& xt = temp("xT", X.t->cols, X.t->rows);
    const Placement& yt = temp("yT", X.t->cols, X.t->rows);
    transpose(X, xt, l);
    reduce_columns(xt, yt, l);
    transpose(yt, out, l);
}

void Lowering::reduce_columns(const Placement& X, const Placement& out, const WorkloadLayer& l)
{
    const auto blocks = static_cast<unsigned>(X.blocks.size());
    const float inv_n = static_cast<float>(1.0 / static_cast<double>(X.rows));
    const VxmAluOp add = VxmAluOp::make_binary(VxmBinaryOp::Add, VxmType::F32);
    const std::string tag = "~" + l.name + "_";  // "~": no workload tensor can be called that
    const unsigned V = sb_.vxm().alu_latency;
    const bool norm = l.op != LayerOp::Softmax;
    // A running reduction reads X, its scratch rows and its constants at fixed relative cycles:
    // they must not share a slice (docs/compiler.md, "Placement"). Its scratch is one column
    // block, which the blocks of X use in turn (the booking orders the reuse), so a wide tensor
    // does not run out of slices. They also go to the other hemisphere when they can, so that
    // the values read together reach the VXM from both directions (a config may have few
    // streams per direction). Only the constants the layer uses: each takes slices.
    struct Kit {
        std::vector<unsigned> avoid;
        int side = -1;
        const Placement *zero = nullptr, *one_over_n = nullptr, *eps = nullptr, *neg_inf = nullptr;
        Placement *s1 = nullptr, *s2 = nullptr, *s3 = nullptr;  // softmax: max, exp, inv; else mean, inv
        Placement* park = nullptr;                               // made when needed
        std::string suffix;
    };
    auto make_kit = [&](std::vector<unsigned> avoid, const std::string& suffix) {
        Kit k;
        k.avoid = std::move(avoid);
        k.side = 1 - static_cast<int>(alloc_.side_of(X.blocks[0].slice));
        k.suffix = suffix;
        k.zero = &constant(TensorType::F32, 0, &k.avoid, k.side);
        if (norm) {
            k.one_over_n = &constant(TensorType::F32, f32_bits(inv_n), &k.avoid, k.side);
            k.eps = &constant(TensorType::F32, f32_bits(static_cast<float>(l.eps)), &k.avoid, k.side);
        } else {
            k.neg_inf = &constant(TensorType::F32, 0xff800000u, &k.avoid, k.side);
        }
        auto row = [&](const char* name, uint32_t rows) {
            return &scratch(tag + name + suffix, rows, 1, TensorType::F32, k.avoid, k.side);
        };
        if (l.op == LayerOp::Softmax) {
            k.s1 = row("max", 1);
            k.s2 = row("exp", X.rows);
            k.s3 = row("inv", 1);
        } else if (l.op == LayerOp::RmsNorm) {
            k.s3 = row("inv", 1);
        } else {
            k.s1 = row("mean", 1);
            k.s3 = row("inv", 1);
        }
        return k;
    };
    // One running reduction of block j; false if it finds no cycle.
    auto reduce = [&](Kit& kit, unsigned j, const std::vector<ChainOp>& pre, const VxmAluOp& combine,
                      const Placement& init, const Placement* keep, const std::vector<ChainOp>& post,
                      const Placement& dst) {
        // Nothing fits before X's first row is written.
        uint64_t floor = 0;
        const MemBlock& b = X.blocks[block_for(X, j)];
        for (unsigned k = 0; k < X.planes; ++k)
            if (const auto w = sb_.last_write(b.slice + k, b.addr))
                floor = std::max(floor, *w);
        auto attempt = [&](uint64_t u0, const Placement* parked, unsigned period) {
            const size_t mark = sb_.mark();
            if (reduce_rows(X, j, pre, combine, init, keep, post, dst, u0, parked, period)) {
                sb_.commit();
                return true;
            }
            sb_.rollback(mark);
            return false;
        };
        for (uint64_t u0 = floor; !hopeless(u0, kMaxTries / 16); ++u0)
            if (attempt(u0, nullptr, 0))
                return true;
        // One row every alu_latency cycles is rigid: every row's values sit at the same offsets,
        // and on a config with few streams or slices two of them can collide at every start.
        // Rows further apart, the running value parked in MEM between them, change the offsets.
        if (!kit.park)
            kit.park = &scratch(tag + "acc" + kit.suffix, 1, 1, TensorType::F32, kit.avoid, kit.side);
        // Tried past the end of everything booked, where only such collisions are left.
        for (unsigned period = V + 1; period <= V + 64; ++period)
            for (uint64_t u0 = std::max(floor, sb_.predicted_cycles()); !hopeless(u0, 256); ++u0)
                if (attempt(u0, kit.park, period))
                    return true;
        return false;
    };
    // Block j's reductions and its rows through the result.
    auto run_block = [&](Kit& kit, unsigned j) {
        if (l.op == LayerOp::Softmax) {
            const Placement &mx = *kit.s1, &e = *kit.s2, &inv = *kit.s3;
            if (!reduce(kit, j, {}, VxmAluOp::make_binary(VxmBinaryOp::Max, VxmType::F32), *kit.neg_inf, nullptr, {},
                        mx) ||
                !reduce(kit, j, {binary(VxmBinaryOp::Sub, &mx, true), unary(VxmUnaryOp::Exp)}, add, *kit.zero, &e,
                        {square(), unary(VxmUnaryOp::Rsqrt)}, inv))
                return false;
            rows_through(e, j, {binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
        } else if (l.op == LayerOp::RmsNorm) {
            const Placement& inv = *kit.s3;
            if (!reduce(kit, j, {square()}, add, *kit.zero, nullptr,
                        {binary(VxmBinaryOp::Mul, kit.one_over_n, true), binary(VxmBinaryOp::Add, kit.eps, true),
                         unary(VxmUnaryOp::Rsqrt)},
                        inv))
                return false;
            rows_through(X, j, {binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
        } else {  // LayerNorm
            const Placement &mean = *kit.s1, &inv = *kit.s3;
            if (!reduce(kit, j, {}, add, *kit.zero, nullptr, {binary(VxmBinaryOp::Mul, kit.one_over_n, true)}, mean) ||
                !reduce(kit, j, {binary(VxmBinaryOp::Sub, &mean, true), square()}, add, *kit.zero, nullptr,
                        {binary(VxmBinaryOp::Mul, kit.one_over_n, true), binary(VxmBinaryOp::Add, kit.eps, true),
                         unary(VxmUnaryOp::Rsqrt)},
                        inv))
                return false;
            rows_through(X, j, {binary(VxmBinaryOp::Sub, &mean, true), binary(VxmBinaryOp::Mul, &inv, true)}, out, l);
        }
        return true;
    };
    // A running reduction issues one row's steps in every cycle: k steps before the combining
    // operation (k = 2 for softmax and layer_norm, 1 for rms_norm) need k + 1 ALUs at once.
    need_alus(l, l.op == LayerOp::RmsNorm ? 2 : 3, "a running reduction");
    std::vector<unsigned> all;
    slices_of(X, all);
    Kit shared = make_kit(all, "");
    for (unsigned j = 0; j < blocks; ++j) {
        const size_t mark = sb_.mark();
        sb_.begin_trial();
        bool ok = run_block(shared, j);
        if (!ok) {
            // With few slices a wide X leaves its scratch and constants no slices of their own.
            // This block's own, clear of its slices only.
            sb_.rollback(mark);
            std::vector<unsigned> mine;
            for (unsigned k = 0; k < X.planes; ++k)
                mine.push_back(X.blocks[j].slice + k);
            Kit own = make_kit(mine, "@" + std::to_string(j));
            ok = run_block(own, j);
        }
        sb_.end_trial();
        if (!ok)
            layer_error(l, "the running reduction of column block " + std::to_string(j) +
                               " found no cycle in which all its reads, streams and ALUs are free, with the running "
                               "value on a stream or parked in MEM (a config with few streams per direction; see "
                               "docs/compiler.md)");
        sb_.commit();
    }
}

void Lowering::need_alus(const WorkloadLayer& l, unsigned alus, const char* what) const
{
    if (sb_.icu().vxm_queues < alus)
        layer_error(l, std::string(what) + " needs " + std::to_string(alus) + " VXM ALUs working at once; this config has " +
                           std::to_string(sb_.icu().vxm_queues) + " (chip.icu.vxm_queues)");
}

void Lowering::lower_elementwise(const Chain& chain)
{
    const WorkloadLayer& first = *chain.front();
    const Placement& A = placed(first.inputs[0], first);
    const Placement& out = placed(chain.back()->output, *chain.back());
    std::vector<ChainOp> ops = chain_ops(chain, 0, A.t->type);
    if (ops.size() > 1)
        need_alus(first, 2, "a chain of element-wise operations");
    ops = operands_apart(A, ops, first);
    uint64_t c = 0;
    for (unsigned j = 0; j < A.blocks.size(); ++j)
        for (uint32_t m = 0; m < A.rows; ++m)
            for (;; ++c) {
                if (hopeless(c))
                    layer_error(first, "internal: no cycle found for row " + std::to_string(m));
                const size_t mark = sb_.mark();
                const RowRef x{&A, j, m};
                if (!vxm_chain(std::nullopt, &x, c, ops, m, j, RowRef{&out, j, m})) {
                    sb_.rollback(mark);
                    continue;
                }
                sb_.commit();
                ++c;
                break;
            }
}

CompileResult Lowering::run()
{
    // Which tensors live in MEM: inputs, outputs, and results a later layer reads other than
    // as the next step of a fused chain.
    std::map<std::string, int> uses;
    for (const auto& l : w_.layers)
        for (const auto& in : l.inputs)
            ++uses[in];
    auto fusable = [](LayerOp op) {
        switch (op) {
        case LayerOp::Add:
        case LayerOp::Sub:
        case LayerOp::Mul:
        case LayerOp::Max:
        case LayerOp::Min:
        case LayerOp::Relu:
        case LayerOp::Tanh:
        case LayerOp::Exp:
        case LayerOp::Requant:
        case LayerOp::Convert: return true;
        default: return false;
        }
    };
    auto reduction = [](LayerOp op) {
        return op == LayerOp::Softmax || op == LayerOp::RmsNorm || op == LayerOp::LayerNorm;
    };
    std::vector<Chain> chains;
    for (size_t i = 0; i < w_.layers.size();) {
        const WorkloadLayer& l = w_.layers[i];
        if (l.op != LayerOp::Matmul && !fusable(l.op) && !reduction(l.op) && l.op != LayerOp::Gelu &&
            l.op != LayerOp::Transpose)
            layer_error(l, "not supported by the compiler yet (see docs/compiler.md)");
        Chain c{&l};
        std::string value = l.output;
        size_t j = i + 1;
        while (!reduction(l.op) && l.op != LayerOp::Transpose && j < w_.layers.size()) {
            const WorkloadLayer& n = w_.layers[j];
            const WorkloadTensor* v = w_.tensor(value);
            if (!fusable(n.op) || n.inputs[0] != value || v->output || uses[value] != 1 ||
                (n.inputs.size() > 1 && n.inputs[1] == value))
                break;
            c.push_back(&n);
            value = n.output;
            ++j;
        }
        chains.push_back(c);
        i = j;
    }
    std::map<std::string, bool> in_mem;
    for (const auto& t : w_.tensors)
        in_mem[t.name] = t.source != WorkloadTensor::Source::Layer || t.output;
    for (const Chain& c : chains)
        in_mem[c.back()->output] = true;
    for (const auto& t : w_.tensors)
        if (in_mem[t.name])
            place_tensor(t);

    for (size_t i = 0; i < chains.size(); ++i) {
        const Chain& c = chains[i];
        sb_.set_owner(static_cast<int>(i));
        if (c.front()->op == LayerOp::Matmul)
            lower_matmul(c);
        else if (reduction(c.front()->op))
            lower_reduction(*c.front());
        else if (c.front()->op == LayerOp::Transpose)
            lower_transpose(*c.front());
        else
            lower_elementwise(c);
    }

    CompileResult r;
    std::ostringstream head;
    head << "; " << w_.name << ": compiled by lpusim compile for " << sb_.spec().chip.name << " from "
         << w_.source << "\n";
    head << "; predicted cycles: " << sb_.predicted_cycles() << "\n";
    for (const auto& t : w_.tensors) {
        const auto it = placed_.find(t.name);
        if (it == placed_.end())
            continue;
        const Placement& p = it->second;
        head << ".matrix " << t.name << " " << t.rows << " " << t.cols << " " << tensor_type_name(t.type) << "\n";
        for (unsigned j = 0; j < p.blocks.size(); ++j)
            head << ".tensor " << t.name << "@c" << j << " "
                 << sb_.queues().queues()[sb_.mem_queue(p.blocks[j].slice)].name << " 0x" << std::hex
                 << p.blocks[j].addr << std::dec << " " << p.rows << " " << tensor_type_name(t.type) << "\n";
        r.tensors.push_back(CompiledTensor{t.name, t.rows, t.cols, t.type,
                                           t.source != WorkloadTensor::Source::Layer, t.output});
    }
    for (const auto& c : constants_) {
        const MemBlock& b = c->place.blocks[0];
        head << ".tensor " << c->tensor.name << " " << sb_.queues().queues()[sb_.mem_queue(b.slice)].name << " 0x"
             << std::hex << b.addr << std::dec << " 1 " << tensor_type_name(c->type) << "\n";
        head << ".fill " << c->tensor.name << " 0x" << std::hex << c->bits << std::dec << "\n";
    }
    for (const auto& d : data_) {
        const MemBlock& b = d->place.blocks[0];
        head << ".tensor " << d->tensor.name << " " << sb_.queues().queues()[sb_.mem_queue(b.slice)].name << " 0x"
             << std::hex << b.addr << std::dec << " " << d->place.rows << " " << tensor_type_name(d->tensor.type) << "\n";
        for (size_t row = 0; row < d->rows.size(); ++row) {
            // Runs as V*N, trailing zeros left out (docs/isa.md 3.5).
            const std::vector<uint32_t>& v = d->rows[row];
            size_t end = v.size();
            while (end > 0 && v[end - 1] == 0)
                --end;
            head << ".data " << d->tensor.name << " " << row << std::hex;
            for (size_t e = 0; e < end;) {
                size_t n = 1;
                while (e + n < end && v[e + n] == v[e])
                    ++n;
                head << " 0x" << v[e];
                if (n > 1)
                    head << "*" << std::dec << n << std::hex;
                e += n;
            }
            head << std::dec << "\n";
        }
    }
    r.assembly = sb_.assembly(head.str());
    const auto spans = sb_.spans();
    for (size_t i = 0; i < chains.size(); ++i) {
        LayerSpan span;
        for (const WorkloadLayer* l : chains[i])
            span.layers += (span.layers.empty() ? "" : "+") + l->name;
        const auto it = spans.find(static_cast<int>(i));
        if (it != spans.end()) {
            span.first = it->second.first;
            span.last = it->second.last;
            span.instructions = it->second.instructions;
        }
        r.layers.push_back(span);
    }
    r.predicted_cycles = sb_.predicted_cycles();
    r.mxm_macs = macs_;
    r.useful_macs = useful_;
    const MxmParams& mx = sb_.mxm();
    // As the run counts it: an fp16 MAC holds the array for fp16_issue_interval int8 slots.
    r.mxm_utilisation = r.predicted_cycles
                            ? double(slots_) / (double(mx.planes) * mx.rows * mx.cols * double(r.predicted_cycles))
                            : 0.0;
    r.sram_bytes = alloc_.words_used() * lanes_;
    r.instructions = sb_.instructions();
    return r;
}

}  // namespace lpu::lowering

namespace lpu {

std::string CompileResult::summary() const
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(4);
    os << "predicted cycles: " << predicted_cycles << "\n";
    os << "instructions: " << instructions << "\n";
    os << "MXM MACs: " << mxm_macs << " (useful " << useful_macs << ")\n";
    os << "MXM utilisation: " << mxm_utilisation << "\n";
    os << "SRAM: " << sram_bytes << " bytes\n";
    os << "layers (first and last issue cycle, instructions):\n";
    for (const LayerSpan& l : layers)
        os << "  " << std::left << std::setw(32) << l.layers << std::right << " " << std::setw(9) << l.first << " "
           << std::setw(9) << l.last << " " << std::setw(10) << l.instructions << "\n";
    return os.str();
}

std::string CompileResult::report_json(const std::string& workload, const std::string& chip) const
{
    auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        return out + "\"";
    };
    std::ostringstream os;
    os << std::setprecision(6);
    os << "{\n  \"workload\": " << quoted(workload) << ",\n  \"chip\": " << quoted(chip) << ",\n";
    os << "  \"predicted_cycles\": " << predicted_cycles << ",\n";
    os << "  \"instructions\": " << instructions << ",\n";
    os << "  \"mxm_macs\": " << mxm_macs << ",\n";
    os << "  \"useful_macs\": " << useful_macs << ",\n";
    os << "  \"mxm_utilisation\": " << mxm_utilisation << ",\n";
    os << "  \"sram_bytes\": " << sram_bytes << ",\n";
    os << "  \"layers\": [";
    for (size_t i = 0; i < layers.size(); ++i)
        os << (i ? ",\n" : "\n") << "    {\"layers\": " << quoted(layers[i].layers) << ", \"first_cycle\": " << layers[i].first
           << ", \"last_cycle\": " << layers[i].last << ", \"instructions\": " << layers[i].instructions << "}";
    os << "\n  ]\n}\n";
    return os.str();
}

CompileResult compile_workload(const ChipSpec& spec, const Workload& workload)
{
    return lowering::Lowering(spec, workload).run();
}

}  // namespace lpu
