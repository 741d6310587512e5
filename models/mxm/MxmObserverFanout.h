// Several MXM observers as one, called in the order given: a chip takes one MxmObserver, and a
// run may want both the RTL co-simulation and functional coverage to watch its planes.
#pragma once

#include "models/mxm/MxmObserver.h"

#include <utility>
#include <vector>

namespace lpu {

class MxmObserverFanout final : public MxmObserver {
public:
    explicit MxmObserverFanout(std::vector<MxmObserver*> observers) : all_(std::move(observers)) {}

    void on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len) override
    {
        for (MxmObserver* o : all_)
            o->on_issue(plane, in, cycle, data, len);
    }
    void on_accumulate(unsigned plane, const MxmAccumulate& acc) override
    {
        for (MxmObserver* o : all_)
            o->on_accumulate(plane, acc);
    }
    void on_result(unsigned plane, const MxmResult& result) override
    {
        for (MxmObserver* o : all_)
            o->on_result(plane, result);
    }
    void advance(uint64_t cycle) override
    {
        for (MxmObserver* o : all_)
            o->advance(cycle);
    }
    void finish(uint64_t last_cycle) override
    {
        for (MxmObserver* o : all_)
            o->finish(last_cycle);
    }

private:
    std::vector<MxmObserver*> all_;
};

}  // namespace lpu
