// The yardstick for the model's MAC rate: an int8 GEMM (int32 results) through oneDNN, the
// host's optimised library, on one thread and on all cores, next to the model's own product
// kernel (models/mxm/MxmGemv.h) on the same shape. scripts/bench_chip.py and
// scripts/bench_gemm.py run it next to `lpusim run`, so the model is measured against what the
// host can compute, not only against its own inner loop.
//
// Before timing, every engine's result on a small odd shape (edges of the vector widths, and
// rows and columns of extreme values, where a saturating int8 path would show) is compared
// bit-exactly with plain loops; after timing, the timed results are compared across engines.
//
// usage: lpusim_bench_gemm [--a s8|u8] [--threads N] [--min-seconds S] [--no-model] [--json] M K N
#include "models/mxm/MxmGemv.h"

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <vector>

namespace {

const char* const kUsage =
    "usage: lpusim_bench_gemm [--a s8|u8] [--threads N] [--min-seconds S] [--no-model] [--json] M K N\n"
    "  int8 GEMM Y[M,N] = X[M,K] * W[K,N] with int32 results (X s8 or u8, W s8) through oneDNN on one\n"
    "  thread and on N threads (default: the cores this process may run on), and through the model's\n"
    "  MAC row kernel on one thread (unless --no-model). Each engine runs at least 3 times and at least\n"
    "  S seconds (default 1); the median time per GEMM is reported. --json prints one JSON object.\n";

[[noreturn]] void usage_error(const std::string& what)
{
    std::fprintf(stderr, "lpusim_bench_gemm: %s\n%s", what.c_str(), kUsage);
    std::exit(2);
}

[[noreturn]] void fail(const std::string& what)
{
    std::fprintf(stderr, "lpusim_bench_gemm: %s\n", what.c_str());
    std::exit(1);
}

// A whole positive decimal number no larger than `max`, or a usage error naming the argument.
size_t parse_count(const char* name, const char* text, size_t max)
{
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || v == 0 || v > max)
        usage_error(std::string(name) + " must be a whole number from 1 to " + std::to_string(max) + ", not '" + text +
                    "'");
    return static_cast<size_t>(v);
}

struct Shape {
    size_t m, k, n;
    bool unsigned_a;  // X as u8 (dnnl_gemm_u8s8s32) rather than s8 (dnnl_gemm_s8s8s32)
};

// X is stored as bytes; its values are int8 or uint8 by the shape's type.
struct Operands {
    std::vector<uint8_t> x;  // M x K, row-major
    std::vector<int8_t> w;   // K x N, row-major
};

// Pseudo-random values over the whole range, then, where the shape has room, the extremes: X's
// rows 0 and 1 all max and all min, W's columns 0 and 1 all max and all min. Their products
// summed in pairs (255 * 127 * 2) overflow int16, the intermediate of non-VNNI int8 kernels.
Operands make_operands(const Shape& s, uint32_t seed)
{
    Operands o{std::vector<uint8_t>(s.m * s.k), std::vector<int8_t>(s.k * s.n)};
    for (auto& e : o.x) {
        seed = seed * 1664525u + 1013904223u;
        e = static_cast<uint8_t>(seed >> 24);
    }
    for (auto& e : o.w) {
        seed = seed * 1664525u + 1013904223u;
        e = static_cast<int8_t>(seed >> 24);
    }
    const uint8_t x_max = s.unsigned_a ? 255 : 127, x_min = s.unsigned_a ? 0 : 0x80;  // 0x80 is -128 as s8
    for (size_t k = 0; k < s.k; ++k) {
        if (s.m > 2) {
            o.x[0 * s.k + k] = x_max;
            o.x[1 * s.k + k] = x_min;
        }
        if (s.n > 2) {
            o.w[k * s.n + 0] = 127;
            o.w[k * s.n + 1] = -128;
        }
    }
    return o;
}

int32_t x_value(const Shape& s, uint8_t byte) { return s.unsigned_a ? byte : static_cast<int8_t>(byte); }

// Plain loops, the definition the engines are checked against.
std::vector<int32_t> reference_gemm(const Shape& s, const Operands& o)
{
    std::vector<int32_t> y(s.m * s.n, 0);
    for (size_t m = 0; m < s.m; ++m)
        for (size_t n = 0; n < s.n; ++n) {
            int32_t sum = 0;
            for (size_t k = 0; k < s.k; ++k)
                sum += x_value(s, o.x[m * s.k + k]) * o.w[k * s.n + n];
            y[m * s.n + n] = sum;
        }
    return y;
}

