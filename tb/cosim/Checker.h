// The co-simulation checker interface, in the spirit of lowRISC Ibex's dv/cosim/cosim.h: a
// small abstract class fed from outside by observation ports — the reference model reports
// what it expects on each output port in each cycle, the DUT monitor reports what it saw —
// never by poking into either side. Any unit's co-simulation can reuse it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lpu::cosim {

// What one output port carries in one cycle for one chunk (superlane) of a vector.
struct Beat {
    uint64_t cycle = 0;
    unsigned chunk = 0;  // superlane
    unsigned lane0 = 0;  // lane of values[0]
    std::vector<int64_t> values;
    std::string origin;  // what produced it (expected side), e.g. "ACC 2, add, emit (#57, cycle 1210)"
    // The same, for producers that must not format text per beat: numbers that the port's
    // OriginDescriber turns into `origin` only when the beat is part of a divergence report.
    std::array<uint64_t, 4> origin_args{};
};

// Formats a beat's origin from its origin_args (see Checker::add_port).
using OriginDescriber = std::function<std::string(const Beat&)>;

enum class DivergenceKind {
    Value,       // both sides delivered the beat; some lanes differ
    Missing,     // the reference expected a beat; the DUT delivered none
    Unexpected,  // the DUT delivered a beat the reference did not expect
};

struct Divergence {
    std::string port;
    DivergenceKind kind = DivergenceKind::Value;
    uint64_t cycle = 0;
    unsigned chunk = 0;
    Beat expected;  // empty values for Unexpected
    Beat actual;    // empty values for Missing
    // For Missing / Unexpected: the same values found on the other side `shift` cycles later
    // (Missing: the DUT was late by shift) or earlier (Unexpected: the DUT was early).
    bool found_shifted = false;
    int64_t shift = 0;

    // Multi-line human-readable report.
    std::string describe() const;
};

class Checker {
public:
    virtual ~Checker() = default;

    // Declares an output port; returns its id for expect()/observe(). `describe`, if given, fills
    // in the origin of a reported expected beat whose `origin` is empty.
    virtual unsigned add_port(const std::string& name, OriginDescriber describe = nullptr) = 0;
    // Reference side: `beat` must appear on `port` in beat.cycle. May arrive ahead of time. The
    // checker copies what it needs: the caller may reuse `beat` (no allocation per beat).
    virtual void expect(unsigned port, const Beat& beat) = 0;
    // DUT side: `beat` appeared on `port` in beat.cycle. Called in non-decreasing cycle order.
    virtual void observe(unsigned port, const Beat& beat) = 0;
    // Every observation of cycles before `cycle` has been made; compares what it can.
    virtual void advance(uint64_t cycle) = 0;
    // The run is over: compares everything left.
    virtual void finish() = 0;

    virtual bool failed() const = 0;
    virtual const Divergence* first_divergence() const = 0;
    virtual uint64_t beats_checked() const = 0;
    // Last cycle with an expected beat, so the driver knows how long to keep the DUT running.
    virtual uint64_t last_expected_cycle() const = 0;
};

}  // namespace lpu::cosim
