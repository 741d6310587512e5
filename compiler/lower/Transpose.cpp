// Transpose layers through the SXM (docs/compiler.md, "Transpose"). The SXM transposes G x G
// byte blocks within each superlane of G vectors read in one cycle; the MEM gathers a word per
// tile (superlane) with one map; rotations move whole tiles. An L x L tile of X (L = S x G lanes)
// becomes its transpose in three passes per byte plane, staged in G MEM slices at one address:
//
//  1. each input row r = sr*G + i, rotated up by sr*G lanes (tile sc moves to sc + sr), goes to
//     word A + sr of staging slice i;
//  2. for each output group q, one map read feeds a gather in every staging slice i (tile p of
//     word A + (p - q) mod S: input row ((p - q) mod S)*G + i, columns q*G ..): the G gathered
//     vectors meet at the SXM in one cycle, are transposed, and output j goes to word B + q of
//     staging slice j;
//  3. output row c = q*G + j is word B + q of slice j rotated down by q*G lanes.
//
// With one superlane (S = 1) the rotations vanish and the gathers are plain reads.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

#include <algorithm>

namespace lpu::lowering {

namespace {

// Byte plane k of a placement, as a placement of its own: the SXM moves byte vectors.
Placement plane_of(const Placement& p, unsigned k)
{
    Placement q = p;
    q.planes = 1;
    for (MemBlock& b : q.blocks)
        b.slice += k;
    return q;
}

}  // namespace

bool Lowering::place_sxm(const std::vector<size_t>& queues, uint64_t cycle, const Instr& in)
{
    for (size_t q : queues)
        if (sb_.queue_free(q, cycle)) {
            sb_.place(q, cycle, in);
            return true;
        }
    return false;
}

bool Lowering::copy_row(const RowRef& src, const RowRef& dst, uint64_t c)
{
    const MemParams& mp = sb_.mem();
    const MemBlock& from = src.p->blocks.at(src.block);
    const MemBlock& to = dst.p->blocks.at(dst.block);
    const uint32_t rw = from.addr + src.row, ww = to.addr + dst.row;
    const size_t qr = sb_.mem_queue(from.slice), qw = sb_.mem_queue(to.slice);
    const unsigned pr = sb_.position(qr), pw = sb_.position(qw);
    const uint64_t w = timing::arrives(timing::read_drives(mp, c), pr, pw);
    if (!sb_.can_read(from.slice, rw, c) || !sb_.can_write(to.slice, ww, w))
        return false;
    const auto s = sb_.find_streams(1, pr, pw, timing::read_drives(mp, c));
    if (!s)
        return false;
    Instr read;
    read.op = Opcode::Read;
    read.a = rw;
    read.streams = {*s};
    sb_.place(qr, c, read);
    sb_.book_mem_read(from.slice, rw, c);
    Instr write = read;
    write.op = Opcode::Write;
    write.a = ww;
    sb_.place(qw, w, write);
    sb_.book_mem_write(to.slice, ww, w);
    sb_.book_stream(*s, pr, pw, timing::read_drives(mp, c));
    return true;
}

bool Lowering::sxm_row(const RowRef& src, const RowRef& dst, const SxmOp& op, const SxmSide& sxm, uint64_t u)
{
    StreamId in_s, out_s;
    if (!read_row(src, sxm.position, u, in_s) ||
        !write_row(dst, sxm.position, timing::sxm_result(sb_.spec().sxm, u), out_s))
        return false;
    Instr in;
    in.op = Opcode::Sxm;
    in.sxm = op;
    in.streams = {in_s, out_s};
    return place_sxm(sxm.queues, u, in);
}

Lowering::TransposeStage& Lowering::transpose_stage(unsigned side, const SxmSide& sxm,
                                                    const std::vector<unsigned>& avoid, const WorkloadLayer& l)
{
    TransposeStage& st = stages_[side];
    if (!st.blocks.empty())
        return st;
    const MemParams& mp = sb_.mem();
    const unsigned G = mp.lanes_per_superlane, S = mp.superlanes;
    // Per slice i, two regions (units alternate) of S words for pass 1 (A) and S for pass 2 (B):
    // A of region r at +r*S, B at +(2 + r)*S; then a word never written, which reads zero. Every
    // transpose through this SXM uses them; the booking orders the reuse.
    st.side = side;
    st.blocks =
        alloc_.allocate_across(G, 4 * S + 1, side, "the staging rows of transpose layer '" + l.name + "'", avoid);
    static const WorkloadTensor kStage{};
    st.rows.assign(G, Placement{});
    for (unsigned i = 0; i < G; ++i) {
        st.rows[i].t = &kStage;
        st.rows[i].rows = 4 * S + 1;
        st.rows[i].blocks = {st.blocks[i]};
        st.positions.push_back(sb_.position(sb_.mem_queue(st.blocks[i].slice)));
    }
    // The staging slice nearest the SXM: the map's stream must reach it.
    st.nearest = st.positions[0];
    for (unsigned p : st.positions)
        if (ScheduleBuilder::hops(p, sxm.position) < ScheduleBuilder::hops(st.nearest, sxm.position))
            st.nearest = p;
    for (auto& d : st.dirty)
        d.assign(lanes_, false);
    return st;
}

const Lowering::TransposeStage::Map& Lowering::gather_map(TransposeStage& st, unsigned groups, const SxmSide& sxm,
                                                          const WorkloadLayer& l)
{
    auto found = st.maps.find(groups);
    if (found != st.maps.end())
        return found->second;
    const MemParams& mp = sb_.mem();
    const unsigned G = mp.lanes_per_superlane, S = mp.superlanes;
    // One row per region r and output group q: tile p names word A + (p - q) mod S (input row
    // group (p - q) mod S), or the zero word for a group the tile does not have. The maps live
    // in the other hemisphere, so one map read passes every staging slice on its way to the SXM.
    auto d = std::make_unique<DataTensor>();
    std::string name = std::string(st.side == 0 ? "gather_maps_w" : "gather_maps_e") +
                       (groups == S ? "" : "_" + std::to_string(groups));
    while (w_.tensor(name))
        name += "_";
    d->tensor.name = name;
    d->tensor.rows = 2 * S;
    d->tensor.cols = lanes_;
    d->tensor.type = TensorType::I8;
    d->place.t = &d->tensor;
    d->place.rows = 2 * S;
    std::vector<unsigned> stage_slices;
    for (const MemBlock& b : st.blocks)
        stage_slices.push_back(b.slice);
    d->place.blocks = {alloc_.allocate_fresh(2 * S, 1, "the gather maps of transpose layer '" + l.name + "'",
                                             stage_slices, 1 - static_cast<int>(st.side))};
    TransposeStage::Map map;
    map.position = sb_.position(sb_.mem_queue(d->place.blocks[0].slice));
    for (unsigned p : st.positions)
        if (ScheduleBuilder::hops(map.position, sxm.position) <= ScheduleBuilder::hops(p, sxm.position))
            layer_error(l, "internal: the gather maps are not upstream of the staging slices");
    const unsigned n = mp.map_entry_bytes();
    const uint32_t base = st.blocks[0].addr, zero = base + 4 * S;
    for (unsigned r = 0; r < 2; ++r)
        for (unsigned q = 0; q < S; ++q) {
            std::vector<uint32_t> row(lanes_, 0);
            for (unsigned p = 0; p < S; ++p) {
                const unsigned group = (p + S - q) % S;
                const uint32_t word = group < groups ? base + r * S + group : zero;
                for (unsigned b = 0; b < n; ++b)
                    row[size_t{p} * G + b] = (word >> (8 * b)) & 0xffu;
            }
            d->rows.push_back(std::move(row));
        }
    data_.push_back(std::move(d));
    map.place = &data_.back()->place;
    return st.maps.emplace(groups, map).first->second;
}

void Lowering::lower_transpose(const WorkloadLayer& l) { transpose(placed(l.inputs[0], l), placed(l.output, l), l); }

std::vector<Lowering::TransposeWay> Lowering::transpose_ways(const Placement& X, const Placement& O,
                                                             const WorkloadLayer& l)
{
    const MemParams& mp = sb_.mem();
    const unsigned G = mp.lanes_per_superlane, half = mp.slices_per_hemisphere();
    const bool gather = mp.superlanes > 1;
    if (gather && G < mp.map_entry_bytes())
        layer_error(l, "a gather map needs " + std::to_string(mp.map_entry_bytes()) +
                           " bytes per tile for a word "
                           "address, and a tile here has " +
                           std::to_string(G) + " lanes");
    std::vector<TransposeWay> ways;
    const auto& qs = sb_.queues().queues();
    const unsigned vp = sb_.vxm_position();
    std::vector<unsigned> avoid;
    slices_of(X, avoid);
    slices_of(O, avoid);
    for (unsigned side : {0u, 1u}) {
        // West of the VXM the SXM is reached westward; east of it, eastward.
        const StreamDir toward = side == 0 ? StreamDir::West : StreamDir::East;
        const unsigned in_streams = toward == StreamDir::East ? sb_.streams().east : sb_.streams().west;
        const unsigned out_streams = toward == StreamDir::East ? sb_.streams().west : sb_.streams().east;
        if (half < G || in_streams < G + (gather ? 1 : 0) || out_streams < G)
            continue;
        TransposeWay w;
        for (size_t q = 0; q < qs.size(); ++q)
            if (qs[q].kind == QueueKind::SXM && (qs[q].position < vp) == (side == 0)) {
                w.sxm.queues.push_back(q);
                w.sxm.position = qs[q].position;
            }
        w.st = &transpose_stage(side, w.sxm, avoid, l);
        ways.push_back(std::move(w));
    }
    if (ways.empty())
        layer_error(l, "a transpose moves " + std::to_string(G) +
                           " rows (one per lane of a superlane) through the "
                           "SXM at once: it needs " +
                           std::to_string(G + (gather ? 1 : 0)) + " streams toward an SXM and " + std::to_string(G) +
                           " away from it (chip.streams.east / west), and " + std::to_string(G) +
                           " MEM slices in its hemisphere; this config has " + std::to_string(sb_.streams().east) +
                           " eastward and " + std::to_string(sb_.streams().west) + " westward streams and " +
                           std::to_string(half) + " slices per hemisphere");
    return ways;
}

void Lowering::transpose(const Placement& X, const Placement& O, const WorkloadLayer& l)
{
    std::vector<TransposeWay> ways = transpose_ways(X, O, l);
    const unsigned L = lanes_;
    const auto R = static_cast<uint32_t>(X.t->rows), C = static_cast<uint32_t>(X.t->cols);
    const Placement zero = zero_row(1);
    // Tiles alternate between the ways (the two SXMs, when the config's streams allow both).
    unsigned tile = 0;
    for (unsigned a = 0; a * L < R; ++a)
        for (unsigned b = 0; b * L < C; ++b)
            for (unsigned k = 0; k < X.planes; ++k, ++tile)
                transpose_tile(ways[tile % ways.size()], plane_of(X, k), plane_of(O, k), a, b, zero, l);
}

void Lowering::transpose_tile(TransposeWay& w, const Placement& Xk, const Placement& Ok, unsigned a, unsigned b,
                              const Placement& zero, const WorkloadLayer& l)
{
    const unsigned L = lanes_, G = sb_.mem().lanes_per_superlane, S = sb_.mem().superlanes;
    const std::vector<Placement>& stage = w.st->rows;
    const unsigned r = w.st->units++ % 2;
    const unsigned rows = std::min<uint32_t>(L, static_cast<uint32_t>(Xk.t->rows) - a * L);
    const unsigned cols = std::min<uint32_t>(L, static_cast<uint32_t>(Xk.t->cols) - b * L);
    const unsigned groups = (rows + G - 1) / G;  // row groups of G the tile has
    std::vector<bool>& dirty = w.st->dirty[r];
    for (unsigned row = 0; row < rows; ++row) {
        const unsigned sr = row / G, i = row % G;
        first_fit(w.c1, l, "a row into the transpose staging", [&](uint64_t c) {
            return move_row(w, RowRef{&Xk, b, a * L + row}, RowRef{&stage[i], 0, r * S + sr}, (sr * G) % L, c);
        });
        dirty[row] = true;
    }
    // Rows past R are the result's padding lanes: zeros, not what an earlier tile left in the
    // staging rows (an fp16 matmul would turn a NaN there into NaN results). Whole missing groups
    // read the zero word through the maps; the last group's missing rows are zeroed.
    for (unsigned row = rows; row < groups * G; ++row) {
        if (!dirty[row])
            continue;
        const unsigned sr = row / G, i = row % G;
        first_fit(w.c1, l, "a zero row into the transpose staging", [&](uint64_t c) {
            return copy_row(RowRef{&zero, 0, 0}, RowRef{&stage[i], 0, r * S + sr}, c);
        });
        dirty[row] = false;
    }
    for (unsigned q = 0; q * G < cols; ++q)
        first_fit(w.c2, l, "a transposed group", [&](uint64_t t) { return transpose_group(w, r, q, groups, t, l); });
    for (unsigned c = 0; c < cols; ++c) {
        const unsigned q = c / G, j = c % G;
        first_fit(w.c3, l, "a transposed row", [&](uint64_t t) {
            return move_row(w, RowRef{&stage[j], 0, (2 + r) * S + q}, RowRef{&Ok, a, b * L + c}, (L - q * G) % L, t);
        });
    }
}

bool Lowering::move_row(const TransposeWay& w, const RowRef& src, const RowRef& dst, unsigned rot, uint64_t c)
{
    return rot == 0 ? copy_row(src, dst, c) : sxm_row(src, dst, SxmOp::make_rotate(rot), w.sxm, c);
}

// Pass 2 of one output group: G staging words gathered (or read) so that they reach the SXM
// together, transposed, and written back to G staging words.
struct Lowering::TransposeGroup {
    uint32_t a0 = 0, b_word = 0;  // the staging words read (a0 .. a0 + S - 1) and written
    uint64_t arrive = 0;          // at the SXM, for every i
    StreamId map_s{}, in_g{}, out_g{};
    std::vector<uint64_t> read_at, drive, write_at;
};

bool Lowering::transpose_group(const TransposeWay& w, unsigned r, unsigned q, unsigned groups, uint64_t t,
                               const WorkloadLayer& l)
{
    const MemParams& mp = sb_.mem();
    const unsigned G = mp.lanes_per_superlane, S = mp.superlanes;
    TransposeStage& st = *w.st;
    const SxmSide& sxm = w.sxm;
    TransposeGroup g;
    g.a0 = st.blocks[0].addr + r * S;
    g.b_word = st.blocks[0].addr + (2 + r) * S + q;
    g.read_at.resize(G);
    g.drive.resize(G);
    // The gathers' reads, each timed to reach the SXM when the group starts.
    const auto reads_fit = [&] {
        for (unsigned i = 0; i < G; ++i) {
            if (!timing::read_issue_for(mp, g.arrive, st.positions[i], sxm.position, g.read_at[i]))
                return false;
            g.drive[i] = timing::read_drives(mp, g.read_at[i]);
            // A gather reads words a0 .. a0 + S - 1 and the zero word (one per tile), all in one bank.
            for (unsigned word = 0; word < S; ++word)
                if (!sb_.can_read(st.blocks[i].slice, g.a0 + word, g.read_at[i]))
                    return false;
        }
        return true;
    };
    if (S > 1) {
        const TransposeStage::Map& map = gather_map(st, groups, sxm, l);
        // The map is read at t, the gathers when it reaches them: their rows arrive after both reads.
        g.arrive = timing::read_drives(mp, timing::arrives(timing::read_drives(mp, t), map.position, sxm.position));
        // Most cycles tried fail at the gathers' reads: checked before the map's read is booked
        // (bookings only take resources away, so this rejects only what would fail after it),
        // then again after it, which may have taken one of their slots.
        if (!reads_fit() || !read_row(RowRef{map.place, 0, r * S + q}, st.nearest,
                                      timing::arrives(timing::read_drives(mp, t), map.position, st.nearest), g.map_s))
            return false;
    } else {
        unsigned far = 0;
        for (unsigned p : st.positions)
            far = std::max(far, ScheduleBuilder::hops(p, sxm.position));
        g.arrive = timing::read_drives(mp, t) + far;
    }
    if (!reads_fit())
        return false;
    const std::vector<unsigned> at_sxm(G, sxm.position);
    const auto in_g = free_group(st.positions, at_sxm, g.drive);
    if (!in_g)
        return false;
    const uint64_t out_drive = timing::sxm_result(sb_.spec().sxm, g.arrive);
    g.write_at.resize(G);
    for (unsigned j = 0; j < G; ++j) {
        g.write_at[j] = timing::arrives(out_drive, sxm.position, st.positions[j]);
        if (!sb_.can_write(st.blocks[j].slice, g.b_word, g.write_at[j]))
            return false;
    }
    const auto out_g = free_group(at_sxm, st.positions, std::vector<uint64_t>(G, out_drive));
    if (!out_g)
        return false;
    g.in_g = *in_g;
    g.out_g = *out_g;
    Instr tr;
    tr.op = Opcode::Sxm;
    tr.sxm = SxmOp::make(SxmOp::Kind::Transpose);
    tr.streams = {*in_g, *out_g};
    if (!place_sxm(sxm.queues, g.arrive, tr))
        return false;
    book_transpose_group(w, g);
    return true;
}

void Lowering::book_transpose_group(const TransposeWay& w, const TransposeGroup& g)
{
    const TransposeStage& st = *w.st;
    const unsigned S = sb_.mem().superlanes;
    const uint64_t out_drive = timing::sxm_result(sb_.spec().sxm, g.arrive);
    for (unsigned i = 0; i < g.read_at.size(); ++i) {
        const unsigned slice = st.blocks[i].slice;
        const StreamId s{g.in_g.dir, g.in_g.index + i};
        Instr rd;
        rd.op = S > 1 ? Opcode::Gather : Opcode::Read;
        rd.a = g.a0;
        rd.streams = S > 1 ? std::vector<StreamId>{g.map_s, s} : std::vector<StreamId>{s};
        sb_.place(sb_.mem_queue(slice), g.read_at[i], rd);
        for (unsigned word = 0; word < S; ++word)
            sb_.book_mem_read(slice, g.a0 + word, g.read_at[i]);
        sb_.book_stream(s, st.positions[i], w.sxm.position, g.drive[i]);
        const StreamId o{g.out_g.dir, g.out_g.index + i};
        Instr wr;
        wr.op = Opcode::Write;
        wr.a = g.b_word;
        wr.streams = {o};
        sb_.place(sb_.mem_queue(slice), g.write_at[i], wr);
        sb_.book_mem_write(slice, g.b_word, g.write_at[i]);
        sb_.book_stream(o, w.sxm.position, st.positions[i], out_drive);
    }
}

}  // namespace lpu::lowering
