// Byte planes (models/common/BytePlanes.h) against the plain per-lane definition: every plane
// count and byte, lane counts around the 16-lane steps, and every byte value in every position.
#include "models/common/BytePlanes.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using namespace lpu;

TEST_CASE("byte planes gather into 32-bit lanes and scatter back as the per-lane definition says", "[streams][planes]")
{
    std::mt19937 rng(7);
    for (unsigned n : {0u, 1u, 15u, 16u, 17u, 33u, 320u, 331u})
        for (unsigned count = 1; count <= 4; ++count) {
            std::vector<std::vector<uint8_t>> planes(count, std::vector<uint8_t>(n));
            for (auto& p : planes)
                for (auto& b : p)
                    b = uint8_t(rng());
            std::vector<const uint8_t*> ptrs;
            for (const auto& p : planes)
                ptrs.push_back(p.data());
            std::vector<uint32_t> words(n + 1, 0xdeadbeef);  // the lane past n must stay untouched
            gather_planes(words.data(), ptrs.data(), count, n);
            INFO("lanes " << n << ", planes " << count);
            for (unsigned l = 0; l < n; ++l) {
                uint32_t want = 0;
                for (unsigned k = 0; k < count; ++k)
                    want |= uint32_t{planes[k][l]} << (8 * k);
                REQUIRE(words[l] == want);
            }
            REQUIRE(words[n] == 0xdeadbeef);
            for (unsigned k = 0; k < 4; ++k) {
                std::vector<uint8_t> back(n + 1, 0x5a);
                scatter_plane(back.data(), words.data(), k, n);
                for (unsigned l = 0; l < n; ++l)
                    REQUIRE(back[l] == (k < count ? planes[k][l] : 0));
                REQUIRE(back[n] == 0x5a);
            }
        }
}

TEST_CASE("byte planes carry every byte value through every byte of a lane", "[streams][planes]")
{
    std::vector<uint32_t> words(256);
    for (unsigned k = 0; k < 4; ++k) {
        for (unsigned v = 0; v < 256; ++v)
            words[v] = (uint32_t{v} << (8 * k)) | (0x01010101u & ~(0xffu << (8 * k)));
        std::vector<uint8_t> plane(256);
        scatter_plane(plane.data(), words.data(), k, 256);
        for (unsigned v = 0; v < 256; ++v)
            REQUIRE(plane[v] == v);
    }
}
