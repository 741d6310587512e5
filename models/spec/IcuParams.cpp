#include "IcuParams.h"

#include "models/common/Config.h"

namespace lpu {

void IcuParams::declare(ParamSchema& schema)
{
    schema.add(ParamSpec::integer("chip.icu.vxm_queues", "instruction queues of the VXM (published: 16)")
                   .range(1, 64)
                   .def(int64_t{16}));
    schema.add(ParamSpec::integer("chip.icu.sxm_queues", "instruction queues per SXM slice (published: 28 in all, 14 each)")
                   .range(1, 64)
                   .def(int64_t{14}));
    schema.add(ParamSpec::integer("chip.icu.notify_latency",
                                  "cycles from a Notify's issue until the queues it releases issue again")
                   .range(1, 1024)
                   .def(int64_t{1}));
    schema.add(ParamSpec::integer("chip.icu.ifetch_latency",
                                  "cycles from the cycle an Ifetch reads its last vector until the first fetched "
                                  "instruction issues (decode and queue insertion)")
                   .range(1, 1024)
                   .def(int64_t{2}));
    schema.add(ParamSpec::integer("chip.icu.config_latency",
                                  "cycles from a Config (power mode change) until its queue issues again")
                   .range(1, 1024)
                   .def(int64_t{4}));
}

IcuParams IcuParams::from_config(const Config& cfg)
{
    IcuParams p;
    p.vxm_queues = static_cast<unsigned>(cfg.get_int("chip.icu.vxm_queues"));
    p.sxm_queues = static_cast<unsigned>(cfg.get_int("chip.icu.sxm_queues"));
    p.notify_latency = static_cast<unsigned>(cfg.get_int("chip.icu.notify_latency"));
    p.ifetch_latency = static_cast<unsigned>(cfg.get_int("chip.icu.ifetch_latency"));
    p.config_latency = static_cast<unsigned>(cfg.get_int("chip.icu.config_latency"));
    return p;
}

}  // namespace lpu