void onednn_gemm(const Shape& s, const Operands& o, std::vector<int32_t>& y)
{
    const dnnl_dim_t M = static_cast<dnnl_dim_t>(s.m), K = static_cast<dnnl_dim_t>(s.k),
                     N = static_cast<dnnl_dim_t>(s.n);
    const int32_t c_offset = 0;
    // Row-major, no transposes, no offsets, Y = 1 * X * W + 0 * Y.
    const dnnl_status_t st =
        s.unsigned_a ? dnnl_gemm_u8s8s32('N', 'N', 'F', M, N, K, 1.0f, o.x.data(), K, 0, o.w.data(), N, 0, 0.0f,
                                         y.data(), N, &c_offset)
                     : dnnl_gemm_s8s8s32('N', 'N', 'F', M, N, K, 1.0f, reinterpret_cast<const int8_t*>(o.x.data()), K,
                                         0, o.w.data(), N, 0, 0.0f, y.data(), N, &c_offset);
    if (st != dnnl_success)
        fail(std::string("oneDNN GEMM failed: ") + dnnl_status2str(st));
}

// The model's product kernel as the model uses it (models/mxm/MxmGemv.h): W cut into plane-sized
// tiles, each packed once as an installed weight set, and the rows of X multiplied on each tile
// in batches of kMaxBatch as a run's ABCs mostly are (MxmCore::lookahead), the tiles' partial
// sums added into Y.
struct ModelGemm {
    static constexpr size_t kPlane = 320;  // a tsp-v1 MXM plane holds 320 x 320 weights
    size_t kt = 0, nt = 0;
    std::vector<lpu::MxmPackedWeights> tiles;  // [k tile][n tile]

    ModelGemm(const Shape& s, const Operands& o) : kt((s.k + kPlane - 1) / kPlane), nt((s.n + kPlane - 1) / kPlane)
    {
        std::vector<int16_t> tile;
        for (size_t kb = 0; kb < kt; ++kb)
            for (size_t nb = 0; nb < nt; ++nb) {
                const size_t rows = std::min(kPlane, s.k - kb * kPlane), cols = std::min(kPlane, s.n - nb * kPlane);
                tile.assign(rows * cols, 0);
                for (size_t r = 0; r < rows; ++r)
                    for (size_t c = 0; c < cols; ++c)
                        tile[r * cols + c] = o.w[(kb * kPlane + r) * s.n + nb * kPlane + c];
                tiles.emplace_back();
                tiles.back().pack(tile.data(), static_cast<unsigned>(rows), static_cast<unsigned>(cols),
                                  lpu::mxm_kernel_default());
            }
    }
    // Weight-stationary, as a plane: each tile stays installed while every row of X passes.
    void operator()(const Shape& s, const Operands& o, std::vector<int32_t>& y) const
    {
        constexpr unsigned kBatch = lpu::MxmPackedWeights::kMaxBatch;
        std::vector<int32_t> p(kBatch * kPlane);
        std::fill(y.begin(), y.end(), 0);
        for (size_t kb = 0; kb < kt; ++kb)
            for (size_t nb = 0; nb < nt; ++nb) {
                const lpu::MxmPackedWeights& t = tiles[kb * nt + nb];
                for (size_t m0 = 0; m0 < s.m; m0 += kBatch) {
                    const auto count = static_cast<unsigned>(std::min<size_t>(kBatch, s.m - m0));
                    const uint8_t* a[kBatch];
                    int32_t* pp[kBatch];
                    for (unsigned i = 0; i < count; ++i) {
                        a[i] = &o.x[(m0 + i) * s.k + kb * kPlane];
                        pp[i] = &p[i * kPlane];
                    }
                    t.products(a, count, !s.unsigned_a, pp);
                    for (unsigned i = 0; i < count; ++i) {
                        int32_t* out = &y[(m0 + i) * s.n + nb * kPlane];
                        for (unsigned c = 0; c < t.cols(); ++c)  // wraps modulo 2^32 like the MXM's adders
                            out[c] = int32_t(uint32_t(out[c]) + uint32_t(pp[i][c]));
                    }
                }
            }
    }
};

