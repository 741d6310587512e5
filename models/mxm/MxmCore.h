// The behaviour and timing of one MXM plane (docs/isa.md section 1), without SystemC: feed it
// instructions in issue order and it returns results with their exact arrival cycles, or
// throws ScheduleError for a program the hardware would run wrongly. MxmPlane puts it behind
// a TLM-2.0 socket; tests and benchmarks can use it directly.
#pragma once

#include "models/common/ScheduleRule.h"
#include "models/common/ZeroedAllocator.h"
#include "models/mxm/MxmGemv.h"
#include "models/mxm/MxmInstr.h"
#include "models/spec/MxmParams.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace lpu {

struct MxmResult {
    uint64_t acc_id = 0;       // the emitting ACC
    uint64_t acc_cycle = 0;    // its issue cycle
    uint64_t abc_id = 0;       // the ABC whose product it took
    uint64_t first_cycle = 0;  // cycle of chunk 0 at the output; chunk s arrives s cycles later
    uint32_t slot = 0;
    bool add = false;
    // false: values are int32 (i8/u8 ABC); true: values are IEEE binary32 bit patterns (f16 ABC,
    // docs/isa.md 1.5). Either way a 32-bit word per lane, leaving the plane the same way.
    bool fp32 = false;
    std::vector<int32_t> values;  // N elements
};

// What the last ACC did, for observers (functional coverage, docs/coverage.md).
struct MxmAccumulate {
    uint32_t slot = 0;
    bool add = false, emit = false;
    bool fp = false;             // it took a binary32 product (of an f16 ABC)
    uint64_t abc_cycle = 0;      // issue cycle of the ABC whose product it took
    unsigned wrapped_lanes = 0;  // an int32 add: lanes whose sum wrapped modulo 2^32 (with count_wraps)
};

struct MxmStats {
    uint64_t instrs[kMxmChannels] = {};
    uint64_t results = 0;
    uint64_t dropped_products = 0;  // ABC products no ACC took
    uint64_t macs = 0;              // integer MACs: K x N per i8/u8 ABC
    uint64_t macs_fp16 = 0;         // fp16 MACs: K x N per f16 ABC
    uint64_t last_cycle = 0;
};

class ProductWorker;

class MxmCore {
public:
    explicit MxmCore(const MxmParams& params);
    ~MxmCore();  // waits for its products still on the worker (they write into its buffers)
    MxmCore(const MxmCore&) = delete;
    MxmCore& operator=(const MxmCore&) = delete;

    // Executes `in` issued at `cycle`. `data` is the operand vector: for LW N lanes, for ABC K
    // lanes, of mxm_type_bytes(in.type) bytes each (f16: lane l's binary16 little-endian in
    // bytes 2l, 2l + 1); none for IW and ACC. Returns true and fills `out` when an ACC emits.
    // Throws ScheduleError (timing or type rule broken) or InputError (bad operand).
    bool issue(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len, MxmResult& out);

    const MxmParams& params() const { return p_; }

    // Batched products. A weight set stays installed over many ABCs, and the activations of the
    // next ones are often already travelling towards the plane, so the executor, before the ABC
    // of `cycle`, offers what it sees arriving for cycles cycle + 1 .. cycle + n (lookahead());
    // the ABC multiplies them with its own in one batch (MxmPackedWeights::products). They are
    // guesses: a later ABC takes a product made ahead only if it has exactly those activations,
    // type and weights, and otherwise multiplies its own (on the worker, if there is one).
    // Batches are made on the caller's thread: made as jobs on the worker they measured slower
    // (docs/performance.md). Integer products only; observers see the same values and cycles
    // either way.
    // Whether the ABC of `cycle` would use an offer (none of its products is made yet).
    bool wants_lookahead(uint64_t cycle) const;
    // `acts[i]` (K bytes each) for the ABC of cycle + 1 + i: the array is copied, the bytes it
    // points at must stay as they are until the next issue() returns, which alone reads them.
    void lookahead(uint64_t cycle, const uint8_t* const* acts, unsigned n);
    struct BatchStats {
        uint64_t batches = 0;  // batched multiplications (each of 2 to kMaxBatch vectors)
        uint64_t made = 0;     // products made ahead in them
        uint64_t taken = 0;    // ... that an ABC took (made - taken: guessed wrong, or no ABC came)
    };
    const BatchStats& batch_stats() const { return batch_stats_; }
    // The kernel integer products run on (default: the fastest this CPU has): every kernel gives
    // the same bits, so this is for tests and measurements.
    void set_kernel(MxmKernel k)
    {
        kernel_ = k;
        packed_stale_ = true;
    }
    // Integer products computed on `worker`'s thread from now on (null: on the caller's). The
    // worker must outlive this core or be set back to null first.
    void set_worker(ProductWorker* worker);
    const MxmStats& stats() const { return stats_; }
    // What the last ACC did. Its wrapped_lanes are counted only after count_wraps(true), which
    // costs a few operations per lane of every int32 add.
    const MxmAccumulate& last_accumulate() const { return acc_info_; }
    void count_wraps(bool on) { count_wraps_ = on; }
    // How schedule errors name an instruction by its MxmInstr::id; by default "#id". A chip
    // names them by queue, text and source line.
    void set_namer(std::function<std::string(uint64_t)> namer) { namer_ = std::move(namer); }

private:
    // What a weight buffer or an accumulator slot holds. Zero: nothing written since reset;
    // all-zero words read as int 0 and as +0.0 alike, so they go with either type.
    enum class Kind : uint8_t { Zero, Int, Fp };

