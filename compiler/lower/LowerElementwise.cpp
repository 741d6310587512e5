// Element-wise chains that do not start at a matmul (docs/compiler.md, "Fusion"): every row of
// the first operand read from MEM, one row per cycle, through the chain into the result.
#include "compiler/lower/Lowering.h"

namespace lpu::lowering {

void Lowering::lower_elementwise(const Chain& chain)
{
    const WorkloadLayer& first = *chain.front();
    const Placement& A = placed(first.inputs[0], first);
    const Placement& out = placed(chain.back()->output, *chain.back());
    std::vector<ChainOp> ops = chain_ops(chain, 0, A.t->type);
    if (ops.size() > 1)
        need_alus(first, 2, "a chain of element-wise operations");
    ops = operands_apart(A, ops, first);
    uint64_t c = 0;
    for (unsigned j = 0; j < A.blocks.size(); ++j)
        chain_rows(A, j, ops, out, first, c);
}

void Lowering::rows_through(const Placement& X, unsigned j, const std::vector<ChainOp>& ops, const Placement& out,
                            const WorkloadLayer& l)
{
    uint64_t c = 0;
    chain_rows(X, j, operands_apart(X, ops, l), out, l, c);
}

void Lowering::chain_rows(const Placement& X, unsigned j, const std::vector<ChainOp>& ops, const Placement& out,
                          const WorkloadLayer& l, uint64_t& cursor)
{
    for (uint32_t m = 0; m < X.rows; ++m) {
        const RowRef x{&X, block_for(X, j), m};
        first_fit(
            cursor, l, "row",
            [&](uint64_t c) {
                return vxm_chain(std::nullopt, &x, c, ops, m, j, RowRef{&out, j, m});
            },
            m);
    }
}

}  // namespace lpu::lowering
