// The driver of a compile: the workload's layers grouped into chains (fusion, docs/compiler.md),
// its tensors placed, each chain lowered in order, and the program with its header and figures.
#include "compiler/lower/Lowering.h"

#include <algorithm>
#include <sstream>

namespace lpu::lowering {

namespace {

// Element-wise layers that can join the chain of the layer before them.
bool fusable(LayerOp op)
{
    switch (op) {
    case LayerOp::Add:
    case LayerOp::Sub:
    case LayerOp::Mul:
    case LayerOp::Max:
    case LayerOp::Min:
    case LayerOp::Relu:
    case LayerOp::Tanh:
    case LayerOp::Exp:
    case LayerOp::Requant:
    case LayerOp::Convert: return true;
    default: return false;
    }
}

// A layer's result nobody outside the program sees: its words may be reused once it is dead.
bool is_intermediate(const WorkloadTensor& t) { return t.source == WorkloadTensor::Source::Layer && !t.output; }

bool is_reduction(LayerOp op) { return op == LayerOp::Softmax || op == LayerOp::RmsNorm || op == LayerOp::LayerNorm; }

// Element-wise layers that consume the previous layer's result, where nothing else reads that
// result, join its chain; reductions and transposes stand alone.
std::vector<Chain> fuse_layers(const Workload& w)
{
    std::map<std::string, int> uses;
    for (const auto& l : w.layers)
        for (const auto& in : l.inputs)
            ++uses[in];
    std::vector<Chain> chains;
    for (size_t i = 0; i < w.layers.size();) {
        const WorkloadLayer& l = w.layers[i];
        if (l.op != LayerOp::Matmul && !fusable(l.op) && !is_reduction(l.op) && l.op != LayerOp::Gelu &&
            l.op != LayerOp::Transpose)
            layer_error(l, "not supported by the compiler yet (see docs/compiler.md)");
        Chain c{&l};
        std::string value = l.output;
        size_t j = i + 1;
        while (!is_reduction(l.op) && l.op != LayerOp::Transpose && j < w.layers.size()) {
            const WorkloadLayer& n = w.layers[j];
            const WorkloadTensor* v = w.tensor(value);
            if (!fusable(n.op) || n.inputs[0] != value || v->output || uses[value] != 1 ||
                (n.inputs.size() > 1 && n.inputs[1] == value))
                break;
            c.push_back(&n);
            value = n.output;
            ++j;
        }
        chains.push_back(c);
        i = j;
    }
    return chains;
}

// Row `row` of a .data tensor: runs as V*N, trailing zeros left out (docs/isa.md 3.5).
std::string data_line(const std::string& name, size_t row, const std::vector<uint32_t>& v)
{
    std::ostringstream os;
    size_t end = v.size();
    while (end > 0 && v[end - 1] == 0)
        --end;
    os << ".data " << name << " " << row << std::hex;
    for (size_t e = 0; e < end;) {
        size_t n = 1;
        while (e + n < end && v[e + n] == v[e])
            ++n;
        os << " 0x" << v[e];
        if (n > 1)
            os << "*" << std::dec << n << std::hex;
        e += n;
    }
    os << std::dec << "\n";
    return os.str();
}

}  // namespace

CompileResult Lowering::run(std::ostream& program)
{
    const std::vector<Chain> chains = fuse_layers(w_);
    place_workload(chains);
    for (size_t i = 0; i < chains.size(); ++i) {
        sb_.set_owner(static_cast<int>(i));
        place_result(chains, i);
        lower_chain(chains[i]);
        free_dead(chains, i);
    }
    CompileResult r;
    sb_.write_assembly(program, program_header());
    fill_result(r, chains);
    return r;
}

void Lowering::place_workload(const std::vector<Chain>& chains)
{
    std::map<std::string, bool> in_mem;  // inputs, outputs and chains' results
    for (const auto& t : w_.tensors)
        in_mem[t.name] = !is_intermediate(t);
    for (size_t i = 0; i < chains.size(); ++i) {
        in_mem[chains[i].back()->output] = true;
        last_use_[chains[i].back()->output] = i;  // read by no later chain: dead once written
    }
    for (size_t i = 0; i < chains.size(); ++i)
        for (const WorkloadLayer* l : chains[i])
            for (const std::string& in : l->inputs)
                if (last_use_.count(in))
                    last_use_[in] = std::max(last_use_[in], i);
    std::vector<const WorkloadTensor*> order;
    for (const auto& t : w_.tensors)
        if (in_mem[t.name] && !(reuse_mem_ && is_intermediate(t)))
            order.push_back(&t);
    // Sharing words means MEM is tight: the tallest blocks first, so that the short ones fill
    // what is left around them instead of leaving no slice with room for a tall one.
    if (reuse_mem_)
        std::stable_sort(order.begin(), order.end(),
                         [](const WorkloadTensor* a, const WorkloadTensor* b) { return a->rows > b->rows; });
    for (const WorkloadTensor* t : order)
        place_tensor(*t);
}

void Lowering::place_result(const std::vector<Chain>& chains, size_t i)
{
    const WorkloadTensor* t = w_.tensor(chains[i].back()->output);
    if (reuse_mem_ && t && is_intermediate(*t) && !placed_.count(t->name))
        place_tensor(*t);
}

void Lowering::free_dead(const std::vector<Chain>& chains, size_t i)
{
    if (!reuse_mem_)
        return;
    for (const Placement& p : chain_scratch_)
        for (const MemBlock& b : p.blocks)
            alloc_.release(b, p.rows, p.planes);
    chain_scratch_.clear();
    std::set<std::string> seen;
    for (const WorkloadLayer* l : chains[i]) {
        std::vector<std::string> names = l->inputs;
        names.push_back(chains[i].back()->output);
        for (const std::string& name : names) {
            const WorkloadTensor* t = w_.tensor(name);
            const auto p = placed_.find(name);
            if (!t || !is_intermediate(*t) || p == placed_.end() || last_use_[name] != i || !seen.insert(name).second)
                continue;
            for (const MemBlock& b : p->second.blocks)
                alloc_.release(b, p->second.rows, p->second.planes);
            freed_.insert(name);
        }
    }
}

void Lowering::lower_chain(const Chain& chain)
{
    const WorkloadLayer& first = *chain.front();
    if (first.op == LayerOp::Matmul)
        lower_matmul(chain);
    else if (is_reduction(first.op))
        lower_reduction(first);
    else if (first.op == LayerOp::Transpose)
        lower_transpose(first);
    else
        lower_elementwise(chain);
}

std::string Lowering::program_header() const
{
    std::ostringstream head;
    head << "; " << w_.name << ": compiled by lpusim compile for " << sb_.spec().chip.name << " from " << w_.source
         << "\n";
    head << "; predicted cycles: " << sb_.predicted_cycles() << "\n";
    for (const auto& t : w_.tensors) {
        const auto it = placed_.find(t.name);
        if (it == placed_.end() || freed_.count(t.name))
            continue;  // a freed intermediate's words may hold another tensor by the end
        const Placement& p = it->second;
        head << ".matrix " << t.name << " " << t.rows << " " << t.cols << " " << tensor_type_name(t.type) << "\n";
        for (unsigned j = 0; j < p.blocks.size(); ++j)
            head << tensor_line(t.name + "@c" + std::to_string(j), p.blocks[j], p.rows, t.type);
    }
    for (const auto& c : constants_) {
        head << tensor_line(c->tensor.name, c->place.blocks[0], 1, c->type);
        head << ".fill " << c->tensor.name << " 0x" << std::hex << c->bits << std::dec << "\n";
    }
    for (const auto& d : data_) {
        head << tensor_line(d->tensor.name, d->place.blocks[0], d->place.rows, d->tensor.type);
        for (size_t row = 0; row < d->rows.size(); ++row)
            head << data_line(d->tensor.name, row, d->rows[row]);
    }
    return head.str();
}

std::string Lowering::tensor_line(const std::string& name, const MemBlock& b, uint32_t rows, TensorType type) const
{
    std::ostringstream os;
    os << ".tensor " << name << " " << sb_.queues().queues()[sb_.mem_queue(b.slice)].name << " 0x" << std::hex << b.addr
       << std::dec << " " << rows << " " << tensor_type_name(type) << "\n";
    return os.str();
}

void Lowering::fill_result(CompileResult& r, const std::vector<Chain>& chains) const
{
    for (const auto& t : w_.tensors)
        if (placed_.count(t.name) && !freed_.count(t.name))
            r.tensors.push_back(
                CompiledTensor{t.name, t.rows, t.cols, t.type, t.source != WorkloadTensor::Source::Layer, t.output});
    const auto spans = sb_.spans();
    for (size_t i = 0; i < chains.size(); ++i) {
        LayerSpan span;
        for (const WorkloadLayer* l : chains[i])
            span.layers += (span.layers.empty() ? "" : "+") + l->name;
        const auto it = spans.find(static_cast<int>(i));
        if (it != spans.end()) {
            span.first = it->second.first;
            span.last = it->second.last;
            span.instructions = it->second.instructions;
        }
        r.layers.push_back(span);
    }
    r.predicted_cycles = sb_.predicted_cycles();
    r.mxm_macs = macs_;
    r.useful_macs = useful_;
    const MxmParams& mx = sb_.mxm();
    // As the run counts it: an fp16 MAC holds the array for fp16_issue_interval int8 slots.
    r.mxm_utilisation = r.predicted_cycles
                            ? double(slots_) / (double(mx.planes) * mx.rows * mx.cols * double(r.predicted_cycles))
                            : 0.0;
    r.sram_bytes = alloc_.words_used() * lanes_;
    r.mem_reused = reuse_mem_;
    r.instructions = sb_.instructions();
}

}  // namespace lpu::lowering
