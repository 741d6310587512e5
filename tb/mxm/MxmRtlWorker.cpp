#include "MxmRtlWorker.h"

namespace lpu {

namespace {
// Checks of the other side's progress (each a sched_yield) before sleeping: some tens of
// microseconds, longer than one RTL cycle or one pin computation takes.
constexpr unsigned kSpins = 200;
}  // namespace

MxmRtlWorker::MxmRtlWorker(MxmRtl& rtl, size_t depth) : rtl_(rtl), ring_(depth)
{
    thread_ = std::thread([this] { run(); });
}

MxmRtlWorker::~MxmRtlWorker()
{
    stop_.store(true);
    wake(worker_waiting_);
    thread_.join();
}

template <typename Ready> void MxmRtlWorker::wait_until(std::atomic<bool>& waiting, Ready ready)
{
    for (unsigned i = 0; i < kSpins; ++i) {
        if (ready())
            return;
        std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    // Set before ready() is checked again: a wake() that misses the flag comes after the change
    // that ready() is about to see (sequentially consistent atomics on both sides).
    waiting.store(true);
    cv_.wait(lock, ready);
    waiting.store(false);
}

void MxmRtlWorker::wake(std::atomic<bool>& waiting)
{
    if (waiting.load()) {
        std::lock_guard<std::mutex> lock(mutex_);
        cv_.notify_all();
    }
}

void MxmRtlWorker::submit()
{
    submitted_.fetch_add(1);
    wake(worker_waiting_);
}

const MxmRtlWorker::Job* MxmRtlWorker::done(bool wait)
{
    if (wait)
        wait_until(producer_waiting_, [this] { return finished_.load() > taken_; });
    if (finished_.load() == taken_)
        return nullptr;
    if (error_)
        std::rethrow_exception(error_);
    return &ring_[taken_ % ring_.size()];
}

void MxmRtlWorker::take() { ++taken_; }

void MxmRtlWorker::run()
{
    for (;;) {
        wait_until(worker_waiting_, [this] { return stop_.load() || submitted_.load() > finished_.load(); });
        const uint64_t next = finished_.load();
        if (submitted_.load() == next)
            return;  // stopped with nothing queued
        Job& job = ring_[next % ring_.size()];
        if (!error_) {
            try {
                if (!job.open_trace.empty())
                    rtl_.open_trace(job.open_trace);
                rtl_.cycle(job.cycle, job.in, job.out);
                if (job.close_trace)
                    rtl_.close_trace();
            } catch (...) {
                error_ = std::current_exception();
            }
        }
        finished_.fetch_add(1);
        wake(producer_waiting_);
    }
}

}  // namespace lpu
