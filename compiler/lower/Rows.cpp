// Rows between MEM and the streams (docs/compiler.md, "Time model"): a row of a placed tensor
// read so that it lands at a position in a given cycle, or written from a value driven there,
// every byte plane on its own slice and stream of one group; and the retry loop every lowering
// books its pieces with.
#include "compiler/lower/Lowering.h"
#include "models/spec/Timing.h"

#include <stdexcept>

namespace lpu::lowering {

void Lowering::no_cycle(const WorkloadLayer& l, const char* what, int64_t row)
{
    layer_error(l, std::string("internal: no cycle found for ") + what + (row >= 0 ? " " + std::to_string(row) : ""));
}

std::optional<StreamId> Lowering::free_group(unsigned n, const unsigned* from, const unsigned* to,
                                             const uint64_t* drive) const
{
    const StreamDir dir = ScheduleBuilder::direction(from[0], to[0]);
    const unsigned count = dir == StreamDir::East ? sb_.streams().east : sb_.streams().west;
    for (unsigned first = 0; first + n <= count; ++first) {
        bool ok = true;
        for (unsigned k = 0; k < n && ok; ++k)
            ok = sb_.stream_free(StreamId{dir, first + k}, from[k], to[k], drive[k]);
        if (ok)
            return StreamId{dir, first};
    }
    return std::nullopt;
}

std::optional<StreamId> Lowering::free_group(const std::vector<unsigned>& from, const std::vector<unsigned>& to,
                                             const std::vector<uint64_t>& drive) const
{
    return free_group(static_cast<unsigned>(from.size()), from.data(), to.data(), drive.data());
}

bool Lowering::book_planes(Opcode op, const MemBlock& b, uint32_t word, const PlaneAccess& acc, StreamId& group)
{
    const auto g = free_group(acc.n, acc.from.data(), acc.to.data(), acc.drive.data());
    if (!g)
        return false;
    group = *g;
    // One for every plane, only its stream differs; and one for every call (only op, a and the
    // stream are ever set), so that its stream list is not allocated millions of times.
    Instr& in = plane_instr_;
    in.op = op;
    in.a = word;
    in.streams.assign(1, group);
    for (unsigned k = 0; k < acc.n; ++k) {
        const unsigned slice = b.slice + k;
        const StreamId s{group.dir, group.index + k};
        in.streams[0] = s;
        sb_.place(sb_.mem_queue(slice), acc.issue[k], in);
        if (op == Opcode::Read)
            sb_.book_mem_read(slice, word, acc.issue[k]);
        else
            sb_.book_mem_write(slice, word, acc.issue[k]);
        sb_.book_stream(s, acc.from[k], acc.to[k], acc.drive[k]);
    }
    return true;
}

namespace {

// Byte planes of a row: at most four (an int32 or f32 word), so their accesses fit PlaneAccess.
unsigned planes_of(const RowRef& r)
{
    if (r.p->planes > PlaneAccess::kMax)
        throw std::logic_error("a row of " + std::to_string(r.p->planes) + " byte planes");
    return r.p->planes;
}

}  // namespace

bool Lowering::read_access(const RowRef& r, unsigned to, uint64_t at, PlaneAccess& acc) const
{
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    acc.n = planes_of(r);
    // Plane by plane, as the checks go: most attempts fail at the first byte plane (read_row is
    // the compiler's hottest path).
    for (unsigned k = 0; k < acc.n; ++k) {
        acc.from[k] = sb_.position(sb_.mem_queue(b.slice + k));
        acc.to[k] = to;
        if (!timing::read_issue_for(sb_.mem(), at, acc.from[k], to, acc.issue[k]) ||
            !sb_.can_read(b.slice + k, word, acc.issue[k]))
            return false;
        acc.drive[k] = timing::read_drives(sb_.mem(), acc.issue[k]);
    }
    return true;
}

bool Lowering::read_row(const RowRef& r, unsigned to, uint64_t at, StreamId& group)
{
    PlaneAccess acc;
    return read_access(r, to, at, acc) && book_row(Opcode::Read, r, acc, group);
}

bool Lowering::book_row(Opcode op, const RowRef& r, const PlaneAccess& acc, StreamId& group)
{
    const MemBlock& b = r.p->blocks.at(r.block);
    return book_planes(op, b, b.addr + r.row, acc, group);
}

bool Lowering::write_access(const RowRef& r, unsigned from, uint64_t drive, PlaneAccess& acc) const
{
    const MemBlock& b = r.p->blocks.at(r.block);
    const uint32_t word = b.addr + r.row;
    acc.n = planes_of(r);
    for (unsigned k = 0; k < acc.n; ++k) {
        acc.from[k] = from;
        acc.to[k] = sb_.position(sb_.mem_queue(b.slice + k));
        acc.drive[k] = drive;
        acc.issue[k] = timing::arrives(drive, from, acc.to[k]);
        if (!sb_.can_write(b.slice + k, word, acc.issue[k]))
            return false;
    }
    return true;
}

bool Lowering::write_row(const RowRef& r, unsigned from, uint64_t drive, StreamId& group)
{
    PlaneAccess acc;
    return write_access(r, from, drive, acc) && book_row(Opcode::Write, r, acc, group);
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
