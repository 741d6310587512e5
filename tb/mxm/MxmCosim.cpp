#include "MxmCosim.h"

#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/mxm/MxmPlane.h"
#include "models/spec/ChipParams.h"
#include "models/spec/ChipSpec.h"
#include "tb/cosim/CycleScoreboard.h"
#include "tb/cosim/TlmFanout.h"
#include "tb/mxm/MxmExpectation.h"
#include "tb/mxm/MxmStimulusDriver.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace lpu {

namespace {

// Cycles the stimulus runs ahead of the RTL (TLM quantum). Large enough to amortise SystemC
// context switches (one per quantum, against the transactor's one per cycle), small enough to
// bound what is held in flight: the scoreboard's expected beats then stay few enough to be in
// cache when the RTL's arrive (256 cycles ran the 320-lane co-simulation ~15 % slower).
constexpr uint64_t kQuantumCycles = 16;
// Cycles the RTL thread (--rtl-thread) may be behind: enough to absorb the stimulus's bursts
// (a quantum's instructions and model work at once), few enough to keep its jobs in cache.
constexpr size_t kRtlThreadDepth = 4 * kQuantumCycles;
// How far the checker looks for a shifted copy of a missing or surplus beat.
constexpr unsigned kLookahead = 8;

std::string quote(const std::string& s)
{
    if (!s.empty() && s.find_first_of(" \t'\"\\$`*?;&|<>()") == std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string si(double v)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(v < 10 ? 2 : 1);
    if (v >= 1e9)
        os << v / 1e9 << " G";
    else if (v >= 1e6)
        os << v / 1e6 << " M";
    else if (v >= 1e3)
        os << v / 1e3 << " k";
    else
        os << v << " ";
    return os.str();
}

}  // namespace

std::string MxmCosimOptions::command_line(const std::string& extra) const
{
    std::ostringstream os;
    os << quote(program) << " cosim mxm --config " << quote(config_path) << " --seed " << seed << " --ops " << ops;
    if (stimulus != "random")
        os << " --stimulus " << stimulus;
    if (fault.kind != MxmFault::Kind::None)
        os << " --inject " << fault.text();
    if (model_only)
        os << " --model-only";
    os << extra;
    return os.str();
}

void write_mxm_gtkw(const std::string& gtkw_path, const std::string& fst_file, const MxmParams& p, uint64_t start_ps,
                    uint64_t end_ps, int64_t marker_ps)
{
    // Flags: 0x22 hex, 0x28 binary, 0x24 decimal, 0x424 signed decimal (right-justified), 0x200 comment.
    std::ostringstream g;
    g << "[*] lpusim MXM co-simulation: " << p.summary() << "\n";
    g << "[dumpfile] \"" << fst_file << "\"\n";
    g << "[timestart] " << start_ps << "\n";
    g << "[size] 1600 900\n[signals_width] 260\n[sst_width] 220\n";
    // Zoom so [start, end] fills the ~720-pixel wave pane of a 1600-wide window. GTKWave 3.3
    // shows 2^-zoom / 200 ps per pixel for a 1 ps dump (measured from its rendering).
    const double span = static_cast<double>(std::max<uint64_t>(end_ps - start_ps, 1));
    g << "*" << std::fixed << std::setprecision(6) << -std::log2(span / 720.0 * 200.0) << " " << marker_ps;
    for (int i = 0; i < 26; ++i)  // GTKWave's named markers A..Z: unset
        g << " -1";
    g << "\n";
    const std::string top = "mxm.mxm_cosim_top.";  // instance "mxm" (MxmRtlVariant.cpp.in), then the top module
    auto bit = [&](const std::string& n) { g << "@28\n" << top << n << "\n"; };
    auto hex = [&](const std::string& n) { g << "@22\n" << top << n << "\n"; };
    auto dec = [&](const std::string& n) { g << "@424\n" << top << n << "\n"; };
    auto udec = [&](const std::string& n) { g << "@24\n" << top << n << "\n"; };
    auto comment = [&](const std::string& text) { g << "@200\n-" << text << "\n"; };
    // GTKWave names a 1-bit vector without its [0:0] range.
    auto range = [](unsigned width) { return width > 1 ? "[" + std::to_string(width - 1) + ":0]" : std::string(); };
    // $clog2 with a minimum of 1, as the RTL sizes its index ports.
    auto bits = [](unsigned n) { return std::max(1u, static_cast<unsigned>(std::ceil(std::log2(n)))); };
    const std::string sl = range(p.superlanes);
    comment("clock / testbench");
    bit("clk_i");
    bit("rst_ni");
    udec("tb_cycle_i[63:0]");
    comment("checker: expected vs RTL, mismatch");
    hex("tb_mismatch_o" + sl);
    hex("tb_exp_valid_i" + sl);
    hex("res_valid_o" + sl);
    const unsigned shown = std::min(p.cols, 4u * p.lanes_per_superlane);
    for (unsigned n = 0; n < shown; n += p.lanes_per_superlane) {
        dec("tb_exp_data_i[" + std::to_string(n) + "][31:0]");
        dec("res_data_o[" + std::to_string(n) + "][31:0]");
    }
    comment("instruction pins (issue cycle)");
    bit("lw_valid_i");
    udec("lw_row_i" + range(bits(p.rows)));
    bit("lw_signed_i");
    bit("iw_valid_i");
    bit("abc_valid_i");
    bit("abc_signed_i");
    bit("acc_valid_i");
    hex("acc_slot_i" + range(bits(p.acc_slots)));
    bit("acc_add_i");
    bit("acc_emit_i");
    comment("aligned: whole vectors, S cycles after issue");
    bit("u_mxm_plane.lw_valid_al");
    bit("u_mxm_plane.iw_valid_al");
    bit("u_mxm_plane.abc_valid_al");
    bit("u_mxm_plane.acc_valid_al");
    comment("operand lanes (staggered: superlane s = instruction of s cycles ago)");
    for (unsigned n = 0; n < shown; n += p.lanes_per_superlane) {
        hex("abc_data_i[" + std::to_string(n) + "][7:0]");
        hex("lw_data_i[" + std::to_string(n) + "][7:0]");
    }
    write_file_atomic(gtkw_path, g.str());
}

namespace {

// The transaction log, written to a temporary file and renamed over `path` only when complete, so a
// run that ends by an exception leaves the old log as it was.
class CosimLog {
public:
    CosimLog(const std::string& path, const MxmCosimOptions& o) : path_(path)
    {
        if (path_.empty())
            return;
        tmp_ = path_ + ".tmp." + std::to_string(::getpid());
        log_.open(tmp_, std::ios::binary | std::ios::trunc);
        if (!log_)
            throw InputError(path_ + ": cannot write");
        log_ << "# lpusim cosim mxm log: " << o.command_line() << "\n";
        log_ << "# I <issue cycle> #<id> <instruction> | R <cycle of superlane 0> #<ACC id> slot <j> abc #<id>: <N "
                "values>\n";
    }
    ~CosimLog()
    {
        if (!tmp_.empty())
            std::remove(tmp_.c_str());
    }
    CosimLog(const CosimLog&) = delete;
    CosimLog& operator=(const CosimLog&) = delete;

