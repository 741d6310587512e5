#include "StreamValue.h"

#include "models/common/SmallPool.h"

namespace lpu {

namespace {

constexpr size_t kMaxFree = 1u << 14;  // vectors kept per thread for reuse

struct FreeVectors {
    std::vector<Vector*> free;
    ~FreeVectors()
    {
        alive = false;
        for (Vector* v : free)
            delete v;
    }
    static thread_local bool alive;  // false once this thread's list is gone (thread exit)
};

thread_local bool FreeVectors::alive = true;
thread_local FreeVectors pool;

// Returns a vector to this thread's list, its buffer kept for the next value.
struct Recycle {
    void operator()(Vector* v) const noexcept
    {
        if (!FreeVectors::alive || pool.free.size() >= kMaxFree) {
            delete v;
            return;
        }
        try {
            pool.free.push_back(v);
        } catch (...) {
            delete v;
        }
    }
};

// A vector from this thread's list (zeroed if `zero`) or a new one (zeroed).
std::shared_ptr<Vector> recycled_vector(size_t lanes, bool zero)
{
    Vector* v = nullptr;
    if (FreeVectors::alive && !pool.free.empty()) {
        v = pool.free.back();
        pool.free.pop_back();
        if (zero)
            v->assign(lanes, 0);
        else
            v->resize(lanes);
    } else {
        v = new Vector(lanes);
    }
    return std::shared_ptr<Vector>(v, Recycle{}, PoolAllocator<Vector>{});
}

}  // namespace

std::shared_ptr<Vector> make_vector(size_t lanes) { return recycled_vector(lanes, true); }

std::shared_ptr<Vector> make_vector_for_overwrite(size_t lanes) { return recycled_vector(lanes, false); }

}  // namespace lpu
