// A Checker that demands every beat on the exact cycle: same port, cycle, chunk and values on
// both sides. Comparison is held back `lookahead` cycles so that a missing or surplus beat can
// be explained ("arrived 1 cycle late") instead of reported as two unrelated errors.
#pragma once

#include "tb/cosim/Checker.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

namespace lpu::cosim {

class CycleScoreboard : public Checker {
public:
    explicit CycleScoreboard(unsigned lookahead = 8) : lookahead_(lookahead) {}

    unsigned add_port(const std::string& name) override;
    void expect(unsigned port, Beat beat) override;
    void observe(unsigned port, Beat beat) override;
    void advance(uint64_t cycle) override;
    void finish() override;

    bool failed() const override { return divergence_.has_value(); }
    const Divergence* first_divergence() const override { return divergence_ ? &*divergence_ : nullptr; }
    uint64_t beats_checked() const override { return checked_; }
    uint64_t last_expected_cycle() const override { return last_expected_; }

private:
    using Key = std::tuple<uint64_t, unsigned, unsigned>;  // cycle, port, chunk: cycle-major order
    void compare_through(uint64_t cycle);                  // compares all beats of cycles <= cycle
    void diverge(Divergence d);
    template <typename Side>
    std::optional<int64_t> find_shifted(const Side& side, const Beat& beat, unsigned port) const;

    unsigned lookahead_;
    std::vector<std::string> ports_;
    std::map<Key, Beat> expected_;
    // A faulty DUT can drive two beats into one cycle's slot (a late beat meets the next one):
    // keep both, so the report can say which was late.
    std::multimap<Key, Beat> actual_;
    std::optional<Divergence> divergence_;
    uint64_t checked_ = 0;
    uint64_t last_expected_ = 0;
};

}  // namespace lpu::cosim
