// Instruction control: queues per VXM and SXM slice (spec: 144 queues on the published chip —
// 88 MEM, 16 VXM, 12 MXM, 28 SXM) and the latencies of the ICU's own instructions (Notify,
// Ifetch, Config) and the epoch of its hardware-aligned counter, which nothing publishes: lpusim
// defaults, documented in docs/isa.md 3.2 and 3.7.
#pragma once

namespace lpu {

class ParamNode;

struct IcuParams {
    unsigned vxm_queues = 0;
    unsigned sxm_queues = 0;      // per SXM slice
    unsigned notify_latency = 0;  // cycles from a Notify's issue to the parked queues' next issue
    unsigned ifetch_latency = 0;  // cycles from an Ifetch's last vector to the first fetched instruction's issue
    unsigned config_latency = 0;  // cycles from a Config to the queue's next issue (power mode change)
    unsigned hac_epoch = 0;       // cycles per epoch of the hardware-aligned counter (Deskew)

    // Declares and reads the parameters of its node of a chip (models/common/ParamNode.h).
    static IcuParams read(ParamNode& n);
};

}  // namespace lpu
