// VxmAluOp::apply (whole vectors, with fast paths for hot int32 operations) must equal the
// per-lane functions for every operation, type and lane value class.
#include "models/common/Rng.h"
#include "models/vxm/VxmAlu.h"

#include <catch2/catch.hpp>

#include <iterator>

using namespace lpu;

TEST_CASE("vector apply equals the per-lane operations", "[vxm]")
{
    Rng rng(99);
    std::vector<uint32_t> x(1000), y(1000), z(1000);
    // Random words plus the edges: 0, +-1, INT_MIN, INT_MAX, and narrow-type extremes; as
    // binary32: +-0, +-inf, NaNs quiet and signalling, the smallest subnormal and the largest
    // finite value (whose sum overflows), each against every other.
    const uint32_t edges[] = {0u,          1u,          0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x80u,
                              0x7Fu,       0xFF80u,     0x8000u,     0x3C00u,     0x7F800000u, 0xFF800000u,
                              0x7FC00001u, 0x7F800001u, 0x7F7FFFFFu, 0x3F800000u, 0x00800000u};
    const size_t ne = std::size(edges);
    for (size_t i = 0; i < x.size(); ++i) {
        x[i] = i < ne * ne ? edges[i / ne] : static_cast<uint32_t>(rng.next());
        y[i] = i < ne * ne ? edges[i % ne] : static_cast<uint32_t>(rng.next());
    }
    for (VxmType t : kVxmAllTypes) {
        for (unsigned o = 0; o < kVxmBinaryOps; ++o) {
            const auto op = static_cast<VxmBinaryOp>(o);
            if (!vxm_supports(op, t))
                continue;
            vxm_apply(VxmAluOp::make_binary(op, t), x.data(), y.data(), z.data(), x.size());
            for (size_t i = 0; i < x.size(); ++i) {
                INFO(vxm_op_name(op) << " " << vxm_type_name(t) << " lane " << i);
                REQUIRE(z[i] == vxm_binary(op, t, x[i], y[i]));
            }
        }
        for (unsigned o = 0; o < kVxmUnaryOps; ++o) {
            const auto op = static_cast<VxmUnaryOp>(o);
            if (!vxm_supports(op, t))
                continue;
            vxm_apply(VxmAluOp::make_unary(op, t), x.data(), nullptr, z.data(), x.size());
            for (size_t i = 0; i < x.size(); ++i) {
                INFO(vxm_op_name(op) << " " << vxm_type_name(t) << " lane " << i);
                REQUIRE(z[i] == vxm_unary(op, t, x[i]));
            }
        }
    }
}