    std::ofstream* stream() { return log_.is_open() ? &log_ : nullptr; }
    const std::string& path() const { return path_; }
    void commit()
    {
        if (!log_.is_open())
            return;
        log_.close();
        std::filesystem::rename(tmp_, path_);
        tmp_.clear();
    }

private:
    std::string path_, tmp_;
    std::ofstream log_;
};

// Where the RTL's FST goes (empty: no waves), the wave directory created.
std::string fst_path_of(const MxmCosimOptions& o)
{
    if (o.wave_dir.empty() || o.model_only)
        return "";
    std::error_code ec;
    std::filesystem::create_directories(o.wave_dir, ec);
    if (ec)
        throw InputError(o.wave_dir + ": cannot create wave directory (" + ec.message() + ")");
    return (std::filesystem::path(o.wave_dir) / "mxm.fst").string();
}

// The save file beside the FST, marked at the first divergence; the line that says where both are.
std::string finish_waves(const MxmCosimOptions& o, const std::string& fst_path, const std::string& log_path,
                         uint64_t cycles, const cosim::CycleScoreboard& checker, const MxmParams& mp,
                         uint64_t period_ps)
{
    if (fst_path.empty())
        return "";
    if (!std::filesystem::exists(fst_path))
        return "  waves: none written (wave window outside the " + std::to_string(cycles) + " cycles run)\n";
    const std::string gtkw = (std::filesystem::path(o.wave_dir) / "mxm.gtkw").string();
    const uint64_t from = o.wave_window ? o.wave_from : 0;
    const uint64_t last = std::min(o.wave_window ? o.wave_to : cycles, cycles);
    const int64_t marker = checker.failed() ? static_cast<int64_t>(checker.first_divergence()->cycle * period_ps) : -1;
    write_mxm_gtkw(gtkw, std::filesystem::absolute(fst_path).string(), mp, from * period_ps, (last + 1) * period_ps,
                   marker);
    return "  waves: " + fst_path + " (open: gtkwave " + gtkw + "), transactions: " + log_path + "\n";
}

// The first divergence, what was checked before it and the command that replays it with waves.
void report_divergence(const MxmCosimOptions& o, const std::string& head, const cosim::CycleScoreboard& checker,
                       const MxmParams& mp, const std::string& wave_note, std::ostream& err)
{
    const cosim::Divergence& d = *checker.first_divergence();
    const uint64_t span = 2 * mp.superlanes + mp.array_latency + mp.acc_latency + 8;
    const uint64_t from = d.cycle > span ? d.cycle - span : 0;
    const uint64_t to = d.cycle + kLookahead + 8;
    const std::string wave_dir = o.wave_dir.empty() ? "waves-seed" + std::to_string(o.seed) : o.wave_dir;
    err << "FAIL  " << head << "\n";
    err << d.describe();
    err << "  checked before it: " << checker.beats_checked() << " beats\n";
    err << wave_note;
    err << "  replay: "
        << o.command_line(" --wave " + quote(wave_dir) + " --wave-window " + std::to_string(from) + ":" +
                          std::to_string(to))
        << "\n";
}

}  // namespace

namespace {

// The summary of a passing run: what ran, what was checked, how fast.
struct PassFigures {
    uint64_t instructions, cycles, vectors;
    bool rtl;        // checked against the RTL (else the model ran alone)
    uint64_t beats;  // superlane beats checked
    double wall_s;
};

void report_pass(std::ostream& out, const std::string& head, const PassFigures& f, const MxmStats& st)
{
    out << "PASS  " << head << "\n";
    out << "  instructions: " << f.instructions << " (LW " << st.instrs[0] << ", IW " << st.instrs[1] << ", ABC "
        << st.instrs[2] << ", ACC " << st.instrs[3] << ") over " << f.cycles << " cycles\n";
    if (f.rtl)
        out << "  result vectors checked against RTL: " << f.vectors << " (" << f.beats
            << " superlane beats, value and cycle of each)\n";
    else
        out << "  result vectors: " << f.vectors << " (model only, nothing checked)\n";
    out << "  speed: " << f.cycles << " cycles in " << std::fixed << std::setprecision(3) << f.wall_s
        << " s = " << si(f.cycles / f.wall_s) << "cycles/s, " << si(static_cast<double>(st.macs) / f.wall_s)
        << "MAC/s\n";
}

}  // namespace

int run_mxm_cosim(const MxmCosimOptions& o, std::ostream& out, std::ostream& err)
{
    const ChipSpec spec = load_chip_spec(o.config_path);
    const ChipParams& chip = spec.chip;
    const MxmParams& mp = spec.mxm;
    const sc_core::sc_time period = sc_core::sc_time::from_value(chip.period_ps());
    if (period.value() == 0)
        throw InputError("clock period rounds to 0 ps");
    MxmStimulus stimulus(mp, o.stimulus, o.seed, o.ops);

    if (!o.results_path.empty())
        check_writable(o.results_path);
    const std::string fst_path = fst_path_of(o);
    // With waves, the transaction log goes beside them: the FST's tb_cycle_i is its time base.
    CosimLog log(o.log_path.empty() && !fst_path.empty() ? (std::filesystem::path(o.wave_dir) / "mxm.log").string()
                                                         : o.log_path,
                 o);

    cosim::CycleScoreboard checker(kLookahead);
    const unsigned port = checker.add_port("res", [&mp](const cosim::Beat& b) { return mxm_beat_origin(mp, b); });
    std::unique_ptr<MxmRtlTransactor> rtl;
    MxmStimulusDriver driver("stimulus", stimulus, period, kQuantumCycles, [&] {
        if (rtl)
            rtl->stimulus_done();
    });
    cosim::TlmFanout fanout("fanout");
    MxmPlane model("mxm_model", mp, period);
    model.set_observer(o.observer);
    MxmExpectation expectation("expectation", mp, period, o.model_only ? nullptr : &checker, port);
    driver.socket.bind(fanout.target_socket);
    fanout.initiator_socket.bind(model.instr_socket);
    model.result_socket.bind(expectation.result_socket);
    if (!o.model_only) {
        rtl = std::make_unique<MxmRtlTransactor>(
            "mxm_rtl", mp, period, make_mxm_rtl(mp, ChipClock::every_ps(chip.period_ps()), !fst_path.empty()), checker,
            port);
        fanout.initiator_socket.bind(rtl->instr_socket);
        rtl->driver().set_fault(o.fault);
        if (o.rtl_thread)
            rtl->driver().use_thread(kRtlThreadDepth);
        if (!fst_path.empty()) {
            rtl->driver().set_wave(fst_path, o.wave_window ? o.wave_from : 0, o.wave_window ? o.wave_to : ~uint64_t{0});
            expectation.set_tap([&](const MxmResult& r) { rtl->driver().show_expected(r.first_cycle, r.values); });
        }
    }
    driver.set_error_source([&] {
        return !model.error().empty() ? model.error() : rtl ? rtl->error() : std::string();
    });
    if (std::ofstream* l = log.stream()) {
        driver.set_log(l);
        expectation.set_log(l);
    }
    expectation.keep_results(!o.results_path.empty());

    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const MxmStats& st = model.core().stats();
    if (o.observer)
        o.observer->finish(st.last_cycle);
    const uint64_t cycles = rtl ? rtl->cycles_run() : st.last_cycle + 1;
    const std::string head =
        std::string("mxm cosim  config ") + chip.name + " (" + o.config_path + ")  " +
        (rtl ? std::string("RTL variant ") + rtl->rtl().variant() + " (" + rtl->rtl().isa() + " build)"
             : std::string("model only")) +
        "  stimulus " + o.stimulus + "  seed " + std::to_string(o.seed);

    // Outputs are written whatever the verdict: a failing run's log is what one debugs with.
    log.commit();
    if (!o.results_path.empty())
        write_npy(o.results_path, {expectation.vectors(), mp.cols}, expectation.results());
    const std::string wave_note = finish_waves(o, fst_path, log.path(), cycles, checker, mp, chip.period_ps());

    if (!driver.error().empty()) {
        err << "FAIL  " << head << "\n  " << driver.error() << "\n  replay: " << o.command_line() << "\n";
        return 1;
    }
    if (rtl && checker.failed()) {
        report_divergence(o, head, checker, mp, wave_note, err);
        return 1;
    }
    const uint64_t beats = checker.beats_checked();
    report_pass(out, head,
                PassFigures{driver.instructions(), cycles, expectation.vectors(), rtl != nullptr, beats, wall}, st);
    out << wave_note;
    if (rtl && beats != expectation.vectors() * mp.superlanes) {
        err << "internal error: " << beats << " beats checked, " << expectation.vectors() * mp.superlanes
            << " expected\n";
        return 1;
    }
    return 0;
}

}  // namespace lpu
