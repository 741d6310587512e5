// The one source of randomness: a seeded 64-bit Mersenne Twister (its output sequence is fixed
// by the C++ standard) with our own range mapping, because std::uniform_int_distribution may
// differ between standard libraries and would break bit-identical reruns.
#pragma once

#include <cstdint>
#include <random>

namespace lpu {

class Rng {
public:
    explicit Rng(uint64_t seed) : gen_(seed) {}

    uint64_t next() { return gen_(); }
    // Uniform in [0, n), n > 0 (modulo bias below 2^-40 for the ranges used here).
    uint64_t below(uint64_t n) { return gen_() % n; }
    // True with probability num/den.
    bool chance(uint64_t num, uint64_t den) { return below(den) < num; }
    uint8_t byte() { return static_cast<uint8_t>(gen_() >> 56); }

private:
    std::mt19937_64 gen_;
};

}  // namespace lpu
