// The chip as a steppable engine (models/chip/ChipEngine): a run cut into windows of 1, 7 and
// 216 cycles, as a system would advance it between link exchanges, gives byte-identical MEM
// contents, statistics and Perfetto trace to the same program run to completion, on tiny, small
// and tsp-v1, for compiled workloads and for a program using every ICU feature (Repeat,
// Iterations, Ifetch, Sync/Notify, Config), and with the MXM's products on a second thread. Also: the engine's contract (nothing before the
// window's end is left, an error stops it) and errors naming their chip.
#include "compiler/Compiler.h"
#include "compiler/Workload.h"
#include "models/chip/Chip.h"
#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

// What a run leaves behind, all of it as bytes to compare.
struct Outcome {
    std::string stats, trace;
    std::map<std::string, std::vector<uint8_t>> tensors;  // every declared tensor, after the run
};

// Runs `p` on a fresh chip, to completion (window 0) or advancing in windows of `window` cycles.
Outcome run(const ChipSpec& cfg, const Program& p, uint64_t window, const std::function<void(Chip&)>& load,
            unsigned threads = 1)
{
    Chip chip("", cfg);
    chip.set_threads(threads);
    load(chip);
    std::ostringstream trace;
    PerfettoTrace tracer(trace, chip.spec());
    RunStats st;
    if (window == 0) {
        st = chip.run(p, {&tracer});
    } else {
        const std::unique_ptr<ChipEngine> engine = chip.start(p, {&tracer});
        uint64_t windows = 0;
        for (uint64_t end = window; engine->next_event() != kNever; end += window, ++windows) {
            engine->advance_to(end);
            // Everything before the window's end has happened; nothing has run past it.
            REQUIRE(engine->next_event() >= end);
        }
        st = engine->finish();
        CHECK(windows >= (st.cycles - 1) / window);
    }
    Outcome o;
    o.stats = chip.stats_json(st);
    o.trace = trace.str();
    for (const TensorDecl& t : p.tensors)
        o.tensors[t.name] = chip.dump_tensor(t);
    return o;
}

void check_windows(const ChipSpec& cfg, const Program& p, const std::function<void(Chip&)>& load)
{
    const Outcome whole = run(cfg, p, 0, load);
    REQUIRE(whole.trace.size() > 100);
    for (uint64_t window : {1u, 7u, 216u}) {
        INFO("window " << window);
        const Outcome cut = run(cfg, p, window, load);
        CHECK(cut.stats == whole.stats);
        CHECK(cut.trace == whole.trace);
        CHECK(cut.tensors == whole.tensors);
    }
    // The MXM's products on a second thread: the same bytes again.
    const Outcome two = run(cfg, p, 7, load, 2);
    CHECK(two.stats == whole.stats);
    CHECK(two.trace == whole.trace);
    CHECK(two.tensors == whole.tensors);
}

// Every ICU feature on tiny: MEM_E0 reads a block and then data, each repeated; MEM_E3 fetches
// the block (two Writes) and runs it; MEM_W0 parks at a Sync, then iterates a Read 4 times;
// VXM.3 sleeps 20 cycles in low-power mode and notifies.
const char* kIcuProgram = ".tensor a MEM_E0 0 2 i8\n.tensor b MEM_E3 0 2 i8\n.tensor w MEM_W0 0 4 i8\n"
                          ".block writes MEM_E3 MEM_E0 0x100\n Write 0x0, s0e\n Write 0x1, s0e\n.end\n"
                          ".queue MEM_E0\n Read 0x100, s1e\n Repeat 1, 1, 1\n NOP 1\n Read 0, s0e\n Repeat 1, 1, 1\n"
                          ".queue MEM_E3\n NOP 5\n Ifetch 2, s1e\n"
                          ".queue MEM_W0\n Sync\n Iterations 4\n Step 1\n Countdown 2\n Read 0, s2w\n"
                          ".queue VXM.3\n Config low_power\n NOP 20\n Config normal\n Notify\n";

}  // namespace

TEST_CASE("a run advanced in windows equals the run to completion", "[engine]")
{
    SECTION("ICU features on tiny")
    {
        const Program p = assemble(kIcuProgram, "icu.s", tiny());
        check_windows(tiny(), p, [&](Chip& chip) {
            std::vector<uint8_t> a(2 * 16);
            for (size_t i = 0; i < a.size(); ++i)
                a[i] = static_cast<uint8_t>(3 * i + 1);
            chip.load_tensor(*p.tensor("a"), a);
        });
    }
    const std::string gemm = std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_bias_relu_requant.yaml";
    const std::string decoder = std::string(LPUSIM_SOURCE_DIR) + "/examples/workloads/decoder_block.yaml";
    for (const auto& [workload, config] : std::vector<std::pair<std::string, std::string>>{
             {gemm, "tiny"}, {gemm, "small"}, {gemm, "tsp-v1"}, {decoder, "tiny"}}) {
        DYNAMIC_SECTION(workload << " on " << config)
        {
            const ChipSpec& cfg = config_named(config);
            const Workload w = load_workload(workload);
            const CompileResult compiled = compile_workload(cfg, w);
            const Program p = assemble(compiled.assembly, "w.s", cfg);
            check_windows(cfg, p, [&](Chip& chip) {
                for (const CompiledTensor& t : compiled.tensors)
                    if (t.input)
                        chip.load_matrix(p, *p.matrix(t.name), workload_tensor_data(*w.tensor(t.name)));
            });
        }
    }
}

TEST_CASE("an engine stops at its first error, which names the chip", "[engine]")
{
    // MEM_E3 writes s0e in cycle 4, one cycle before MEM_E0's value reaches it.
    const Program p = assemble(".queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n NOP 4\n Write 0, s0e\n", "e.s", tiny());
    Chip chip("", tiny(), 7);
    CHECK(chip.label() == "chip 7 (tiny)");
    const std::unique_ptr<ChipEngine> engine = chip.start(p);
    engine->advance_to(4);  // cycles 0..3 are fine
    CHECK(engine->next_event() == 4);
    CHECK_THROWS_WITH(
        engine->advance_to(5),
        Catch::StartsWith("chip 7 (tiny): schedule error at cycle 4: MEM_E3: 'Write 0x0, s0e' (e.s:5:2)"));
    CHECK_THROWS_AS(engine->advance_to(6), std::logic_error);
    CHECK_THROWS_WITH(Chip("c", tiny(), 65536), "chip id 65536 is out of range [0, 65535]");
}

TEST_CASE("finish() reports a queue parked for ever, naming the chip", "[engine]")
{
    const Program p = assemble(".queue MEM_E0\n Sync\n Read 0, s0e\n", "p.s", tiny());
    Chip chip("", tiny(), 3);
    CHECK_THROWS_WITH(chip.run(p), "chip 3 (tiny): queue MEM_E0 is parked at a Sync (p.s:2:2) that no Notify releases");
}
