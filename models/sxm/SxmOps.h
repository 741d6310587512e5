// The data movement of the SXM (switch execution module, docs/sxm.md): shifts, rotations,
// permutations and transposes of byte vectors across lanes, as an SxmOp (models/isa/SxmOp.h)
// says. Pure functions without state or SystemC, in the style of vxm/VxmAlu.h; the SXM slice
// calls them once per instruction.
#pragma once

#include "models/isa/SxmOp.h"

#include <cstdint>
#include <vector>

namespace lpu {

// inputs[0 .. op.inputs(G)) and outputs[0 .. op.outputs(G)) each point to `lanes` bytes. Outputs
// may alias inputs (the result is computed before anything is written). Validates `op` first.
void sxm_apply(const SxmOp& op, const uint8_t* const* in, uint8_t* const* out, unsigned lanes,
               unsigned lanes_per_superlane);
// The same on whole vectors; throws InputError for a wrong number of vectors or a vector
// that is not `lanes` bytes.
std::vector<std::vector<uint8_t>> sxm_apply(const SxmOp& op, const std::vector<std::vector<uint8_t>>& in,
                                            unsigned lanes, unsigned lanes_per_superlane);

}  // namespace lpu
