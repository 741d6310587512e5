// Rows between MEM and the streams (docs/compiler.md, "Time model"): a row of a placed tensor
// read so that it lands at a position in a given cycle, or written from a value driven there,
// every byte plane on its own slice and stream of one group; and the retry loop every lowering
// books its pieces with.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

namespace lpu::lowering {

void Lowering::no_cycle(const WorkloadLayer& l, const char* what, int64_t row)
{
    layer_error(l, std::string("internal: no cycle found for ") + what + (row >= 0 ? " " + std::to_string(row) : ""));
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

std::vector<unsigned> Lowering::plane_positions(const MemBlock& b, unsigned planes) const
{
    std::vector<unsigned> pos(planes);
    for (unsigned k = 0; k < planes; ++k)
        pos[k] = sb_.position(sb_.mem_queue(b.slice + k));
    return pos;
}

bool Lowering::book_planes(Opcode op, const MemBlock& b, uint32_t word, const std::vector<uint64_t>& issue,
                           const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                           const std::vector<uint64_t>& drive, StreamId& group)
{
    const auto g = free_group(from, to, drive);
    if (!g)
        return false;
    group = *g;
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
    return true;
}

bool Lowering::read_row(const RowRef& r, unsigned to, uint64_t at, StreamId& group)
{
    const unsigned n = r.p->planes;
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    // Positions one by one, as the checks go: most attempts fail at the first byte plane.
    std::vector<unsigned> pos(n);
    std::vector<uint64_t> issue(n);
    for (unsigned k = 0; k < n; ++k) {
        pos[k] = sb_.position(sb_.mem_queue(b.slice + k));
        if (!timing::read_issue_for(sb_.mem(), at, pos[k], to, issue[k]) || !sb_.can_read(b.slice + k, word, issue[k]))
            return false;
    }
    // Allocated only now, for the same reason (read_row is the compiler's hottest path).
    std::vector<uint64_t> drives(n);
    for (unsigned k = 0; k < n; ++k)
        drives[k] = timing::read_drives(sb_.mem(), issue[k]);
    return book_planes(Opcode::Read, b, word, issue, pos, std::vector<unsigned>(n, to), drives, group);
}

bool Lowering::write_row(const RowRef& r, unsigned from, uint64_t drive, StreamId& group)
{
    const unsigned n = r.p->planes;
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    const std::vector<unsigned> pos = plane_positions(b, n);
    std::vector<uint64_t> at(n);
    for (unsigned k = 0; k < n; ++k) {
        at[k] = timing::arrives(drive, from, pos[k]);
        if (!sb_.can_write(b.slice + k, word, at[k]))
            return false;
    }
    return book_planes(Opcode::Write, b, word, at, std::vector<unsigned>(n, from), pos, std::vector<uint64_t>(n, drive),
                       group);
}

bool Lowering::read_zero(unsigned to, uint64_t at, StreamId& stream, unsigned planes, unsigned copy)
{
    const Placement zero = zero_row(planes, copy);
    return read_row(RowRef{&zero, 0, 0}, to, at, stream);
}

bool Lowering::extend_read(const SharedRead& r, unsigned to)
{
    const StreamDir dir = ScheduleBuilder::direction(r.from, r.end);
    if (ScheduleBuilder::direction(r.from, to) != dir)
        return false;
    if (ScheduleBuilder::hops(r.from, to) <= ScheduleBuilder::hops(r.from, r.end))
        return true;  // the value passes `to` inside what is booked
    const unsigned next = dir == StreamDir::East ? r.end + 1 : r.end - 1;
    const uint64_t at = timing::arrives(r.drive, r.from, next);
    for (unsigned k = 0; k < r.width; ++k)
        if (!sb_.stream_free(StreamId{r.group.dir, r.group.index + k}, next, to, at))
            return false;
    for (unsigned k = 0; k < r.width; ++k)
        sb_.book_stream(StreamId{r.group.dir, r.group.index + k}, next, to, at);
    return true;
}

}  // namespace lpu::lowering
