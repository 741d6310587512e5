#include "IcuParams.h"

#include "models/common/ParamNode.h"

namespace lpu {

IcuParams IcuParams::read(ParamNode& n)
{
    IcuParams p;
    p.vxm_queues =
        n.param<unsigned>("vxm_queues", "instruction queues of the VXM (published: 16)").range(1, 64).def(16);
    p.sxm_queues = n.param<unsigned>("sxm_queues", "instruction queues per SXM slice (published: 28 in all, 14 each)")
                       .range(1, 64)
                       .def(14);
    p.notify_latency =
        n.param<unsigned>("notify_latency", "cycles from a Notify's issue until the queues it releases issue again")
            .range(1, 1024)
            .def(1);
    p.ifetch_latency =
        n.param<unsigned>("ifetch_latency", "cycles from the cycle an Ifetch reads its last vector until "
                                            "the first fetched instruction issues (decode and queue insertion)")
            .range(1, 1024)
            .def(2);
    p.config_latency =
        n.param<unsigned>("config_latency", "cycles from a Config (power mode change) until its queue issues again")
            .range(1, 1024)
            .def(4);
    p.hac_epoch =
        n.param<unsigned>("hac_epoch", "cycles per epoch of the hardware-aligned counter: Deskew waits for the next "
                                       "epoch; a system re-aligns every chip's epochs to its root's once an epoch "
                                       "(unpublished; lpusim default 4096)")
            .range(16, 1u << 30)
            .def(4096);
    n.finish();
    return p;
}

}  // namespace lpu
