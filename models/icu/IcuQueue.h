// One ICU instruction queue while a program runs (docs/isa.md 3.2): which instruction it issues
// next and when, Repeat and the MEM address registers (Iterations, Step, Countdown), Sync and
// Notify, Ifetch, the slice's power mode, and Deskew and RuntimeDeskew, which hold the queue
// on the chip's hardware-aligned counter. It decides *what* issues; the host (the chip's
// engine) executes it on the slice, counts it and reports it to the observers.
#pragma once

#include "models/common/ScheduleRule.h"
#include "models/icu/HacClock.h"
#include "models/isa/Instr.h"
#include "models/isa/Program.h"
#include "models/spec/IcuParams.h"
#include "models/stream/StreamFile.h"

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

// An instruction of a queue and its index (kFetchedIndex | place, for a fetched one).
using QueuedInstr = std::pair<const Instr*, uint32_t>;

// Instruction indices with this bit name an instruction an Ifetch brought in (the rest of the
// index is its place in the run's store of fetched instructions), not one of the program's list.
constexpr uint32_t kFetchedIndex = 0x800000;

class IcuHost {
public:
    virtual ~IcuHost() = default;
    // The slice of queue q executes `in` in cycle t (offset: a repetition's); counts the issue.
    virtual void execute(size_t q, const Instr& in, uint32_t index, uint64_t t, int64_t offset) = 0;
    // Queue q issued `in`, which the ICU runs itself (Nop, Sync, Notify, Config, Ifetch, MEM registers).
    virtual void issued(size_t q, const Instr& in, uint32_t index, uint64_t t) = 0;
    // The vector an Ifetch reads from stream s at the queue's slice in cycle t.
    virtual const Vector& fetch_read(size_t q, uint32_t index, StreamId s, uint64_t t) = 0;
    // The instructions of fetched `text` (Ifetch `index` of queue q, issued at `start`).
    virtual std::vector<QueuedInstr> fetched(size_t q, uint32_t index, uint64_t start, const std::string& text) = 0;
    // The chip's hardware-aligned counter (Deskew, RuntimeDeskew).
    virtual const HacClock& hac() const = 0;
    // Throws ScheduleError "cycle t: <instruction>: why" for a breach of `rule`.
    [[noreturn]] virtual void fail(size_t q, uint32_t index, uint64_t t, ScheduleRule rule, const std::string& why) = 0;
};

class IcuQueue {
public:
    IcuQueue(size_t q, const QueueInfo& info, const std::vector<Instr>& list, const IcuParams& icu, IcuHost& host);

    // No more issues: the list and everything fetched or repeated has issued.
    bool done() const { return done_; }
    bool parked() const { return parked_; }
    // Cycle of the next issue (meaningful while neither done nor parked).
    uint64_t next() const { return next_; }
    bool active() const { return !done_ && !parked_; }
    // Issues what is due in cycle t (== next()). Returns true if it issued a Notify.
    bool step(uint64_t t);
    // A Notify released the parked queue: it issues again from `cycle`.
    void release(uint64_t cycle);
    // The Sync it is parked at (or null).
    const Instr* parked_at() const { return parked_ ? sync_ : nullptr; }

private:
    bool finished() const { return fetched_.empty() && pc_ >= list_.size() && !repeat_of_ && !fetching_; }
    void pop();
    void start_repeat(const Instr& repeat);
    void repeat_step(uint64_t t);
    bool issue(const Instr& in, uint32_t index, uint64_t t);
    void issue_work(const Instr& in, uint32_t index, uint64_t t);
    void start_fetch(const Instr& in, uint32_t index, uint64_t t);
    void fetch_step(uint64_t t);
    void check_awake(uint32_t index, uint64_t t) const;
    void deskew(uint64_t t);
    void runtime_deskew(const Instr& in, uint32_t index, uint64_t t);

    size_t q_;
    const QueueInfo& info_;
    const std::vector<Instr>& list_;
    const IcuParams& icu_;
    IcuHost& host_;

    size_t pc_ = 0;  // next instruction of the program's list for this queue
    // Instructions an Ifetch brought in: they issue before list[pc], in order.
    std::deque<QueuedInstr> fetched_;
    uint64_t next_ = 0;  // cycle of the next issue
    bool parked_ = false, done_ = false;
    const Instr* sync_ = nullptr;  // where it parked
    uint64_t last_issue_ = 0;
    QueuedInstr prev_{nullptr, 0};  // the last instruction that did work: what a Repeat repeats
    // An active repetition of `repeat_of_` (a Repeat, or a MEM access's Iterations): `left_` more
    // issues, `spacing_` apart, operand + `offset_`; `pops_`: a Repeat, taken off when done.
    const Instr* repeat_of_ = nullptr;
    uint32_t repeat_index_ = 0;
    uint64_t left_ = 0, spacing_ = 0;
    int64_t step_ = 0, offset_ = 0;
    bool pops_ = false;
    // MEM address generator (Iterations, Step, Countdown): each access runs `iterations_` times.
    uint64_t iterations_ = 1, countdown_ = 1;
    int64_t addr_step_ = 0;
    bool low_power_ = false;  // Config
    // An Ifetch reading its vectors: `fetch_left_` more, text so far.
    const Instr* fetching_ = nullptr;
    uint32_t fetch_index_ = 0;
    uint64_t fetch_left_ = 0, fetch_start_ = 0;
    std::string fetch_text_;
    // Program time: the counter value the queue's last Deskew or RuntimeDeskew released it at,
    // and the cycle (RuntimeDeskew keeps the queue's cycles since then equal to the counter's).
    bool deskewed_ = false;
    uint64_t sync_cycle_ = 0, sync_hac_ = 0;
};

}  // namespace lpu
