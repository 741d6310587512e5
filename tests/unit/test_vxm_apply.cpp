// VxmAluOp::apply (whole vectors, with fast paths for hot int32 operations) must equal the
// per-lane functions for every operation, type and lane value class.
#include "models/common/Rng.h"
#include "models/vxm/VxmAlu.h"

#include <catch2/catch.hpp>

#include <cstdint>
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

TEST_CASE("vector requantisation equals the per-lane one for every rounding, shift and range", "[vxm]")
{
    Rng rng(2026);
    std::vector<uint32_t> x(600), z(600);
    const uint32_t edges[] = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x40000000u, 0xC0000000u, 2u, 3u};
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = i < std::size(edges) ? edges[i]
               : i < 300            ? static_cast<uint32_t>(rng.next() % 4096) - 2048u
                                    : static_cast<uint32_t>(rng.next());
    const int32_t multipliers[] = {1, -1, 3, 0x7FFFFFFF, INT32_MIN, 1518500250, -987654321, 0};
    const int32_t zero_points[] = {0, -3, 127, -128, 255, 100000};
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned shift : {0u, 1u, 2u, 7u, 15u, 31u, 32u, 40u, 62u, 63u})
            for (int32_t m : multipliers)
                for (int32_t zp : zero_points)
                    for (bool out_unsigned : {false, true}) {
                        VxmRequant rq;
                        rq.multiplier = m;
                        rq.shift = shift;
                        rq.zero_point = zp;
                        rq.rounding = static_cast<VxmRounding>(r);
                        rq.out_unsigned = out_unsigned;
                        vxm_apply(VxmAluOp::make_requant(rq), x.data(), nullptr, z.data(), x.size());
                        for (size_t i = 0; i < x.size(); ++i) {
                            INFO("rounding " << r << ", shift " << shift << ", M " << m << ", zero point " << zp
                                             << (out_unsigned ? ", u8" : ", i8") << ", x " << x[i]);
                            REQUIRE(z[i] == vxm_requantize_lane(rq, x[i]));
                        }
                    }
}
