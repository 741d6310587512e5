// Functional coverage (docs/coverage.md): the bin table, the collector fed through the chip's
// and the MXM's observer ports against hit counts worked out by hand, the rule a schedule error
// names, and the coverage file.
#include "ChipTestSupport.h"
#include "TempDir.h"

#include "apps/lpusim/RunCoverage.h"
#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/isa/OpcodeTable.h"
#include "models/mem/MemPorts.h"
#include "models/mxm/MxmCore.h"
#include "tb/coverage/CoverageCollector.h"
#include "tb/coverage/CoverageFile.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace lpu;
using namespace lpu::test;

namespace {

std::string coverage_data(const std::string& name)
{
    return std::string(LPUSIM_SOURCE_DIR) + "/tests/data/coverage/" + name;
}

// Runs `p` on a chip of `cfg` with `cov` watching both ports; returns the schedule error's rule
// name, or "" if the run ends normally.
std::string run_watched(const ChipSpec& cfg, const Program& p, CoverageCollector& cov)
{
    Chip chip("", cfg);
    try {
        chip.run(p, {&cov}, &cov);
    } catch (const ScheduleError& e) {
        cov.record_schedule_error(e.rule());
        return schedule_rule_info(e.rule()).name;
    }
    return "";
}

// Every bin's hits equal `want` (bins not named there: 0).
void check_hits(const CoverageCollector& cov, const std::map<std::string, uint64_t>& want)
{
    for (const auto& [name, n] : want)
        REQUIRE(cov.bins().find(name) < cov.bins().size());
    for (size_t i = 0; i < cov.bins().size(); ++i) {
        const std::string& name = cov.bins().bins()[i].name;
        const auto it = want.find(name);
        INFO(name);
        CHECK(cov.hits()[i] == (it == want.end() ? 0 : it->second));
    }
}

}  // namespace

TEST_CASE("the coverage table: a bin per opcode, operation and schedule rule, each name once", "[coverage]")
{
    const CoverageGeometry g = CoverageGeometry::of(tiny());
    const CoverageBins bins(g);
    std::set<std::string> names;
    for (const CoverageBin& b : bins.bins())
        CHECK(names.insert(b.name).second);
    for (const OpcodeInfo& o : opcode_table())
        CHECK(names.count(std::string("isa.op.") + o.mnemonic));
    for (const ScheduleRuleInfo& r : schedule_rules())
        CHECK(names.count(std::string("error.") + r.name));
    for (unsigned k = 0; k < SxmOp::kKinds; ++k)
        CHECK(names.count(std::string("isa.sxm.") + sxm_kind_name(static_cast<SxmOp::Kind>(k))));
    for (unsigned b = 0; b < kVxmBinaryOps; ++b)
        CHECK(names.count(std::string("isa.vxm.") + vxm_op_name(static_cast<VxmBinaryOp>(b))));
    for (unsigned u = 0; u < kVxmUnaryOps; ++u)
        CHECK(names.count(std::string("isa.vxm.") + vxm_op_name(static_cast<VxmUnaryOp>(u))));
    // Every unreachable row names a bin, which carries its reason.
    for (const CoverageUnreachable& u : coverage_unreachable()) {
        const size_t i = bins.find(u.bin);
        REQUIRE(i < bins.size());
        CHECK(bins.bins()[i].unreachable == u.reason);
    }
    // The bins counted family by family: tiny has 4 planes, 4 slots, 1 superlane, 32 + 32 streams.
    const size_t opcodes = opcode_table().size(), rules = schedule_rules().size();
    const size_t expected = opcodes + (kVxmBinaryOps + kVxmUnaryOps + 2) + SxmOp::kKinds + 5 + 2 * 17 + 10 + 3 * 2 + 7 +
                            4 * 2 + 6 + 5 * 2 + 4 + 3 * 1 + 32 / 4 + 32 / 4 + rules;
    CHECK(bins.size() == expected);
    // Geometry changes the geometric bins only, not the table's hash.
    const CoverageBins small(CoverageGeometry::of(config_named("small")));
    CHECK(small.size() == expected + (16 - 4) * 2 + 3 * 3);
    CHECK(std::regex_match(CoverageBins::table_hash(), std::regex("fnv1a64:[0-9a-f]{16}")));
    CHECK(bins.find("mxm.slot.3.add") < bins.size());
    CHECK(bins.find("mxm.slot.4.add") == bins.size());
    CHECK(small.find("mxm.slot.15.add") < small.size());
    CHECK(bins.find("stream.east.s28-31") < bins.size());
    CHECK(bins.index(CoverageFamilyId::Slot, 3, 1) == bins.find("mxm.slot.3.add"));
}

