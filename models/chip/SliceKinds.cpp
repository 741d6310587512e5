#include "SliceKinds.h"

#include "models/c2c/C2cExecutor.h"
#include "models/mem/MemExecutor.h"
#include "models/mxm/MxmExecutor.h"
#include "models/sxm/SxmExecutor.h"
#include "models/vxm/VxmExecutor.h"

namespace lpu {

namespace {

template <class E, class... Args> std::unique_ptr<SliceExecutor> make(Args&&... args)
{
    return std::make_unique<E>(std::forward<Args>(args)...);
}

}  // namespace

const std::vector<SliceKindEntry>& slice_kinds()
{
    using Q = QueueKind;
    using D = const ExecutorDeps&;
    static const std::vector<SliceKindEntry> kinds{
        {"MEM", {Q::MEM}, [](D d) { return make<MemExecutor>(d.spec.mem, d.mem, d.describe); }},
        {"MXM",
         {Q::MXM_W, Q::MXM_A, Q::MXM_C},
         [](D d) { return make<MxmExecutor>(d.spec.mxm, d.mxm_observer, d.describe, d.products); }},
        {"VXM", {Q::VXM}, [](D d) { return make<VxmExecutor>(d.spec.vxm, d.spec.icu.vxm_queues); }},
        {"SXM", {Q::SXM}, [](D d) { return make<SxmExecutor>(d.spec.sxm, d.spec.chip.lanes_per_superlane); }},
        {"C2C", {Q::C2C}, [](D d) { return make<C2cExecutor>(d.spec.c2c, d.c2c); }},
    };
    return kinds;
}

}  // namespace lpu
