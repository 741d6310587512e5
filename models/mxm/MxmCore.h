// The behaviour and timing of one MXM plane (docs/isa.md section 1), without SystemC: feed it
// instructions in issue order and it returns results with their exact arrival cycles, or
// throws ScheduleError for a program the hardware would run wrongly. MxmPlane puts it behind
// a TLM-2.0 socket; tests and benchmarks can use it directly.
#pragma once

#include "MxmInstr.h"
#include "MxmParams.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace lpu {

struct MxmResult {
    uint64_t acc_id = 0;       // the emitting ACC
    uint64_t acc_cycle = 0;    // its issue cycle
    uint64_t abc_id = 0;       // the ABC whose product it took
    uint64_t first_cycle = 0;  // cycle of chunk 0 at the output; chunk s arrives s cycles later
    uint32_t slot = 0;
    bool add = false;
    std::vector<int32_t> values;  // N elements
};

struct MxmStats {
    uint64_t instrs[kMxmChannels] = {};
    uint64_t results = 0;
    uint64_t dropped_products = 0;  // ABC products no ACC took
    uint64_t macs = 0;
    uint64_t last_cycle = 0;
};

class MxmCore {
public:
    explicit MxmCore(const MxmParams& params);

    // Executes `in` issued at `cycle`. `data` is the operand vector (N bytes for LW, K for ABC,
    // none otherwise). Returns true and fills `out` when an ACC emits.
    // Throws ScheduleError (timing rule broken) or InputError (bad operand).
    bool issue(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len, MxmResult& out);

    const MxmParams& params() const { return p_; }
    const MxmStats& stats() const { return stats_; }

private:
    struct Product {
        uint64_t cycle;  // issue cycle of its ABC
        uint64_t abc_id;
        std::vector<int32_t> values;
    };

    [[noreturn]] void schedule_error(const MxmInstr& in, uint64_t cycle, const std::string& rule) const;
    void check_order(const MxmInstr& in, uint64_t cycle);
    void do_lw(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    void do_iw(const MxmInstr& in, uint64_t cycle);
    void do_abc(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    bool do_acc(const MxmInstr& in, uint64_t cycle, MxmResult& out);
    void retire_products(uint64_t cycle);

    MxmParams p_;
    MxmStats stats_;
    // Weights are held sign- or zero-extended to int16 so the MAC loop is one widening
    // multiply that compilers vectorise.
    std::vector<int16_t> shadow_;   // K x N, row-major
    std::vector<int16_t> active_;   // K x N
    std::vector<int16_t> pending_;  // shadow as captured by the last IW, until an ABC may see it
    bool has_pending_ = false;
    bool has_iw_ = false;
    uint64_t iw_cycle_ = 0;
    uint64_t iw_id_ = 0;
    // Undo record of the last LW, so an IW processed after an LW of its own cycle does not
    // install it (docs/isa.md: IW at c installs LWs issued before c).
    bool has_lw_ = false;
    uint64_t lw_cycle_ = 0;
    uint64_t lw_id_ = 0;
    uint32_t lw_row_ = 0;
    std::vector<int16_t> lw_prev_row_;

    std::vector<std::vector<int32_t>> acc_;  // J x N
    std::deque<Product> products_;
    std::vector<std::vector<int32_t>> spare_;  // recycled product buffers

    uint64_t last_cycle_ = 0;
    bool started_ = false;
    bool issued_in_cycle_[kMxmChannels] = {};
};

}  // namespace lpu