// A plane-level walk through one GEMM step on tiny (MXM_E0 is plane 2, position 93): two weight
// rows read by MEM_E43 (91) in cycles 0 and 1, at the plane in 4 and 5; LW 4, 5; IW 6; the
// activation read by MEM_E42 (90) in 2, at the plane in 7; ABC 7, ACC 8 emitting in 10 on
// s4w..s7w. Row 0 holds -128 and 127 and zeros, row 1 ones; the activation is u8 2 everywhere:
// the result is -254, 256, then 2 in every lane.
TEST_CASE("a small program hits exactly the bins counted by hand", "[coverage]")
{
    const std::string src = ".tensor w MEM_E43 0 2 i8\n.data w 0 0x80 0x7f\n.data w 1 1*16\n"
                            ".tensor x MEM_E42 0 1 u8\n.data x 0 2*16\n"
                            ".queue MEM_E43\n Read 0, s0e\n Repeat 1, 1, 1\n"
                            ".queue MEM_E42\n NOP 2\n Read 0, s1e\n"
                            ".queue MXM_E0.w\n NOP 4\n LW 0, i8, s0e\n Repeat 1, 1, 1\n IW\n"
                            ".queue MXM_E0.a\n NOP 7\n ABC u8, s1e\n"
                            ".queue MXM_E0.c\n NOP 8\n ACC 0, set, emit, s4w\n";
    CoverageCollector cov(tiny());
    REQUIRE(run_watched(tiny(), assemble(src, "p.s", tiny()), cov) == "");
    check_hits(cov, {
                        // issues: 4 NOPs, 3 Reads (one a repetition), 2 LWs (one a repetition)
                        {"isa.op.NOP", 4},
                        {"isa.op.Read", 3},
                        {"isa.op.LW", 2},
                        {"isa.op.IW", 1},
                        {"isa.op.ABC", 1},
                        {"isa.op.ACC", 1},
                        {"isa.op.Repeat", 2},
                        {"isa.repeat_stepped", 2},
                        // row 0: -128, 127, 0; row 1: 1; the activation: 2
                        {"operand.weight.i8.neg", 1},
                        {"operand.weight.i8.min", 1},
                        {"operand.weight.i8.max", 1},
                        {"operand.weight.i8.zero", 1},
                        {"operand.weight.i8.pos", 2},
                        {"operand.act.u8.low", 1},
                        {"mxm.stagger.weight.s0", 2},
                        {"mxm.stagger.act.s0", 1},
                        {"mxm.stagger.result.s0", 1},
                        {"mxm.plane.2", 1},
                        // 2 of 16 rows loaded; the ABC of 7 = IW + T_iw reads them, all i8
                        {"mxm.install.some_rows", 1},
                        {"mxm.overlap.abc_at_install_end.int", 1},
                        {"mxm.abc.u8.weights_i8", 1},
                        {"mxm.acc.u8.set", 1},
                        {"mxm.slot.0.set", 1},
                        {"mxm.acc.emit", 1},
                        // 3 vectors read onto s0e and s1e, the result's 4 byte planes onto s4w..s7w
                        {"stream.east.s0-3", 3},
                        {"stream.west.s4-7", 4},
                    });
}

// Weights of -128 in every row and activations of -128: each product is 16 x 16384 = 2^18 per
// lane, so after the set the slot reaches 2^31 on the 8191st add, which wraps.
TEST_CASE("int32 wrap-around, products no ACC took and back-to-back emits are counted", "[coverage]")
{
    const unsigned adds = 8191;
    const std::string src = ".tensor w MEM_E43 0 16 i8\n.fill w 0x80\n"
                            ".queue MEM_E43\n Read 0, s0e\n Repeat 15, 1, 1\n NOP 1\n Read 0, s1e\n Repeat " +
                            std::to_string(adds + 2) +
                            ", 1\n"
                            ".queue MXM_E0.w\n NOP 4\n LW 0, i8, s0e\n Repeat 15, 1, 1\n IW\n"  // 4..19, IW 20
                            ".queue MXM_E0.a\n NOP 21\n ABC i8, s1e\n Repeat " +
                            std::to_string(adds + 2) +
                            ", 1\n"  // 21 .. 21 + adds + 2
                            ".queue MXM_E0.c\n NOP 22\n ACC 0, set\n ACC 0, add\n Repeat " +
                            std::to_string(adds - 1) + ", 1\n ACC 1, set, emit, s4w\n ACC 1, set, emit, s4w\n";
    CoverageCollector cov(tiny());
    REQUIRE(run_watched(tiny(), assemble(src, "p.s", tiny()), cov) == "");
    CHECK(cov.hits("mxm.acc.i8.set") == 3);
    CHECK(cov.hits("mxm.acc.i8.add") == adds);
    CHECK(cov.hits("mxm.slot.0.add") == adds);
    CHECK(cov.hits("mxm.acc.int32_wrap") == 1);  // the last add only
    CHECK(cov.hits("mxm.acc.no_emit") == adds + 1);
    CHECK(cov.hits("mxm.acc.emit") == 2);
    CHECK(cov.hits("mxm.acc.emit_back_to_back") == 1);
    CHECK(cov.hits("mxm.acc.product_dropped") == 0);
    CHECK(cov.hits("mxm.install.all_rows") == 1);
    CHECK(cov.hits("operand.act.i8.min") == adds + 3);
    CHECK(cov.hits("mxm.overlap.abc_at_install_end.int") == 1);

    // The same without the last ACC: its ABC's product is dropped, counted at the run's end.
    const std::string dropped = src.substr(0, src.rfind(" ACC 1, set, emit, s4w\n"));
    CoverageCollector cov2(tiny());
    REQUIRE(run_watched(tiny(), assemble(dropped, "p.s", tiny()), cov2) == "");
    CHECK(cov2.hits("mxm.acc.product_dropped") == 1);
    CHECK(cov2.hits("mxm.acc.emit_back_to_back") == 0);
}

