// A thread of its own computing the MXM's integer products (MxmPackedWeights::product) while the
// chip's engine goes on with the rest of the cycle: when a product's values are needed never
// depends on them (its ACC comes array_latency cycles after its ABC), so the engine hands each
// ABC's product over and waits for it only when an ACC takes it. The values are the same bits as
// on the engine's thread; only who computes them changes (`lpusim run --threads 2`).
//
// One producer (the engine's thread) puts jobs in a ring; the worker takes them in order. A
// waiting engine does not idle: it takes the next jobs itself until its own is done, so a worker
// the operating system has not scheduled (a loaded machine) costs no more than no worker.
#pragma once

#include "models/mxm/MxmGemv.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace lpu {

class ProductWorker {
public:
    ProductWorker();
    ~ProductWorker();  // finishes every job handed over, then ends the thread
    ProductWorker(const ProductWorker&) = delete;
    ProductWorker& operator=(const ProductWorker&) = delete;

    // Queues p[0..N-1] = a . W and returns its ticket (1, 2, ...). The `len` bytes of `a` are
    // copied; `w` and `p` must stay as they are until wait(ticket) or drain() has returned.
    // Only the thread that submits may wait or drain.
    uint64_t submit(const MxmPackedWeights& w, const uint8_t* a, size_t len, bool a_signed, int32_t* p);
    // Returns once the job of `ticket` is done.
    void wait(uint64_t ticket);
    // Returns once every job submitted is done.
    void drain();

private:
    struct Job {
        const MxmPackedWeights* w = nullptr;
        int32_t* p = nullptr;
        bool a_signed = false;
        std::vector<uint8_t> a;
        std::atomic<uint64_t> finished{0};  // the ticket of the last job done in this place
    };
    static constexpr size_t kJobs = 64;  // a power of two: ABCs in flight before submit waits

    Job& job(uint64_t ticket) { return jobs_[(ticket - 1) & (kJobs - 1)]; }
    bool done(uint64_t ticket) { return job(ticket).finished.load(std::memory_order_acquire) >= ticket; }
    // Takes the next job nobody has taken and computes it; false when there is none.
    bool run_next();
    void loop();
    void sleep_until_work();

    std::array<Job, kJobs> jobs_;
    alignas(64) std::atomic<uint64_t> submitted_{0};
    alignas(64) std::atomic<uint64_t> taken_{0};
    alignas(64) std::atomic<bool> sleeping_{false};
    uint64_t oldest_ = 1;  // no job before it is unfinished (the submitting thread's own)
    std::atomic<bool> stop_{false};
    std::mutex m_;
    std::condition_variable cv_;
    std::thread thread_;
};

}  // namespace lpu
