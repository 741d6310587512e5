#include "WorkerPool.h"

namespace lpu {

WorkerPool::WorkerPool(unsigned threads)
{
    for (unsigned i = 1; i < threads; ++i)
        workers_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    start_.notify_all();
    for (std::thread& t : workers_)
        t.join();
}

void WorkerPool::run(size_t tasks, const std::function<void(size_t)>& task)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        task_ = &task;
        tasks_ = tasks;
        next_ = finished_ = 0;
        errors_.assign(tasks, nullptr);
        ++generation_;
    }
    start_.notify_all();
    drain();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return finished_ == tasks_; });
    task_ = nullptr;
    for (const std::exception_ptr& e : errors_)
        if (e)
            std::rethrow_exception(e);
}

// Takes tasks until none is left.
void WorkerPool::drain()
{
    for (;;) {
        size_t i = 0;
        const std::function<void(size_t)>* task = nullptr;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!task_ || next_ >= tasks_)
                return;
            i = next_++;
            task = task_;
        }
        std::exception_ptr error;
        try {
            (*task)(i);
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        errors_[i] = error;
        if (++finished_ == tasks_)
            done_.notify_all();
    }
}

void WorkerPool::work()
{
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            start_.wait(lock, [&] { return stop_ || (generation_ != seen && task_ != nullptr); });
            if (stop_)
                return;
            seen = generation_;
        }
        drain();
    }
}

}  // namespace lpu
