#include "QueueMap.h"

#include "models/spec/ChipSpec.h"
#include "models/spec/Floorplan.h"

namespace lpu {

const char* queue_kind_name(QueueKind kind)
{
    switch (kind) {
    case QueueKind::MEM: return "MEM";
    case QueueKind::VXM: return "VXM";
    case QueueKind::SXM: return "SXM";
    case QueueKind::MXM_W: return "MXM weights (LW, IW)";
    case QueueKind::MXM_A: return "MXM activations (ABC)";
    case QueueKind::MXM_C: return "MXM accumulators (ACC)";
    case QueueKind::C2C: return "C2C";
    }
    return "?";
}

QueueMap::QueueMap(const ChipSpec& spec)
{
    const MxmParams& mxm = spec.mxm;
    const MemParams& mem = spec.mem;
    const Floorplan fp(mxm.planes, mem.slices, spec.c2c.links > 0);
    positions_ = fp.positions();
    const IcuParams& icu = spec.icu;
    const unsigned vxm_queues = icu.vxm_queues;
    const unsigned sxm_queues = icu.sxm_queues;
    const unsigned half = mem.slices / 2;
    for (const SliceInfo& s : fp.slices()) {
        if (s.kind == SliceKind::MEM)
            queues_.push_back(
                {s.name, QueueKind::MEM, s.position, s.hemisphere == Hemisphere::West ? s.index : half + s.index});
    }
    for (unsigned q = 0; q < vxm_queues; ++q)
        queues_.push_back({"VXM." + std::to_string(q), QueueKind::VXM, fp.vxm().position, q});
    for (const SliceInfo& s : fp.slices())
        if (s.kind == SliceKind::SXM)
            for (unsigned q = 0; q < sxm_queues; ++q)
                queues_.push_back({s.name + "." + std::to_string(q), QueueKind::SXM, s.position, q});
    // MXM planes: west ones outward (W0, W1, ...) then east, as plane indices 0..planes-1.
    unsigned plane = 0;
    for (Hemisphere side : {Hemisphere::West, Hemisphere::East}) {
        for (unsigned i = 0; i < mxm.planes / 2; ++i) {
            const std::string name = std::string("MXM_") + (side == Hemisphere::West ? "W" : "E") + std::to_string(i);
            const SliceInfo* s = fp.find(name);
            queues_.push_back({name + ".w", QueueKind::MXM_W, s->position, plane});
            queues_.push_back({name + ".a", QueueKind::MXM_A, s->position, plane});
            queues_.push_back({name + ".c", QueueKind::MXM_C, s->position, plane});
            ++plane;
        }
    }
    // C2C: one queue per link, all at the C2C slice.
    for (const SliceInfo& s : fp.slices())
        if (s.kind == SliceKind::C2C)
            for (unsigned k = 0; k < spec.c2c.links; ++k)
                queues_.push_back({"C2C." + std::to_string(k), QueueKind::C2C, s.position, k});
}

int QueueMap::find(const std::string& name) const
{
    for (size_t i = 0; i < queues_.size(); ++i)
        if (queues_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

}  // namespace lpu
