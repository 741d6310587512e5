// Several ranks of one simulation as threads of this process (models/system/RankExchange.h),
// so tests can check that results do not depend on the number of ranks without mpirun. Every
// collective is a barrier: each rank leaves its message in a slot, waits for all, reads.
#pragma once

#include "models/system/RankExchange.h"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lpu::test {

class LocalRanks {
public:
    explicit LocalRanks(unsigned ranks) : slots_(ranks)
    {
        ranks_.reserve(ranks);
        for (unsigned r = 0; r < ranks; ++r)
            ranks_.emplace_back(*this, r);
    }

    // Runs body(rank's exchange) on one thread per rank and waits for all.
    void run(const std::function<void(RankExchange&)>& body)
    {
        std::vector<std::thread> threads;
        for (Rank& r : ranks_)
            threads.emplace_back([&body, &r] { body(r); });
        for (std::thread& t : threads)
            t.join();
    }

private:
    class Rank final : public RankExchange {
    public:
        Rank(LocalRanks& all, unsigned rank) : all_(all), rank_(rank) {}
        unsigned rank() const override { return rank_; }
        unsigned ranks() const override { return static_cast<unsigned>(all_.slots_.size()); }
        std::vector<std::string> all_to_all(const std::vector<std::string>& out) override
        {
            return all_.swap(rank_, out);
        }
        uint64_t min(uint64_t v) override
        {
            uint64_t least = v;
            for (const std::string& s : all_gather(std::to_string(v)))
                least = std::min<uint64_t>(least, std::stoull(s));
            return least;
        }
        std::vector<std::string> all_gather(const std::string& mine) override
        {
            return all_.swap(rank_, std::vector<std::string>(ranks(), mine));
        }
        std::vector<std::string> gather(const std::string& mine) override
        {
            std::vector<std::string> all = all_gather(mine);
            return rank_ == 0 ? all : std::vector<std::string>{};
        }

    private:
        LocalRanks& all_;
        unsigned rank_;
    };

    // Rank `r` sends out[s] to every rank s; returns what every rank sent to r.
    std::vector<std::string> swap(unsigned r, const std::vector<std::string>& out)
    {
        slots_[r] = out;
        barrier();
        std::vector<std::string> in(slots_.size());
        for (size_t s = 0; s < slots_.size(); ++s)
            in[s] = slots_[s][r];
        barrier();  // nobody overwrites a slot before everyone has read it
        return in;
    }

    void barrier()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        const uint64_t generation = generation_;
        if (++waiting_ == slots_.size()) {
            waiting_ = 0;
            ++generation_;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return generation_ != generation; });
        }
    }

    std::vector<std::vector<std::string>> slots_;
    std::vector<Rank> ranks_;
    std::mutex mutex_;
    std::condition_variable cv_;
    size_t waiting_ = 0;
    uint64_t generation_ = 0;
};

}  // namespace lpu::test
