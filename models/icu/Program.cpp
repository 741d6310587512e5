#include "Program.h"

#include "chip/Floorplan.h"
#include "common/Config.h"
#include "icu/IcuParams.h"
#include "mem/MemParams.h"
#include "mxm/MxmParams.h"

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
    }
    return "?";
}

const char* tensor_npy_descr(TensorType t)
{
    switch (t) {
    case TensorType::I8: return "|i1";
    case TensorType::U8: return "|u1";
    case TensorType::I32: return "<i4";
    case TensorType::F16: return "<f2";
    case TensorType::F32: return "<f4";
    }
    return "|i1";
}

NpyDtype tensor_npy_dtype(TensorType t)
{
    switch (t) {
    case TensorType::I8: return NpyDtype::Int8;
    case TensorType::U8: return NpyDtype::UInt8;
    case TensorType::I32: return NpyDtype::Int32;
    case TensorType::F16: return NpyDtype::Float16;
    case TensorType::F32: return NpyDtype::Float32;
    }
    return NpyDtype::Int8;
}

const char* tensor_type_name(TensorType t)
{
    switch (t) {
    case TensorType::I8: return "i8";
    case TensorType::U8: return "u8";
    case TensorType::I32: return "i32";
    case TensorType::F16: return "f16";
    case TensorType::F32: return "f32";
    }
    return "?";
}

unsigned tensor_type_bytes(TensorType t)
{
    switch (t) {
    case TensorType::I8:
    case TensorType::U8: return 1;
    case TensorType::F16: return 2;
    case TensorType::I32:
    case TensorType::F32: return 4;
    }
    return 1;
}

QueueMap::QueueMap(const Config& cfg)
{
    const MxmParams mxm = MxmParams::from_config(cfg);
    const MemParams mem = MemParams::from_config(cfg);
    const Floorplan fp(mxm.planes, mem.slices);
    positions_ = fp.positions();
    const IcuParams icu = IcuParams::from_config(cfg);
    const unsigned vxm_queues = icu.vxm_queues;
    const unsigned sxm_queues = icu.sxm_queues;
    const unsigned half = mem.slices / 2;
    for (const SliceInfo& s : fp.slices()) {
        if (s.kind == SliceKind::MEM)
            queues_.push_back({s.name, QueueKind::MEM, s.position,
                               s.hemisphere == Hemisphere::West ? s.index : half + s.index});
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
}

int QueueMap::find(const std::string& name) const
{
    for (size_t i = 0; i < queues_.size(); ++i)
        if (queues_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

const MatrixDecl* Program::matrix(const std::string& name) const
{
    for (const auto& m : matrices)
        if (m.name == name)
            return &m;
    return nullptr;
}

const TensorDecl* Program::tensor(const std::string& name) const
{
    for (const auto& t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

size_t Program::instruction_count() const
{
    size_t n = 0;
    for (const auto& q : queues)
        n += q.size();
    return n;
}

}  // namespace lpu