// oneDNN's thread count, set in the OpenMP runtime oneDNN itself was linked with (Debian's:
// GNU libgomp), found by name in the loaded process. Linking an OpenMP of our own could bring a
// second runtime (LLVM's libomp under clang) whose setting oneDNN would never see.
class OnednnThreads {
public:
    OnednnThreads()
    {
        const unsigned rt = dnnl_version()->cpu_runtime;
        if (rt == DNNL_RUNTIME_SEQ)
            return;  // always one thread: main() times only that
        if (rt != DNNL_RUNTIME_OMP)
            fail(std::string("oneDNN's CPU runtime is ") + dnnl_runtime2str(rt) +
                 ": this benchmark sets thread counts only for the OpenMP and sequential runtimes");
        set_ = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
        get_ = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
        if (set_ == nullptr || get_ == nullptr)
            fail("oneDNN uses OpenMP, but omp_set_num_threads is not in the process");
    }
    bool threaded() const { return set_ != nullptr; }
    void set(int n) const
    {
        if (set_ == nullptr)
            return;
        set_(n);
        if (get_() != n)
            fail("the OpenMP runtime did not take " + std::to_string(n) + " threads");
    }

private:
    void (*set_)(int) = nullptr;
    int (*get_)() = nullptr;
};

int available_cores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    return std::max(1, CPU_COUNT(&set));
}

struct Timing {
    std::string engine;
    int threads;
    size_t runs;
    double seconds;  // median per GEMM
};

// With warm_up, one untimed call first (oneDNN generates its kernels and starts its threads on
// the first); then calls until at least 3 and at least min_seconds. The median resists the other
// users of a shared machine better than the mean.
Timing time_engine(const std::string& engine, int threads, double min_seconds, bool warm_up,
                   const std::function<void()>& gemm)
{
    if (warm_up)
        gemm();
    std::vector<double> secs;
    double total = 0;
    while (secs.size() < 3 || total < min_seconds) {
        const auto t0 = std::chrono::steady_clock::now();
        gemm();
        secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        total += secs.back();
    }
    std::sort(secs.begin(), secs.end());
    const size_t h = secs.size() / 2;
    const double median = secs.size() % 2 ? secs[h] : (secs[h - 1] + secs[h]) / 2;
    return {engine, threads, secs.size(), median};
}

