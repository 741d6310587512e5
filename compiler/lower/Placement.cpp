// What lives where in MEM (docs/compiler.md, "Placement"): the workload's tensors, the constants
// of the float layers, scratch rows of the lowerings, and rows of zeros.
#include "compiler/lower/Lowering.h"

#include <algorithm>
#include <sstream>

namespace lpu::lowering {

Placement& Lowering::place(const WorkloadTensor& t, const std::string& what, const std::vector<unsigned>& avoid,
                           int side)
{
    Placement& p = placed_[t.name];
    p.t = &t;
    p.rows = static_cast<uint32_t>(t.rows);
    p.planes = tensor_type_bytes(t.type);
    for (unsigned j = 0; j < blocks_of(t.cols); ++j)
        p.blocks.push_back(alloc_.allocate(p.rows, p.planes, what, avoid, side));
    return p;
}

Placement& Lowering::place_tensor(const WorkloadTensor& t)
{
    return place(t, t.pos.text() + ": tensor '" + t.name + "'");
}

const Placement& Lowering::placed(const std::string& name, const WorkloadLayer& l) const
{
    const auto it = placed_.find(name);
    if (it == placed_.end())
        layer_error(l, "tensor '" + name + "' is not in MEM (internal: fused away)");
    return it->second;
}

const Placement& Lowering::constant(TensorType type, uint32_t bits, std::vector<unsigned>* avoid, int side)
{
    // A copy of the constant clear of `avoid` (work reading it in a fixed cycle relative to those
    // slices' reads), else a new copy placed clear of them.
    for (const auto& c : constants_) {
        if (c->type != type || c->bits != bits)
            continue;
        std::vector<unsigned> own;
        slices_of(c->place, own);
        bool clear = true;
        for (unsigned sl : own)
            clear = clear && (!avoid || std::find(avoid->begin(), avoid->end(), sl) == avoid->end());
        if (clear) {
            if (avoid)
                avoid->insert(avoid->end(), own.begin(), own.end());
            return c->place;
        }
    }
    auto c = std::make_unique<Constant>();
    c->type = type;
    c->bits = bits;
    std::ostringstream name;
    name << "const_" << tensor_type_name(type) << "_" << std::hex << bits << std::dec << "_" << constants_.size();
    c->tensor.name = name.str();
    c->tensor.rows = 1;
    c->tensor.cols = lanes_;
    c->tensor.type = type;
    c->place.t = &c->tensor;
    c->place.rows = 1;
    c->place.planes = tensor_type_bytes(type);
    c->place.blocks = {
        alloc_.allocate_fresh(1, c->place.planes, "a constant", avoid ? *avoid : std::vector<unsigned>{}, side)};
    if (avoid)
        slices_of(c->place, *avoid);
    constants_.push_back(std::move(c));
    return constants_.back()->place;
}

void Lowering::slices_of(const Placement& p, std::vector<unsigned>& into)
{
    for (const MemBlock& b : p.blocks)
        for (unsigned k = 0; k < p.planes; ++k)
            into.push_back(b.slice + k);
}

Placement& Lowering::scratch(const std::string& name, uint32_t rows, unsigned blocks, TensorType type,
                             std::vector<unsigned>& avoid, int side)
{
    WorkloadTensor& t = scratch_tensors_[name];
    t.name = name;
    t.rows = rows;
    t.cols = int64_t{blocks} * lanes_;
    t.type = type;
    Placement& p = own_scratch(place(t, "scratch '" + name + "'", avoid, side));
    slices_of(p, avoid);
    return p;
}

Placement& Lowering::own_scratch(Placement& p)
{
    if (reuse_mem_)
        chain_scratch_.push_back(p);
    return p;
}

Placement Lowering::zero_row(unsigned planes, unsigned copy)
{
    auto it = zeros_.find({planes, copy});
    if (it == zeros_.end()) {
        // Copies in different slices, so that readers of different copies never queue for one.
        std::vector<unsigned> avoid;
        for (const auto& [key, block] : zeros_)
            for (unsigned k = 0; k < key.first; ++k)
                avoid.push_back(block.slice + k);
        it = zeros_.emplace(std::make_pair(planes, copy), alloc_.allocate_fresh(1, planes, "a zero row", avoid)).first;
    }
    static const WorkloadTensor kZero{};
    Placement p;
    p.t = &kZero;
    p.rows = 1;
    p.planes = planes;
    p.blocks = {it->second};
    return p;
}

}  // namespace lpu::lowering
