// Runs an MxmRtl on a thread of its own, a few cycles behind the thread that computes its pins,
// so that the Verilated RTL overlaps the rest of a co-simulation (stimulus, TLM model,
// scoreboard) on a second core. Cycles go through a ring of jobs in order; every MxmRtl call of a
// queued cycle (open_trace, cycle, close_trace) happens on the worker, and the results come back
// in cycle order. Single producer, single consumer: only the thread that owns the worker may call
// its methods.
#pragma once

#include "tb/mxm/MxmRtl.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lpu {

class MxmRtlWorker {
public:
    struct Job {
        uint64_t cycle = 0;
        MxmPinsIn in;
        MxmPinsOut out;
        std::string open_trace;    // non-empty: open this FST before the cycle
        bool close_trace = false;  // close the FST after the cycle
    };

    // At most `depth` cycles are queued or done but not yet taken back.
    MxmRtlWorker(MxmRtl& rtl, size_t depth);
    ~MxmRtlWorker();
    MxmRtlWorker(const MxmRtlWorker&) = delete;
    MxmRtlWorker& operator=(const MxmRtlWorker&) = delete;

    bool full() const { return submitted_.load() - taken_ == ring_.size(); }
    bool empty() const { return submitted_.load() == taken_; }
    // The job to fill for the next cycle; only while !full(). Its buffers are reused.
    Job& next_job() { return ring_[submitted_.load() % ring_.size()]; }
    void submit();  // hands next_job() to the worker
    // The oldest cycle the worker has run and not yet taken back, or nullptr if it is still
    // running it (`wait`: until it has run it; there must be one queued). Rethrows what the RTL
    // threw.
    const Job* done(bool wait);
    void take();  // done with the job done() returned

private:
    void run();
    // Waits until `ready()`, spinning briefly first: the other side is usually a few
    // microseconds away, and a sleep and a wake-up cost about as much.
    template <typename Ready> void wait_until(std::atomic<bool>& waiting, Ready ready);
    void wake(std::atomic<bool>& waiting);

    MxmRtl& rtl_;
    std::vector<Job> ring_;
    std::atomic<uint64_t> submitted_{0};  // jobs handed over (producer)
    std::atomic<uint64_t> finished_{0};   // jobs run (worker)
    uint64_t taken_ = 0;                  // jobs taken back (producer only)
    std::atomic<bool> stop_{false};
    std::atomic<bool> worker_waiting_{false}, producer_waiting_{false};
    std::mutex mutex_;
    std::condition_variable cv_;
    std::exception_ptr error_;  // written by the worker before it finishes the failing job
    std::thread thread_;
};

}  // namespace lpu