int run(int argc, char* argv[])
{
    Shape shape{0, 0, 0, false};
    int all_threads = available_cores();
    double min_seconds = 1.0;
    bool model = true, json = false;
    std::vector<const char*> dims;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                usage_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--a") {
            const std::string t = value();
            if (t != "s8" && t != "u8")
                usage_error("--a must be s8 or u8, not '" + t + "'");
            shape.unsigned_a = t == "u8";
        } else if (a == "--threads") {
            all_threads = static_cast<int>(parse_count("--threads", value(), 1024));
        } else if (a == "--min-seconds") {
            const char* t = value();
            char* end = nullptr;
            min_seconds = std::strtod(t, &end);
            if (*end != '\0' || end == t || !(min_seconds >= 0 && min_seconds <= 3600))
                usage_error(std::string("--min-seconds must be a number of seconds from 0 to 3600, not '") + t + "'");
        } else if (a == "--no-model") {
            model = false;
        } else if (a == "--json") {
            json = true;
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            usage_error("unknown option '" + a + "'");
        } else {
            dims.push_back(argv[i]);
        }
    }
    if (dims.size() != 3)
        usage_error("expected the three dimensions M K N");
    // Each dimension within int32 (the model kernel's row length is unsigned) and every matrix
    // within 2^32 elements, far beyond any memory this runs on.
    const size_t dim_max = size_t(1) << 24;
    shape.m = parse_count("M", dims[0], dim_max);
    shape.k = parse_count("K", dims[1], dim_max);
    shape.n = parse_count("N", dims[2], dim_max);
    if (shape.m * shape.k > (size_t(1) << 32) || shape.k * shape.n > (size_t(1) << 32) ||
        shape.m * shape.n > (size_t(1) << 32))
        usage_error("a matrix of more than 2^32 elements");
    // X, W, two int32 results (the first engine's kept for comparison) and the model's int16 W.
    // Refused up front when beyond the machine's memory: overcommitted, it would end in the OOM
    // killer rather than in bad_alloc.
    const double need = double(shape.m * shape.k + shape.k * shape.n * (model ? 3 : 1) + 8 * shape.m * shape.n),
                 have = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
    if (have > 0 && need > have) {
        char text[128];
        std::snprintf(text, sizeof text, "this shape needs %.1f GiB, the machine has %.1f GiB", need / (1 << 30),
                      have / (1 << 30));
        fail(text);
    }

    const dnnl_version_t* v = dnnl_version();
    const char* isa = dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa());
    const OnednnThreads omp;
    if (!omp.threaded())
        all_threads = 1;
    const char* type = shape.unsigned_a ? "u8" : "s8";

    // The check: a small odd shape, every engine and thread count against the plain loops.
    const Shape small{67, 259, 131, shape.unsigned_a};
    const Operands so = make_operands(small, 7);
    const std::vector<int32_t> want = reference_gemm(small, so);
    std::vector<int32_t> got(want.size());
    const std::vector<int> thread_counts = all_threads > 1 ? std::vector<int>{1, all_threads} : std::vector<int>{1};
    for (int t : thread_counts) {
        omp.set(t);
        std::fill(got.begin(), got.end(), -1);
        onednn_gemm(small, so, got);
        if (got != want)
            fail("oneDNN's result on " + std::to_string(t) + " thread(s) differs from the reference loops");
    }
    if (model) {
        std::fill(got.begin(), got.end(), -1);
        const ModelGemm check_model(small, so);
        check_model(small, so, got);
        if (got != want)
            fail("the model kernel's result differs from the reference loops");
    }

    // The timed shape: each engine's result kept and compared with the first's.
    const Operands o = make_operands(shape, 12345);
    std::vector<Timing> timings;
    std::vector<int32_t> first(shape.m * shape.n), y(shape.m * shape.n);
    auto agree = [&](const std::string& engine) {
        if (timings.size() == 1)
            first.swap(y);
        else if (y != first)
            fail("the timed results of " + engine + " and " + timings.front().engine + " differ");
    };
    for (int t : thread_counts) {
        omp.set(t);
        timings.push_back(time_engine("oneDNN", t, min_seconds, true, [&] { onednn_gemm(shape, o, y); }));
        agree("oneDNN on " + std::to_string(t) + " thread(s)");
    }
    if (model) {
        // No warm-up: nothing to generate, and y's pages were touched by the oneDNN runs (a
        // call takes seconds at 4096^3).
        const ModelGemm mg(shape, o);
        timings.push_back(time_engine("model", 1, min_seconds, false, [&] { mg(shape, o, y); }));
        agree("the model kernel");
    }

    const double macs = double(shape.m) * double(shape.k) * double(shape.n);
    if (json) {
        std::printf("{\"library\": \"oneDNN\", \"version\": \"%d.%d.%d\", \"cpu_runtime\": \"%s\", \"isa\": \"%s\", "
                    "\"threads_all\": %d, \"m\": %zu, \"k\": %zu, \"n\": %zu, \"a\": \"%s\", \"macs\": %.0f, "
                    "\"check\": \"%zux%zux%zu\", \"timings\": [",
                    v->major, v->minor, v->patch, dnnl_runtime2str(v->cpu_runtime), isa, all_threads, shape.m, shape.k,
                    shape.n, type, macs, small.m, small.k, small.n);
        for (size_t i = 0; i < timings.size(); ++i)
            std::printf(
                "%s{\"engine\": \"%s\", \"threads\": %d, \"runs\": %zu, \"seconds\": %.6g, \"mac_per_s\": %.6g}",
                i ? ", " : "", timings[i].engine.c_str(), timings[i].threads, timings[i].runs, timings[i].seconds,
                macs / timings[i].seconds);
        std::printf("]}\n");
        return 0;
    }
    std::printf("library: oneDNN %d.%d.%d (CPU runtime %s, ISA %s); all cores: %d threads\n", v->major, v->minor,
                v->patch, dnnl_runtime2str(v->cpu_runtime), isa, all_threads);
    std::printf("check: %zu x %zu x %zu, every engine equals the reference loops bit-exactly (int32)\n", small.m,
                small.k, small.n);
    std::printf("GEMM %zu x %zu x %zu, X %s, W s8, Y s32: %.4g MACs; timed results equal across engines\n\n", shape.m,
                shape.k, shape.n, type, macs);
    std::printf("| engine | threads | runs | median s per GEMM | MAC/s |\n| --- | ---: | ---: | ---: | ---: |\n");
    for (const Timing& t : timings)
        std::printf("| %s | %d | %zu | %.4g | %.4g |\n",
                    t.engine == "oneDNN" ? (shape.unsigned_a ? "oneDNN dnnl_gemm_u8s8s32" : "oneDNN dnnl_gemm_s8s8s32")
                                         : (std::string("model product kernel (MxmGemv.h, batches of 8, ") +
                                            lpu::mxm_kernel_name(lpu::mxm_kernel_default()) + ")")
                                               .c_str(),
                    t.threads, t.runs, t.seconds, macs / t.seconds);
    return 0;
}

}  // namespace

int main(int argc, char* argv[])
{
    try {
        return run(argc, argv);
    } catch (const std::bad_alloc&) {
        fail("not enough memory for the matrices of this shape");
    }
}
