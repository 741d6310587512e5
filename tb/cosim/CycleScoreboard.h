// A Checker that demands every beat on the exact cycle: same port, cycle, chunk and values on
// both sides. Comparison is held back `lookahead` cycles so that a missing or surplus beat can
// be explained ("arrived 1 cycle late") instead of reported as two unrelated errors. Beats of a
// cycle are compared in (cycle, port, chunk) order; two DUT beats with one key (a late beat
// meeting the next one) are both kept, in arrival order, so the report can say which was late.
#pragma once

#include "tb/cosim/Checker.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace lpu::cosim {

class CycleScoreboard : public Checker {
public:
    explicit CycleScoreboard(unsigned lookahead = 8) : lookahead_(lookahead), ring_(kInitialWindow) {}

    unsigned add_port(const std::string& name, OriginDescriber describe = nullptr) override;
    void expect(unsigned port, const Beat& beat) override;
    void observe(unsigned port, const Beat& beat) override;
    void advance(uint64_t cycle) override;
    void finish() override;

    bool failed() const override { return divergence_.has_value(); }
    const Divergence* first_divergence() const override { return divergence_ ? &*divergence_ : nullptr; }
    uint64_t beats_checked() const override { return checked_; }
    uint64_t last_expected_cycle() const override { return last_expected_; }

private:
    // Beats are held per cycle in a ring of buckets covering [base_, base_ + ring_.size()): the
    // cycles not compared yet, up to the latest beat. A bucket's beats are headers and values in
    // arrays of its own, reused when its cycle is done: a steady stream of beats allocates
    // nothing, and a cycle's beats are a few contiguous cache lines. A DUT beat equal to an
    // expected one already held only marks it `matched` (the common case: nothing is stored);
    // the comparison in cycle order still counts it in its place.
    struct Entry {
        uint64_t cycle = 0;
        unsigned port = 0, chunk = 0, lane0 = 0;
        bool matched = false;  // expected side: a DUT beat equal to it has been observed
        bool wide = false;     // its values: Side::wide, else (all fit 32 bits) Side::narrow,
        uint32_t offset = 0;   // [offset, offset + size)
        uint32_t size = 0;
        uint32_t origin = kNoText;  // index into Side::origins of its `origin` text, if any
        std::array<uint64_t, 4> origin_args{};
    };
    static constexpr uint32_t kNoText = ~uint32_t{0};
    struct Side {  // one side's beats of one cycle, in arrival order: entries[0, count) are live
        std::vector<Entry> entries;
        // Values that fit 32 bits (every MXM result) take half the bytes: fewer cache misses.
        std::vector<int32_t> narrow;       // [0, narrow_used) live
        std::vector<int64_t> wide;         // [0, wide_used) live
        std::vector<std::string> origins;  // [0, texts) live
        size_t count = 0, narrow_used = 0, wide_used = 0, texts = 0;
        // Calls f with a pointer to e's values (const int32_t* or const int64_t*).
        template <typename F> decltype(auto) with_values(const Entry& e, F f) const
        {
            return e.wide ? f(wide.data() + e.offset) : f(narrow.data() + e.offset);
        }
        bool same_values(const Entry& e, const Beat& b) const;
        bool same_values(const Entry& e, const Side& other, const Entry& o) const;
        Beat beat(const Entry& e) const;  // for a report
        void clear() { count = narrow_used = wide_used = texts = 0; }
    };
    struct Bucket {
        Side expected, actual;
    };
    struct Found {  // a beat held on one side
        const Side* side;
        const Entry* entry;
    };
    static constexpr size_t kInitialWindow = 64;  // cycles; grows (doubling) to what is in flight

    void add(Side Bucket::*side, unsigned port, const Beat& beat);
    bool match_expected(unsigned port, const Beat& beat);  // marks an equal expected beat
    Bucket& bucket_of(uint64_t cycle);                     // grows the window to reach `cycle`
    const Bucket* find_bucket(uint64_t cycle) const;       // nullptr outside the window
    void compare_through(uint64_t cycle);                  // compares all beats of cycles <= cycle
    void prefetch_expected(uint64_t cycle) const;          // into cache, before they are matched
    void compare_bucket(Bucket& b);                        // the oldest cycle's beats
    void report_lone(const Side& side, const Entry& lone, bool missing);
    void diverge(Divergence d, unsigned port);
    std::optional<Found> find_shifted(Side Bucket::*side, const Side& lone_side, const Entry& lone,
                                      int64_t* shift) const;

    unsigned lookahead_;
    std::vector<std::string> ports_;
    std::vector<OriginDescriber> describers_;
    std::vector<Bucket> ring_;  // size a power of two; cycle c lives in ring_[c & (size - 1)]
    uint64_t base_ = 0;         // every cycle before it is compared
    size_t live_ = 0;           // beats held, both sides
    std::vector<uint32_t> order_expected_, order_actual_;  // a bucket's comparison order (reused)
    std::optional<Divergence> divergence_;
    uint64_t checked_ = 0;
    uint64_t last_expected_ = 0;
    uint64_t last_actual_ = 0;
};

}  // namespace lpu::cosim
