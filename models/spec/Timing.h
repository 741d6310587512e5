// The timing rules of docs/isa.md, each written once. The chip's executors and checkers apply
// them as instructions execute (models/mem, mxm, vxm, sxm), and the compiler's booking table and
// lowerings (compiler/) plan with the same functions: a rule cannot differ between what the
// compiler predicts and what the chip does.
#pragma once

#include "models/spec/Floorplan.h"
#include "models/spec/MemParams.h"
#include "models/spec/MxmParams.h"
#include "models/spec/SxmSliceParams.h"
#include "models/spec/VxmSliceParams.h"

#include <cstdint>

namespace lpu::timing {

// Streams (2.2): a value driven at position `from` in cycle `drive` is at position `to` in cycle
// drive + hops(from, to), on a stream running from `from` toward `to`.
inline uint64_t arrives(uint64_t drive, unsigned from, unsigned to) { return drive + Floorplan::hops(from, to); }

// MEM (3.3, docs/mem.md): a Read or Gather issued in `issue` drives its vector at its slice in
// issue + read_latency.
inline uint64_t read_drives(const MemParams& m, uint64_t issue) { return issue + m.read_latency; }
// The cycle a Read at position `from` must issue in for its vector to be at position `to` in
// `at`, or false if that is before cycle 0.
inline bool read_issue_for(const MemParams& m, uint64_t at, unsigned from, unsigned to, uint64_t& issue)
{
    const uint64_t before = uint64_t{m.read_latency} + Floorplan::hops(from, to);
    if (at < before)
        return false;
    issue = at - before;
    return true;
}
// A Write or Scatter issued in `issue` commits in issue + write_latency: Reads issued in that
// cycle or later see its data.
inline uint64_t write_commits(const MemParams& m, uint64_t issue) { return issue + m.write_latency; }
// The cycle an access uses its bank (superlane 0; every tile one cycle after the tile before):
// a read in its issue cycle, a write in the cycle before it commits.
inline uint64_t bank_cycle(const MemParams& m, uint64_t issue, bool write)
{
    return write ? issue + m.write_latency - 1 : issue;
}
// A read and a write of one slice in one bank cycle clash if they use the same bank.
inline bool banks_clash(const MemParams& m, uint32_t read_word, uint32_t write_word)
{
    return m.bank_of(read_word) == m.bank_of(write_word);
}

// MXM (1.2): the ACC issued in `acc` takes the product of the ABC issued array_latency before it,
inline uint64_t acc_for_abc(const MxmParams& p, uint64_t abc) { return abc + p.array_latency; }
// and chunk 0 of the result it emits is on its streams result_latency (S + R) after it.
inline uint64_t result_drives(const MxmParams& p, uint64_t acc) { return acc + p.result_latency(); }

// VXM (3.3): an operation's result is on its stream group (or the next ALU's input) alu_latency
// after its issue, per ALU of a chain.
inline uint64_t vxm_result(const VxmSliceParams& v, uint64_t issue, unsigned alus = 1)
{
    return issue + uint64_t{alus} * v.alu_latency;
}

// SXM (3.3): the outputs are on their streams `latency` after the issue.
inline uint64_t sxm_result(const SxmSliceParams& s, uint64_t issue) { return issue + s.latency; }

}  // namespace lpu::timing
