// Threads that run the chips of a system between window boundaries: `run(n, task)` calls
// task(0) .. task(n-1), each exactly once, spread over the workers and the calling thread, and
// returns when all are done. Which thread runs which task does not matter to the result: the
// tasks (one chip's window each) touch disjoint state. An exception escaping a task is rethrown
// from run(), the one of the lowest task index, so errors are deterministic too.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lpu {

class WorkerPool {
public:
    // `threads` in all, the caller included (1: no worker thread).
    explicit WorkerPool(unsigned threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
    void run(size_t tasks, const std::function<void(size_t)>& task);

private:
    void work();
    void drain();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable start_, done_;
    const std::function<void(size_t)>* task_ = nullptr;
    size_t tasks_ = 0, next_ = 0, finished_ = 0;
    uint64_t generation_ = 0;
    bool stop_ = false;
    std::vector<std::exception_ptr> errors_;
};

}  // namespace lpu
