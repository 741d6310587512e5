// An observation port on the MXM planes of a running chip: everything that enters a plane and
// every result the model produces, in issue order, plus the progress of time. A co-simulation
// (tb/mxm/MxmChipCosim) plugs in here to run the RTL beside the model, as lowRISC Ibex's
// cosim checker is fed from outside rather than poking into the core.
#pragma once

#include "models/mxm/MxmCore.h"
#include "models/mxm/MxmInstr.h"

#include <cstddef>
#include <cstdint>

namespace lpu {

class MxmObserver {
public:
    virtual ~MxmObserver() = default;
    // Plane `plane` issues `in` in `cycle`, with its operand vector (LW, ABC) or none.
    virtual void on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len) = 0;
    // After an ACC's on_issue: what it did in the plane (the type of the product it took, the
    // lanes whose int32 add wrapped). Ignored by default: the co-simulation checks values only.
    virtual void on_accumulate(unsigned plane, const MxmAccumulate& acc)
    {
        (void)plane;
        (void)acc;
    }
    // The model's result of an emitting ACC on `plane`.
    virtual void on_result(unsigned plane, const MxmResult& result) = 0;
    // Every instruction issued before `cycle` has been reported.
    virtual void advance(uint64_t cycle) = 0;
    // The program has ended; `last_cycle` is its last cycle.
    virtual void finish(uint64_t last_cycle) = 0;
};

}  // namespace lpu
