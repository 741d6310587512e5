#include "models/mxm/ProductWorker.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LPU_CPU_RELAX() _mm_pause()
#else
#define LPU_CPU_RELAX() std::this_thread::yield()
#endif

namespace lpu {

namespace {
// Spins before blocking: a product takes a microsecond or two, so the next job or result is
// usually this close; a thread that found nothing for this long sleeps (or yields, when waiting).
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
    const uint64_t n = submitted_.load(std::memory_order_relaxed);
    if (n - done_.load(std::memory_order_acquire) >= kJobs)
        wait(n - kJobs + 1);  // the ring is full: the oldest job's place is needed
    Job& j = jobs_[n & (kJobs - 1)];
    j.w = &w;
    j.p = p;
    j.a_signed = a_signed;
    j.a.assign(a, a + len);
    submitted_.store(n + 1, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(m_);  // the worker is between its check and its wait, or waiting
        cv_.notify_one();
    }
    return n + 1;
}

void ProductWorker::wait(uint64_t ticket)
{
    for (int spin = 0; done_.load(std::memory_order_acquire) < ticket; ++spin) {
        if (spin < kSpins)
            LPU_CPU_RELAX();
        else
            std::this_thread::yield();
    }
}

void ProductWorker::sleep_until_work()
{
    std::unique_lock<std::mutex> lock(m_);
    sleeping_.store(true, std::memory_order_seq_cst);
    cv_.wait(lock, [this] {
        return stop_.load() || submitted_.load(std::memory_order_seq_cst) > done_.load(std::memory_order_relaxed);
    });
    sleeping_.store(false, std::memory_order_relaxed);
}

void ProductWorker::loop()
{
    int idle = 0;
    for (;;) {
        const uint64_t d = done_.load(std::memory_order_relaxed);
        if (submitted_.load(std::memory_order_acquire) > d) {
            const Job& j = jobs_[d & (kJobs - 1)];
            j.w->product(j.a.data(), j.a_signed, j.p);
            done_.store(d + 1, std::memory_order_release);
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
