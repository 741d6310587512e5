// The plan of a matmul on the MXM planes (docs/compiler.md, "Matmul"): which plane computes which
// column block of the result over which K blocks and rows, in which order, and whose running sums
// a plane adds before the epilogue. A pure function of the shape and a few chip parameters: no
// booking, no placement, no state, so that anything deciding how to spread a matmul (the
// lowering, which books each candidate way and keeps the fastest; a partitioner over several
// chips) can compute and compare plans on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace lpu {

// [m, k] x [k, n]; f16: fp16 operands, whose f32 sums round, so their K blocks are added in
// order and never split between planes (int8 sums wrap: any order, any split).
struct MatmulShape {
    uint64_t m = 0, k = 0, n = 0;
    bool f16 = false;
};

// What the plan depends on of the chip.
struct MatmulChip {
    unsigned planes = 0;               // MXM planes, half in each hemisphere
    unsigned lanes = 0;                // the width of a column block, K block and weight block
    unsigned fp16_issue_interval = 1;  // cycles an fp16 ABC holds a plane's activation port
};

// How the column blocks are spread over the planes.
struct MatmulWay {
    unsigned share = 1;       // planes on each column block (1: one plane per block)
    unsigned share_last = 0;  // with share 1: this many last column blocks (a partial round) are
                              // K-split over the planes (0: none)
    bool split_rows = false;  // the sharing planes split the block's rows, not its K blocks
    bool operator==(const MatmulWay& o) const
    {
        return share == o.share && share_last == o.share_last && split_rows == o.split_rows;
    }
};

// One plane's work on one column block: rows [m0, m1) over the K blocks kts, in that order.
struct MatmulJob {
    unsigned nt = 0;
    std::vector<unsigned> kts;
    bool finisher = true;         // its last step's sums go through the epilogue to the result
    std::vector<unsigned> peers;  // planes whose last job's running sums a finisher adds first
    uint32_t m0 = 0, m1 = 0;
    bool operator==(const MatmulJob& o) const
    {
        return nt == o.nt && kts == o.kts && finisher == o.finisher && peers == o.peers && m0 == o.m0 && m1 == o.m1;
    }
};

// Plane `plane`'s job jobs[plane][job] at its step-th K block.
struct MatmulStep {
    unsigned plane = 0, job = 0, step = 0;
};

struct MatmulPlan {
    MatmulShape shape;
    MatmulWay way;
    unsigned planes = 0, k_blocks = 0, n_blocks = 0;
    unsigned half = 1;                         // planes per hemisphere
    std::vector<std::vector<MatmulJob>> jobs;  // per plane, in the order it runs them
    // Round r holds every plane's r-th step, planes in order: booked round by round, each round's
    // steps in the order of read_groups, a finisher (the highest plane of its group, with the most
    // K blocks) after its peers' last steps.
    std::vector<std::vector<MatmulStep>> rounds;

    const MatmulJob& job(const MatmulStep& s) const { return jobs[s.plane][s.job]; }
    unsigned kt(const MatmulStep& s) const { return job(s).kts[s.step]; }
    bool last(const MatmulStep& s) const { return s.step + 1 == job(s).kts.size(); }
    // Whether the step's sums go through the epilogue into the result.
    bool done(const MatmulStep& s) const { return last(s) && job(s).finisher; }
    unsigned hemisphere(unsigned plane) const { return plane / half; }
    // Whether two steps of a round may share each read of A: a row read once passes both planes
    // (one hemisphere, the same K block and rows; the lowering also needs them on one side of A).
    bool may_share_read(const MatmulStep& a, const MatmulStep& b) const;
    // Whether some job of `plane` leaves its sums for a finisher.
    bool feeds_finisher(unsigned plane) const;
    // Whether step `a` adds the running sums step `b` writes: a finisher's last step and the last
    // step of a peer's last job. `b` must be booked before `a`.
    bool adds_sums_of(const MatmulStep& a, const MatmulStep& b) const;

    // Whether the planes of two steps on the same K block are on the same side of the MEM slice
    // holding it (the lowering knows, from the placement): only then does one read pass both.
    using SameSide = std::function<bool(const MatmulStep&, const MatmulStep&)>;
    // The steps of round r (indices into rounds[r]) in groups that share each read of A, in the
    // order the lowering books them: each step joins the first group whose first step it may
    // share reads with (may_share_read, same side); the groups go in the order of their first
    // steps, except that a group waits for the groups of the steps it adds the sums of
    // (adds_sums_of: a finisher after its peers, whatever it shares reads with).
    std::vector<std::vector<size_t>> read_groups(size_t r, const SameSide& same_side) const;

    // Running sums over K blocks go through four buffers per plane (0 .. 3). Step i of a job writes
    // buffer i mod 2 and reads the other. The last step of a job whose sums a finisher adds
    // writes row m to buffer 2 + m mod 2 instead, so that those slices can take the finisher's
    // reads between the writes (a MEM slice issues one access per cycle).
    static unsigned sum_buffer(const MatmulJob& j, unsigned step, uint32_t m);
    // The buffer holding row m of `peer`'s final sums (its last job's last step).
    unsigned peer_buffer(unsigned peer, uint32_t m) const;
};

// How many leading rounds two plans of one shape book alike: the same steps of equal jobs, and
// for a finisher's peers the same jobs (all a round's booking and read groups depend on). A way
// booked after another continues from its state after them.
size_t shared_rounds(const MatmulPlan& a, const MatmulPlan& b);

// The ways worth booking for this matmul, the first always one plane per column block; more when
// that leaves planes idle (fewer blocks than planes, or a partial last round). Their estimates
// ignore the running sums' traffic, so the lowering books each and keeps the fastest.
std::vector<MatmulWay> matmul_ways(const MatmulShape& shape, const MatmulChip& chip);

// The plan of `shape` spread `way` (one of matmul_ways) over chip.planes planes.
MatmulPlan plan_matmul(const MatmulShape& shape, const MatmulChip& chip, const MatmulWay& way = {});

}  // namespace lpu