TEST_CASE("fp16 operands, fp32 results and the install and port edges of tests/data/coverage/mxm_f16.s", "[coverage]")
{
    // The program's comments give the cycles; each bin below is one event of it.
    CoverageCollector cov(tiny());
    REQUIRE(run_watched(tiny(), assemble_file(coverage_data("mxm_f16.s"), tiny()), cov) == "");
    // Row 0 of wf: inf, -0, a subnormal, 65504, NaN, 1, -1, zeros; row 1: ones.
    for (const char* c : {"inf", "neg_zero", "subnormal", "max", "nan", "neg", "pos_zero"})
        CHECK(cov.hits(std::string("operand.weight.f16.") + c) == 1);
    CHECK(cov.hits("operand.weight.f16.pos") == 2);
    CHECK(cov.hits("mxm.overlap.lw_during_compute.f16") == 1);  // LW 16, ABC 15
    CHECK(cov.hits("mxm.overlap.abc_with_iw.f16") == 1);        // IW 19, ABC 19
    CHECK(cov.hits("mxm.install.some_rows") == 3);              // IW 11, 14, 19: one row each
    // Row 0 of af (1, 0, -0, a subnormal, -65504, 1, then zeros) is read by ABC 15 on MXM_E0 and
    // ABC 16 on MXM_E1; row 1 (inf, NaN, then zeros) by ABC 19.
    for (const char* c : {"pos", "neg_zero", "subnormal", "neg", "max"})
        CHECK(cov.hits(std::string("operand.act.f16.") + c) == 2);
    CHECK(cov.hits("operand.act.f16.pos_zero") == 3);
    CHECK(cov.hits("operand.act.f16.inf") == 1);
    CHECK(cov.hits("operand.act.f16.nan") == 1);
    CHECK(cov.hits("mxm.install.type_switch") == 1);
    CHECK(cov.hits("mxm.overlap.iw_during_compute.f16") == 1);
    CHECK(cov.hits("mxm.overlap.abc_at_install_end.int") == 0);    // ABC 13 is 2 cycles after IW 11
    CHECK(cov.hits("mxm.overlap.abc_at_install_end.f16") == 1);    // ABC 15 = IW 14 + T_iw
    CHECK(cov.hits("mxm.overlap.abc_at_fp16_interval.f16") == 1);  // MXM_E0: 15, 19
    CHECK(cov.hits("mxm.overlap.abc_at_fp16_interval.int") == 1);  // MXM_E1: 16, 20
    CHECK(cov.hits("mxm.abc.f16.weights_f16") == 2);
    CHECK(cov.hits("mxm.abc.f16.weights_zero") == 1);
    CHECK(cov.hits("mxm.abc.i8.weights_zero") == 1);
    CHECK(cov.hits("mxm.abc.i8.weights_i8") == 1);
    CHECK(cov.hits("mxm.acc.f16.set") == 1);
    CHECK(cov.hits("mxm.acc.f16.add") == 1);
    CHECK(cov.hits("mxm.acc.fp32_inf") == 1);         // ACC 16: lane 0 inf x 1
    CHECK(cov.hits("mxm.acc.fp32_nan") == 2);         // ACC 16: lane 4 NaN; ACC 20: inf x 0
    CHECK(cov.hits("mxm.acc.product_dropped") == 2);  // MXM_E1's two ABCs
}

