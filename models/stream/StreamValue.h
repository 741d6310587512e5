// A vector on a stream: one byte per lane, shared (a value is read where it passes, by any
// number of slices) and immutable once driven. make_vector() recycles their buffers and
// control blocks (models/common/SmallPool.h): a run makes and drops one per MEM read, VXM
// result and MXM result byte plane, millions in all.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace lpu {

using Vector = std::vector<uint8_t>;
using VectorRef = std::shared_ptr<const Vector>;

// A zeroed vector of `lanes` bytes, to fill before it is driven.
std::shared_ptr<Vector> make_vector(size_t lanes);
// A vector of `lanes` bytes whose contents are left from an earlier value: for a producer that
// writes every byte (a MEM read, an MXM or VXM result), which then need not zero it first.
std::shared_ptr<Vector> make_vector_for_overwrite(size_t lanes);

}  // namespace lpu
