#include "models/mxm/ProductWorker.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LPU_CPU_RELAX() _mm_pause()
#else
#define LPU_CPU_RELAX() std::this_thread::yield()
#endif

namespace lpu {

namespace {
// The worker spins this long for a next job before it sleeps: a product takes a microsecond or
// two and the engine hands them over a few per simulated cycle.
constexpr int kSpins = 4096;
}  // namespace

ProductWorker::ProductWorker() : thread_([this] { loop(); }) {}

ProductWorker::~ProductWorker()
{
    drain();
    {
        std::lock_guard<std::mutex> lock(m_);
        stop_.store(true);
    }
    cv_.notify_one();
    thread_.join();
}

uint64_t ProductWorker::submit(const MxmPackedWeights& w, const uint8_t* a, size_t len, bool a_signed, int32_t* p)
{
    const uint64_t ticket = submitted_.load(std::memory_order_relaxed) + 1;
    if (ticket > kJobs)
        wait(ticket - kJobs);  // the job that had this place must be done before it is reused
    Job& j = job(ticket);
    j.w = &w;
    j.p = p;
    j.a_signed = a_signed;
    j.a.assign(a, a + len);
    submitted_.store(ticket, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(m_);  // the worker is between its check and its wait, or waiting
        cv_.notify_one();
    }
    return ticket;
}

bool ProductWorker::run_next()
{
    uint64_t t = taken_.load(std::memory_order_relaxed);
    do {
        if (t >= submitted_.load(std::memory_order_acquire))
            return false;
    } while (!taken_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_relaxed));
    Job& j = job(t + 1);
    j.w->product(j.a.data(), j.a_signed, j.p);
    j.finished.store(t + 1, std::memory_order_release);
    return true;
}

void ProductWorker::wait(uint64_t ticket)
{
    while (!done(ticket))
        if (!run_next())  // taken by the worker, which is computing it now
            LPU_CPU_RELAX();
}

void ProductWorker::drain()
{
    const uint64_t last = submitted_.load(std::memory_order_relaxed);
    for (; oldest_ <= last; ++oldest_)
        wait(oldest_);
}

void ProductWorker::sleep_until_work()
{
    std::unique_lock<std::mutex> lock(m_);
    sleeping_.store(true, std::memory_order_seq_cst);
    cv_.wait(lock, [this] {
        return stop_.load() || submitted_.load(std::memory_order_seq_cst) > taken_.load(std::memory_order_relaxed);
    });
    sleeping_.store(false, std::memory_order_relaxed);
}

void ProductWorker::loop()
{
    for (int idle = 0;;) {
        if (run_next()) {
            idle = 0;
        } else if (stop_.load()) {
            return;
        } else if (++idle < kSpins) {
            LPU_CPU_RELAX();
        } else {
            sleep_until_work();
            idle = 0;
        }
    }
}

}  // namespace lpu