TEST_CASE("every error program of tests/data/coverage stops on the rule its name says", "[coverage]")
{
    // err_<unit>_<rule>.s is error <unit>.<rule>; its first line names the config it runs on.
    size_t programs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(coverage_data(""))) {
        const std::string file = entry.path().filename().string();
        if (file.rfind("err_", 0) != 0 || entry.path().extension() != ".s")
            continue;
        ++programs;
        const std::string stem = entry.path().stem().string().substr(4);
        const std::string rule = stem.substr(0, stem.find('_')) + "." + stem.substr(stem.find('_') + 1);
        std::smatch m;
        const std::string text = read_text(entry.path().string());
        REQUIRE(std::regex_search(text, m, std::regex(" on (\\S+\\.yaml)")));
        const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_SOURCE_DIR) + "/" + m[1].str());
        CoverageCollector cov(cfg);
        INFO(file);
        CHECK(run_watched(cfg, assemble_file(entry.path().string(), cfg), cov) == rule);
        CHECK(cov.hits("error." + rule) == 1);
    }
    CHECK(programs >= 20);
}

TEST_CASE("rules no program can break are still named where they are raised", "[coverage]")
{
    auto rule_of = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const ScheduleError& e) {
            return std::string(schedule_rule_info(e.rule()).name);
        }
        return std::string("(none)");
    };
    const MxmParams& small = config_named("small").mxm;  // T_iw = 4
    const std::vector<uint8_t> lanes(small.rows, 1);
    MxmResult out;
    MxmInstr iw, lw, abc;
    iw.op = MxmOpcode::IW;
    lw.op = MxmOpcode::LW;
    abc.op = MxmOpcode::ABC;
    CHECK(rule_of([&] {
              MxmCore c(small);
              c.issue(iw, 5, nullptr, 0, out);
              c.issue(iw, 3, nullptr, 0, out);
          }) == "mxm.issue_order");
    CHECK(rule_of([&] {
              MxmCore c(small);
              c.issue(abc, 2, lanes.data(), lanes.size(), out);
              c.issue(abc, 2, lanes.data(), lanes.size(), out);
          }) == "mxm.channel_busy");
    CHECK(rule_of([&] {
              MxmCore c(small);
              c.issue(lw, 3, lanes.data(), lanes.size(), out);
              c.issue(iw, 3, nullptr, 0, out);
          }) == "mxm.partial_install");
    const MemParams& mem = tiny().mem;
    CHECK(rule_of([&] {
              MemPortChecker p(mem);
              p.read(5, 0, 0, "Read a");
              p.read(4, 0, 0, "Read b");
          }) == "mem.issue_order");
    CHECK(rule_of([&] {
              MemPortChecker p(mem);
              p.read(5, 0, 0, "Read a");
              p.read(5, 0, 1, "Read b");
          }) == "mem.read_port");
    CHECK(rule_of([&] {
              MemPortChecker p(mem);
              p.write(5, 0, 0, "Write a");
              p.write(5, 0, 1, "Write b");
          }) == "mem.write_port");
}

TEST_CASE("the coverage file: chips of several configs merged, the failing run's rule recorded", "[coverage]")
{
    TempDir dir;
    const std::string path = (dir.path / "cov.json").string();
    RunCoverage rc(path, "test run");
    CoverageCollector& a = rc.collector(0, tiny());
    CoverageCollector& b = rc.collector(1, config_named("small"));
    const Program torn = assemble_file(coverage_data("err_mxm_torn_weights.s"), config_named("small"));
    const Program gemm = assemble_file(std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_tiny.s", tiny());
    CHECK(run_watched(tiny(), gemm, a) == "");
    Chip chip("", config_named("small"));
    try {
        chip.run(torn, {&b}, &b);
        FAIL("no schedule error");
    } catch (const ScheduleError&) {
        rc.write(std::current_exception());
    }
    const std::string json = read_text(path);
    // tiny's and small's bins of the same name add up; small's slots 4..15 are kept.
    std::smatch m;
    REQUIRE(std::regex_search(json, m,
                              std::regex("\"name\": \"isa.op.NOP\", \"family\": 0, \"at\": \\[0\\], "
                                         "\"hits\": ([0-9]+)")));
    CHECK(std::stoull(m[1]) == a.hits("isa.op.NOP") + b.hits("isa.op.NOP"));
    CHECK(json.find("\"name\": \"mxm.slot.15.add\"") != std::string::npos);
    CHECK(json.find("\"name\": \"error.mxm.torn_weights\", \"family\": 15, \"at\": [5], \"hits\": 1,") !=
          std::string::npos);
    CHECK(json.find("\"table_hash\": \"" + CoverageBins::table_hash() + "\"") != std::string::npos);
    CHECK(json.find("\"sources\": [\"test run\"]") != std::string::npos);
    // Hits move between ranks as text and come back the same.
    CHECK(CoverageFile::decode(CoverageFile::encode(a.hits()), a.hits().size()) == a.hits());
    CHECK_THROWS(CoverageFile::decode("1 2", a.hits().size()));
}
