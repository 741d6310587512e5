// RankExchange on MPI (docs/system.md, "Running over MPI"): one simulation over the processes
// mpirun starts, each rank running its own chips. Only the thread that made it calls MPI (the
// chips' worker threads never do), so MPI_THREAD_FUNNELED is enough.
#pragma once

#include "models/system/RankExchange.h"

namespace lpu {

class MpiExchange final : public RankExchange {
public:
    // Whether mpirun (or another MPI launcher) started this process: only then is MPI initialised,
    // so a plain run neither pays for MPI nor needs a launcher.
    static bool launched();

    // Initialises MPI on MPI_COMM_WORLD; finalises it when destroyed.
    MpiExchange();
    ~MpiExchange() override;
    MpiExchange(const MpiExchange&) = delete;
    MpiExchange& operator=(const MpiExchange&) = delete;

    unsigned rank() const override { return rank_; }
    unsigned ranks() const override { return ranks_; }
    std::vector<std::string> all_to_all(const std::vector<std::string>& out) override;
    uint64_t min(uint64_t v) override;
    std::vector<std::string> all_gather(const std::string& mine) override;
    std::vector<std::string> gather(const std::string& mine) override;

    // Stops every rank at once: for an error the other ranks cannot know of (they may be waiting
    // in a collective). Prints nothing; the caller has.
    [[noreturn]] void abort(int code);

private:
    unsigned rank_ = 0, ranks_ = 1;
};

}  // namespace lpu
