// Instruction control: queues per VXM and SXM slice (spec: 144 queues on the published chip —
// 88 MEM, 16 VXM, 12 MXM, 28 SXM) and the Notify-to-resume latency of the chip-wide barrier.
#pragma once

namespace lpu {

class Config;
class ParamSchema;

struct IcuParams {
    unsigned vxm_queues = 0;
    unsigned sxm_queues = 0;      // per SXM slice
    unsigned notify_latency = 0;  // cycles from a Notify's issue to the parked queues' next issue

    static void declare(ParamSchema& schema);
    static IcuParams from_config(const Config& cfg);
};

}  // namespace lpu
