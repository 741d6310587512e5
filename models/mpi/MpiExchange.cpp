#include "MpiExchange.h"

#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace lpu {

namespace {

void check(int rc, const char* what)
{
    if (rc != MPI_SUCCESS)
        throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

// MPI counts are ints: a message of 2 GiB or more is refused rather than cut.
int count_of(size_t n)
{
    if (n > static_cast<size_t>(INT_MAX))
        throw std::runtime_error("MPI: a rank's message exceeds 2 GiB");
    return static_cast<int>(n);
}

// Displacements of consecutive blocks of `counts`; the total as the last element.
std::vector<int> displacements(const std::vector<int>& counts)
{
    std::vector<int> d(counts.size() + 1, 0);
    size_t total = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        d[i] = count_of(total);
        total += static_cast<size_t>(counts[i]);
    }
    d.back() = count_of(total);
    return d;
}

std::vector<std::string> split(const std::vector<char>& all, const std::vector<int>& counts, const std::vector<int>& at)
{
    std::vector<std::string> out(counts.size());
    for (size_t i = 0; i < counts.size(); ++i)
        out[i].assign(all.data() + at[i], static_cast<size_t>(counts[i]));
    return out;
}

}  // namespace

bool MpiExchange::launched()
{
    // Open MPI's mpirun, then any PMI / PMIx launcher (MPICH's mpiexec, srun).
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
        if (std::getenv(v))
            return true;
    return false;
}

MpiExchange::MpiExchange()
{
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<unsigned>(rank);
    ranks_ = static_cast<unsigned>(size);
}

MpiExchange::~MpiExchange() { MPI_Finalize(); }

void MpiExchange::abort(int code)
{
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; should it, this process still stops
}

std::vector<std::string> MpiExchange::all_to_all(const std::vector<std::string>& out)
{
    if (out.size() != ranks_)
        throw std::logic_error("MpiExchange::all_to_all: one message per rank");
    std::vector<int> send_counts(ranks_), recv_counts(ranks_);
    std::string send;
    for (unsigned r = 0; r < ranks_; ++r) {
        send_counts[r] = count_of(out[r].size());
        send += out[r];
    }
    check(MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Alltoall");
    const std::vector<int> send_at = displacements(send_counts), recv_at = displacements(recv_counts);
    std::vector<char> recv(static_cast<size_t>(recv_at.back()));
    check(MPI_Alltoallv(send.data(), send_counts.data(), send_at.data(), MPI_CHAR, recv.data(), recv_counts.data(),
                        recv_at.data(), MPI_CHAR, MPI_COMM_WORLD),
          "MPI_Alltoallv");
    return split(recv, recv_counts, recv_at);
}

uint64_t MpiExchange::min(uint64_t v)
{
    uint64_t least = v;
    check(MPI_Allreduce(&v, &least, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return least;
}

std::vector<std::string> MpiExchange::all_gather(const std::string& mine)
{
    const int n = count_of(mine.size());
    std::vector<int> counts(ranks_);
    check(MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    const std::vector<int> at = displacements(counts);
    std::vector<char> all(static_cast<size_t>(at.back()));
    check(MPI_Allgatherv(mine.data(), n, MPI_CHAR, all.data(), counts.data(), at.data(), MPI_CHAR, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    return split(all, counts, at);
}

std::vector<std::string> MpiExchange::gather(const std::string& mine)
{
    const int n = count_of(mine.size());
    std::vector<int> counts(ranks_);
    check(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    const std::vector<int> at = displacements(counts);
    std::vector<char> all(rank_ == 0 ? static_cast<size_t>(at.back()) : 0);
    check(MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), counts.data(), at.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    return rank_ == 0 ? split(all, counts, at) : std::vector<std::string>{};
}

}  // namespace lpu