    struct Product {
        uint64_t cycle;  // issue cycle of its ABC
        uint64_t abc_id;
        bool fp;                      // f16 ABC: values are binary32 bit patterns
        std::vector<int32_t> values;  // N
        uint64_t ticket = 0;          // its job on the product worker (0: computed here)
    };
    struct RowOrigin {  // the LW that last wrote a shadow row, for type rule reports
        bool written = false;
        MxmType type = MxmType::I8;
        uint64_t lw_id = 0;
        uint64_t lw_cycle = 0;
    };
    struct Writer {  // the ACC that last wrote a slot
        uint64_t acc_id = 0;
        uint64_t acc_cycle = 0;
    };

    [[noreturn]] void schedule_error(const MxmInstr& in, uint64_t cycle, ScheduleRule kind,
                                     const std::string& rule) const;
    std::string name(uint64_t id) const;
    std::function<std::string(uint64_t)> namer_;
    void check_order(const MxmInstr& in, uint64_t cycle);
    // The weights an ABC of `cycle` reads are the pending install's: its IW lies in an earlier cycle.
    bool takes_pending(uint64_t cycle) const { return has_pending_ && cycle > iw_cycle_; }
    void do_lw(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    void do_iw(const MxmInstr& in, uint64_t cycle);
    void do_abc(const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    void abc_int(const MxmInstr& in, uint64_t cycle, const uint8_t* data, std::vector<int32_t>& p, uint64_t& ticket);
    // p from the batch made ahead (if its guess was right) or from a new batch (if offered).
    bool batched_product(const MxmInstr& in, uint64_t cycle, const uint8_t* data, std::vector<int32_t>& p);
    void abc_f16(const uint8_t* data, std::vector<int32_t>& p);
    bool do_acc(const MxmInstr& in, uint64_t cycle, MxmResult& out);
    void await(const Product& pr) const;
    void retire_products(uint64_t cycle);
    void activate_pending();
    void ensure_fp_buffers();
    std::string describe_row(uint32_t row, const RowOrigin& o) const;

    MxmParams p_;
    MxmStats stats_;
    // Integer weights are held sign- or zero-extended to int16 (a row of either type in one
    // buffer), which the product kernel packs once per install (MxmGemv.h); fp16 weights are held widened to binary32 (exact) in
    // the *_f_ buffers, which exist from the first f16 instruction on. A buffer's Kind says
    // which of the two is valid; the other is stale and never read.
    // Zero until written, without a memset (ZeroedAllocator): a plane no program loads costs
    // nothing, which matters in a system of thousands of chips.
    using Weights = std::vector<int16_t, ZeroedAllocator<int16_t>>;
    Weights shadow_;            // K x N, row-major
    Weights active_;            // K x N
    Weights pending_;           // shadow as captured by the last IW, until an ABC may see it
    MxmPackedWeights packed_;   // active_ packed for the product kernel ...
    bool packed_stale_ = true;  // ... or not yet, since the last install
    MxmKernel kernel_ = mxm_kernel_default();
    std::vector<float> shadow_f_, active_f_, pending_f_;       // K x N
    std::vector<uint8_t> shadow_nf_, active_nf_, pending_nf_;  // K: fp16 row holds an inf or NaN
    std::vector<RowOrigin> shadow_rows_;                       // K
    unsigned shadow_int_rows_ = 0, shadow_fp_rows_ = 0;        // written rows by type
    Kind active_kind_ = Kind::Zero, pending_kind_ = Kind::Zero;
    uint64_t active_iw_id_ = 0, active_iw_cycle_ = 0;  // the IW that installed the active weights
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
    MxmType lw_type_ = MxmType::I8;
    std::vector<int16_t> lw_prev_row_;
    std::vector<float> lw_prev_row_f_;
    uint8_t lw_prev_nf_ = 0;
    RowOrigin lw_prev_origin_;

    // The fp16 issue interval (docs/isa.md 1.5): the last f16 ABC.
    bool has_fp_abc_ = false;
    uint64_t fp_abc_cycle_ = 0;
    uint64_t fp_abc_id_ = 0;

    std::vector<std::vector<int32_t>> acc_;  // J x N: int32 values or binary32 bit patterns
    std::vector<Kind> acc_kind_;             // J
    std::vector<Writer> acc_writer_;         // J
    std::deque<Product> products_;
    ProductWorker* worker_ = nullptr;
    std::vector<std::vector<int32_t>> spare_;  // recycled product buffers
    std::vector<float> act_f_;                 // K: the f16 activation widened to binary32
    std::vector<float> sum_f_;                 // N: column sums of an f16 ABC

    // Products made ahead for the ABCs of cycles first .. first + count - 1 (batched_product), with
    // the weights packed now: a pack empties it.
    struct Batch {
        uint64_t first = 0;
        unsigned count = 0;
        bool a_signed = false;
        std::vector<uint8_t> acts;    // count x K: the activations guessed
        std::vector<int32_t> values;  // count x N
    };
    Batch batch_;
    BatchStats batch_stats_;
    // The offer for the issue of look_cycle_: the pointers copied (the caller's array may be gone
    // by then), the activations they point at read during that issue.
    const uint8_t* look_[MxmPackedWeights::kMaxBatch - 1] = {};
    unsigned look_n_ = 0;
    uint64_t look_cycle_ = 0;
    unsigned offered_ = 0;  // look_n_ as the current issue() took it (0: no offer for it)

    MxmAccumulate acc_info_;
    bool count_wraps_ = false;

    uint64_t last_cycle_ = 0;
    bool started_ = false;
    bool issued_in_cycle_[kMxmChannels] = {};
};

}  // namespace lpu
