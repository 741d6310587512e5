// A plain int8 GEMM (int32 accumulation) in ordinary optimised C++, as the yardstick for the
// model's MAC rate: scripts/bench_chip.py runs it next to `lpusim run` on the same work, with
// the same MAC row kernel, so the difference is what simulating the chip costs.
// usage: lpusim_bench_gemm M K N REPEATS  -> prints "M K N seconds MAC/s checksum"
#include "models/mxm/MxmMacRow.h"  // the model's MAC row: the same kernel on both sides

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char* argv[])
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s M K N REPEATS\n", argv[0]);
        return 2;
    }
    const size_t M = std::strtoul(argv[1], nullptr, 10), K = std::strtoul(argv[2], nullptr, 10),
                 N = std::strtoul(argv[3], nullptr, 10), reps = std::strtoul(argv[4], nullptr, 10);
    std::vector<int8_t> x(M * K), w(K * N);
    uint32_t s = 12345;
    for (auto* v : {&x, &w})
        for (auto& e : *v) {
            s = s * 1664525u + 1013904223u;
            e = static_cast<int8_t>(s >> 24);
        }
    // Weights widened once, as a weight-stationary array holds them; rows of int32 sums.
    std::vector<int16_t> w16(w.begin(), w.end());
    std::vector<int32_t> y(M * N);
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t r = 0; r < reps; ++r)
        for (size_t m = 0; m < M; ++m) {
            int32_t* __restrict out = &y[m * N];
            for (size_t n = 0; n < N; ++n)
                out[n] = 0;
            for (size_t k = 0; k < K; ++k)
                lpu::mxm_mac_row(out, &w16[k * N], x[m * K + k], static_cast<unsigned>(N));
        }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int64_t checksum = 0;
    for (int32_t v : y)
        checksum += v;
    std::printf("%zu %zu %zu %.6f %.4g %lld\n", M, K, N, sec, double(M * K * N * reps) / sec,
                static_cast<long long>(checksum));
    return 0;
}
