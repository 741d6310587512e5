// What the processes of one simulation spread over several ranks need of each other
// (docs/system.md, "Running over MPI"): bytes to every other rank and back, a global minimum,
// everyone's bytes, and agreement on the error that stops them all. models/mpi implements it on
// MPI; SoloExchange is the single process.
#pragma once

#include "models/common/ScheduleRule.h"

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace lpu {

// An error one rank met, ordered by (first, second): the lowest is the one every rank reports,
// the one a single process would have met first.
struct RankFailure {
    uint64_t first = 0, second = 0;
    enum class Kind : uint64_t { Schedule, Input, Check, Internal } kind = Kind::Internal;
    ScheduleRule rule = ScheduleRule::MxmIssueOrder;  // a Schedule failure's rule
    std::string what;
};

class RankExchange {
public:
    virtual ~RankExchange() = default;
    virtual unsigned rank() const = 0;
    virtual unsigned ranks() const = 0;
    // Sends out[r] to rank r (out has ranks() entries) and returns what each rank sent to this one.
    virtual std::vector<std::string> all_to_all(const std::vector<std::string>& out) = 0;
    // The minimum of `v` over all ranks.
    virtual uint64_t min(uint64_t v) = 0;
    // Every rank's `mine`, by rank.
    virtual std::vector<std::string> all_gather(const std::string& mine) = 0;
    // Rank 0: every rank's `mine`, by rank; the others: nothing.
    virtual std::vector<std::string> gather(const std::string& mine) = 0;

    // Every rank passes the first error it met, if any; then, if any rank met one, every rank
    // throws the lowest (ScheduleError, InputError, CheckError or std::runtime_error by kind).
    void agree(const std::optional<RankFailure>& mine) { agree_min(0, mine); }
    // agree() and min(v) in one exchange: the minimum of `v` over all ranks, if no rank failed.
    uint64_t agree_min(uint64_t v, const std::optional<RankFailure>& mine);
    // Whether an exception now in flight came from agree(), so every rank has it: otherwise the
    // other ranks may be waiting in a collective, and the run must be aborted.
    bool failure_agreed() const { return agreed_.has_value(); }
    // The failure agreed on, if any: (ps, chip) for a failure during a system's run.
    const std::optional<RankFailure>& agreed_failure() const { return agreed_; }

private:
    std::optional<RankFailure> agreed_;
};

// The whole simulation in one process.
class SoloExchange final : public RankExchange {
public:
    unsigned rank() const override { return 0; }
    unsigned ranks() const override { return 1; }
    std::vector<std::string> all_to_all(const std::vector<std::string>& out) override { return out; }
    uint64_t min(uint64_t v) override { return v; }
    std::vector<std::string> all_gather(const std::string& mine) override { return {mine}; }
    std::vector<std::string> gather(const std::string& mine) override { return {mine}; }
};

// The failure an exception in flight describes, ordered by (first, second).
RankFailure rank_failure(std::exception_ptr e, uint64_t first, uint64_t second);

// Which rank runs chip `chip` of `chips`: contiguous blocks, so a node's chips stay together.
inline unsigned chip_rank(size_t chip, size_t chips, unsigned ranks)
{
    return static_cast<unsigned>(chip * ranks / chips);
}

}  // namespace lpu
