// The whole-chip waveform (tb/wave): a VCD that a small parser here reads back and checks
// against the run itself — every issue of the Chrome trace, every value the chip drives onto a
// stream, the cycle counter — plus determinism, the failing-run case and the VcdWriter rules.
#include "models/chip/Chip.h"
#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/common/Rng.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipParams.h"
#include "models/spec/ChipSpec.h"
#include "tb/wave/ChipWaveWriter.h"
#include "tb/wave/VcdWriter.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace lpu;
using namespace lpu::test;
namespace fs = std::filesystem;

namespace {

const ChipSpec& tiny()
{
    static const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tiny.yaml");
    return cfg;
}

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A VCD read back strictly: the header's structure, then the value changes. Fails the test on
// anything malformed, on a change that repeats the current value, or on two changes of one
// variable in one time step.
struct Vcd {
    struct Var {
        std::string kind, id, path;
        unsigned width = 0;
        std::vector<std::pair<uint64_t, std::string>> changes;  // (time, value): "1", "b101", text
    };
    std::string timescale;
    std::map<std::string, Var> vars;  // by path, e.g. "chip.cycle"
    std::vector<uint64_t> times;      // every "#t", in order
    uint64_t end = 0;

    const Var& var(const std::string& path) const
    {
        const auto it = vars.find(path);
        INFO("variable " << path);
        REQUIRE(it != vars.end());
        return it->second;
    }
    // The value in effect at time t.
    std::string at(const std::string& path, uint64_t t) const
    {
        std::string v;
        for (const auto& [time, value] : var(path).changes)
            if (time <= t)
                v = value;
        return v;
    }
    // Times at which the variable changes to `value`.
    std::vector<uint64_t> edges(const std::string& path, const std::string& value) const
    {
        std::vector<uint64_t> t;
        for (const auto& c : var(path).changes)
            if (c.second == value)
                t.push_back(c.first);
        return t;
    }
};

uint64_t bits(const std::string& v)
{
    REQUIRE(v.size() > 1);
    REQUIRE(v[0] == 'b');
    uint64_t x = 0;
    for (size_t i = 1; i < v.size(); ++i) {
        REQUIRE((v[i] == '0' || v[i] == '1'));
        x = x << 1 | uint64_t(v[i] - '0');
    }
    return x;
}

// `start`: the time of the $dumpvars section (a windowed dump's first time; else 0).
Vcd parse_vcd(const std::string& text, uint64_t start = 0)
{
    std::istringstream in(text);
    std::vector<std::string> tok;
    for (std::string t; in >> t;)
        tok.push_back(t);
    Vcd vcd;
    std::map<std::string, std::string> path_of;
    std::vector<std::string> scope;
    size_t i = 0;
    auto next = [&] {
        REQUIRE(i < tok.size());
        return tok[i++];
    };
    auto skip_to_end = [&] {
        while (next() != "$end") {
        }
    };
    bool defs = false;
    while (!defs) {
        const std::string k = next();
        if (k == "$version" || k == "$comment" || k == "$date") {
            skip_to_end();
        } else if (k == "$timescale") {
            vcd.timescale = next();
            REQUIRE(next() == "$end");
        } else if (k == "$scope") {
            REQUIRE(next() == "module");
            scope.push_back(next());
            REQUIRE(next() == "$end");
        } else if (k == "$upscope") {
            REQUIRE(!scope.empty());
            scope.pop_back();
            REQUIRE(next() == "$end");
        } else if (k == "$var") {
            Vcd::Var v;
            v.kind = next();
            REQUIRE((v.kind == "wire" || v.kind == "integer" || v.kind == "string"));
            v.width = static_cast<unsigned>(std::stoul(next()));
            REQUIRE(v.width >= 1);
            v.id = next();
            for (char c : v.id)
                REQUIRE((c >= '!' && c <= '~'));
            std::string name = next(), range = next();
            if (range != "$end") {
                REQUIRE(range == "[" + std::to_string(v.width - 1) + ":0]");
                REQUIRE(next() == "$end");
            }
            REQUIRE(!scope.empty());
            for (const auto& s : scope)
                v.path += s + ".";
            v.path += name;
            REQUIRE(path_of.count(v.id) == 0);
            REQUIRE(vcd.vars.count(v.path) == 0);
            path_of[v.id] = v.path;
            vcd.vars[v.path] = v;
        } else if (k == "$enddefinitions") {
            REQUIRE(next() == "$end");
            REQUIRE(scope.empty());
            defs = true;
        } else {
            FAIL("unexpected header token " << k);
        }
    }
    REQUIRE(!vcd.timescale.empty());
    bool have_time = false, in_dumpvars = false;
    uint64_t now = 0;
    std::set<std::string> changed_now;
    auto change = [&](const std::string& id, const std::string& value) {
        INFO("time " << now << " id " << id << " value " << value);
        REQUIRE(have_time);
        REQUIRE(path_of.count(id) == 1);
        Vcd::Var& v = vcd.vars[path_of[id]];
        REQUIRE(changed_now.insert(id).second);  // one change per variable per time step
        if (v.kind == "string") {
            REQUIRE(value[0] == 's');
        } else if (value[0] == 'b') {
            REQUIRE((v.width > 1 || v.kind == "integer"));
            REQUIRE(value.size() - 1 <= v.width);
            REQUIRE(value.find_first_not_of("01xz", 1) == std::string::npos);
        } else {
            REQUIRE(v.width == 1);
            REQUIRE(v.kind == "wire");
            REQUIRE(value.size() == 1);
        }
        const std::string stored = v.kind == "string" ? value.substr(1) : value;
        if (!in_dumpvars && !v.changes.empty())
            REQUIRE(v.changes.back().second != stored);  // only changes are dumped
        v.changes.emplace_back(now, stored);
    };
    while (i < tok.size()) {
        const std::string t = next();
        if (t[0] == '#') {
            const uint64_t time = std::stoull(t.substr(1));
            REQUIRE((vcd.times.empty() ? time == start : time > vcd.times.back()));
            vcd.times.push_back(time);
            now = time;
            have_time = true;
            changed_now.clear();
        } else if (t == "$dumpvars") {
            REQUIRE(vcd.times.size() == 1);
            in_dumpvars = true;
        } else if (t == "$end") {
            REQUIRE(in_dumpvars);
            in_dumpvars = false;
        } else if (t[0] == 'b' || t[0] == 's') {
            change(next(), t);
        } else {
            REQUIRE(std::string("01xz").find(t[0]) != std::string::npos);
            change(t.substr(1), t.substr(0, 1));
        }
    }
    REQUIRE(!in_dumpvars);
    REQUIRE(!vcd.times.empty());
    vcd.end = vcd.times.back();
    return vcd;
}

// The documented spelling of text in the VCD: whitespace as '_'.
std::string vcd_text(std::string s)
{
    for (char& c : s)
        if (c == ' ')
            c = '_';
    return s;
}

// Forwards to the waveform writer and keeps what the chip reported, to compare with the VCD.
struct Tee final : ChipObserver {
    ChipObserver& to;
    struct Drive {
        unsigned position;
        uint64_t cycle;
        uint32_t lanes;
    };
    std::map<std::string, std::vector<Drive>> drives;  // by stream
    explicit Tee(ChipObserver& o) : to(o) {}
    void begin(const QueueMap& q, const Program& p) override { to.begin(q, p); }
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override
    {
        to.on_issue(q, index, in, offset, cycle);
    }
    void on_release(size_t q, uint64_t cycle) override { to.on_release(q, cycle); }
    void on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& v) override
    {
        drives[s.text()].push_back(
            Drive{position, cycle, uint32_t(v[0]) << 24 | uint32_t(v[1]) << 16 | uint32_t(v[2]) << 8 | uint32_t(v[3])});
        to.on_stream_write(s, position, cycle, v);
    }
    void end(uint64_t cycles) override { to.end(cycles); }
    void on_error(uint64_t cycle, const std::string& what) override { to.on_error(cycle, what); }
};

const char* kind_scope(QueueKind k)
{
    switch (k) {
    case QueueKind::MEM: return "MEM";
    case QueueKind::VXM: return "VXM";
    case QueueKind::SXM: return "SXM";
    default: return "MXM";
    }
}

// chip.<kind>.<slice>.<queue with '.' as '_'>.
std::string queue_scope(const QueueInfo& q)
{
    std::string leaf = q.name;
    std::replace(leaf.begin(), leaf.end(), '.', '_');
    return std::string("chip.") + kind_scope(q.kind) + "." + q.name.substr(0, q.name.find('.')) + "." + leaf;
}

struct GemmRun {
    std::string vcd, trace;
    std::map<std::string, std::vector<Tee::Drive>> drives;
    std::vector<uint8_t> w;
    uint64_t cycles = 0;
};

GemmRun run_gemm(const fs::path& dir, uint64_t seed, std::pair<uint64_t, uint64_t> window = {0, ~uint64_t{0}})
{
    const Program p = assemble_file(std::string(LPUSIM_SOURCE_DIR) + "/examples/gemm/gemm_tiny.s", tiny());
    Chip chip("", tiny());
    Rng rng(seed);
    GemmRun r;
    std::vector<uint8_t> x(4 * 16);
    r.w.resize(16 * 16);
    for (auto& b : x)
        b = rng.byte();
    for (auto& b : r.w)
        b = rng.byte();
    chip.load_tensor(*p.tensor("X"), x);
    chip.load_tensor(*p.tensor("W"), r.w);
    ChipWaveWriter wave((dir / "chip.vcd").string(), tiny().chip.period_ps(), "test");
    if (window.second != ~uint64_t{0})
        wave.set_window(window.first, window.second);
    Tee tee(wave);
    std::ostringstream trace;
    PerfettoTrace tracer(trace, chip.spec());
    r.cycles = chip.run(p, {&tracer, &tee}).cycles;
    REQUIRE(wave.closed());
    wave.write_gtkw((dir / "chip.gtkw").string());
    r.vcd = slurp(dir / "chip.vcd");
    r.trace = trace.str();
    r.drives = tee.drives;
    return r;
}

}  // namespace

TEST_CASE("chip waveform: every issue of the trace, at its cycle, with its text", "[wave]")
{
    TempDir dir("lpusim-wave");
    const GemmRun r = run_gemm(dir.path, 1);
    const Vcd vcd = parse_vcd(r.vcd);
    const uint64_t P = tiny().chip.period_ps();
    REQUIRE(P == 1111);
    CHECK(vcd.timescale == "1ps");
    CHECK(r.cycles == 114);
    CHECK(vcd.end == r.cycles * P);

    // Issues per queue from the Chrome trace: {"name":"...",...,"ph":"X",...,"tid":Q,...,
    // "args":{"cycle":C}}. (String search, not std::regex: GCC 12's <regex> warns under the
    // sanitizer build.)
    auto field = [](const std::string& line, const std::string& key) -> std::string {
        const std::string k = "\"" + key + "\":";
        const size_t at = line.find(k);
        if (at == std::string::npos)
            return "";
        size_t from = at + k.size(), to;
        if (line[from] == '"') {
            ++from;
            to = line.find('"', from);
        } else {
            to = line.find_first_not_of("0123456789", from);
        }
        return to == std::string::npos ? "" : line.substr(from, to - from);
    };
    std::map<size_t, std::map<uint64_t, std::string>> issued;
    size_t events = 0;
    std::istringstream lines(r.trace);
    for (std::string line; std::getline(lines, line);) {
        if (field(line, "ph") != "X" || field(line, "pid") != "1" || field(line, "cycle").empty())
            continue;
        issued[std::stoul(field(line, "tid"))][std::stoull(field(line, "cycle"))] = field(line, "name");
        ++events;
    }
    CHECK(events == 16 + 4 + 17 + 4 + 4 + 4 * 4);  // every issue of gemm_tiny.s but the NOPs

    const QueueMap map(tiny());
    size_t active = 0;
    for (size_t q = 0; q < map.queues().size(); ++q) {
        const std::string scope = queue_scope(map.queues()[q]);
        const auto it = issued.find(q);
        INFO("queue " << map.queues()[q].name);
        if (it == issued.end()) {  // no instructions: no signals
            CHECK(vcd.vars.count(scope + ".instr") == 0);
            continue;
        }
        ++active;
        // The issue pulse rises exactly in the trace's cycles and falls half-way through them.
        std::set<uint64_t> want_rise, rise, fall;
        for (const auto& [cycle, name] : it->second) {
            want_rise.insert(cycle * P);
            CHECK(vcd.at(scope + ".instr", cycle * P) == vcd_text(name));
            CHECK(vcd.at(scope + ".instr", cycle * P + P - 1) == vcd_text(name));
            CHECK(vcd.at(scope + ".pc", cycle * P) != "");
        }
        for (uint64_t t : vcd.edges(scope + ".issue", "1"))  // at 0: high from the start
            rise.insert(t);
        for (uint64_t t : vcd.edges(scope + ".issue", "0"))
            if (t)  // not the initial value
                fall.insert(t - P / 2);
        CHECK(rise == want_rise);
        CHECK(fall == want_rise);
        // The text changes only at cycle starts: to an issued instruction in its cycle, or to a
        // state (NOP, idle, parked).
        for (const auto& [t, text] : vcd.var(scope + ".instr").changes) {
            INFO("change at " << t << " to " << text);
            CHECK(t % P == 0);
            const auto issue = it->second.find(t / P);
            if (issue != it->second.end())
                CHECK(text == vcd_text(issue->second));
            else
                CHECK((text == "idle" || text == "parked" || text.rfind("NOP_", 0) == 0));
        }
    }
    CHECK(active == 9);  // MEM_E0..E5, MXM_E0's three

    // The documented timeline of gemm_tiny.s: MEM_E0 waits 16 cycles, reads rows 0..3, idles.
    const std::string e0 = "chip.MEM.MEM_E0.MEM_E0.instr";
    CHECK(vcd.at(e0, 0) == "NOP_16");
    CHECK(vcd.at(e0, 15 * P) == "NOP_16");
    CHECK(vcd.at(e0, 16 * P) == "Read_0x0,_s1e");
    CHECK(vcd.at(e0, 19 * P) == "Read_0x3,_s1e");
    CHECK(vcd.at(e0, 20 * P) == "idle");
    CHECK(vcd.at("chip.MEM.MEM_E0.MEM_E0.pc", 19 * P) == "b1");
    CHECK(vcd.at("chip.MXM.MXM_E0.MXM_E0_w.instr", 62 * P) == "IW");
    CHECK(vcd.at("chip.MXM.MXM_E0.MXM_E0_c.instr", 67 * P) == "ACC_0,_set,_emit,_s4w");

    // chip.cycle counts every cycle; status ends "done".
    for (uint64_t c = 0; c < r.cycles; ++c)
        REQUIRE(bits(vcd.at("chip.cycle", c * P + P / 2)) == c);
    CHECK(vcd.at("chip.status", 0) == "running");
    CHECK(vcd.at("chip.status", r.cycles * P) == "done");
}

TEST_CASE("chip waveform: a drive pulse, producer and value wherever a value lands on a stream", "[wave]")
{
    TempDir dir("lpusim-wave");
    const GemmRun r = run_gemm(dir.path, 2);
    const Vcd vcd = parse_vcd(r.vcd);
    const uint64_t P = tiny().chip.period_ps();
    const QueueMap map(tiny());
    std::map<unsigned, std::string> slice_at;
    for (const auto& q : map.queues())
        slice_at[q.position] = q.name.substr(0, q.name.find('.'));

    // Exactly the streams the chip drove have signals, pulsing at exactly its cycles.
    std::set<std::string> declared, driven;
    for (const auto& [path, v] : vcd.vars)
        if (path.rfind("chip.streams.", 0) == 0)
            declared.insert(path.substr(13, path.find('.', 13) - 13));
    for (const auto& [s, list] : r.drives)
        driven.insert(s);
    CHECK(declared == driven);
    CHECK(driven == std::set<std::string>{"s0e", "s1e", "s4w", "s5w", "s6w", "s7w"});
    for (const auto& [s, list] : r.drives) {
        INFO("stream " << s);
        const std::string base = "chip.streams." + s + ".";
        std::set<uint64_t> want, rise;
        for (const auto& d : list) {
            want.insert(d.cycle * P);
            CHECK(vcd.at(base + "driven", d.cycle * P) == "1");
            CHECK(vcd.at(base + "driven", d.cycle * P + P / 2) == "0");
            CHECK(bits(vcd.at(base + "position", d.cycle * P)) == d.position);
            CHECK(vcd.at(base + "producer", d.cycle * P) == slice_at[d.position]);
            CHECK(bits(vcd.at(base + "lanes_0_3", d.cycle * P)) == d.lanes);
        }
        for (uint64_t t : vcd.edges(base + "driven", "1"))
            rise.insert(t);
        CHECK(rise == want);
        CHECK(vcd.var(base + "lanes_0_3").width == 32);
    }
    // And the documented timeline: W row k leaves MEM_E1 (position 49) on s0e at cycle 2 + k,
    // lanes 0..3 of the row; the int32 results leave MXM_E0 on s4w..s7w at 66..69.
    for (uint64_t k = 0; k < 16; ++k) {
        const uint64_t t = (2 + k) * P;
        CHECK(vcd.at("chip.streams.s0e.producer", t) == "MEM_E1");
        CHECK(bits(vcd.at("chip.streams.s0e.position", t)) == 49);
        const uint32_t lanes = uint32_t(r.w[k * 16]) << 24 | uint32_t(r.w[k * 16 + 1]) << 16 |
                               uint32_t(r.w[k * 16 + 2]) << 8 | uint32_t(r.w[k * 16 + 3]);
        CHECK(bits(vcd.at("chip.streams.s0e.lanes_0_3", t)) == lanes);
    }
    CHECK(vcd.edges("chip.streams.s7w.driven", "1") == std::vector<uint64_t>{66 * P, 67 * P, 68 * P, 69 * P});
    CHECK(vcd.at("chip.streams.s7w.producer", 66 * P) == "MXM_E0");
}

TEST_CASE("chip waveform: same program, same bytes, and a .gtkw naming only signals of the VCD", "[wave]")
{
    TempDir a("lpusim-wave"), b("lpusim-wave");
    const GemmRun one = run_gemm(a.path, 3), two = run_gemm(b.path, 3);
    CHECK(one.vcd == two.vcd);
    CHECK(run_gemm(a.path, 4).vcd != one.vcd);  // and it does depend on the data

    const Vcd vcd = parse_vcd(one.vcd);
    const std::string gtkw = slurp(b.path / "chip.gtkw");
    CHECK(gtkw.find("[dumpfile] \"" + fs::absolute(b.path / "chip.vcd").string() + "\"") != std::string::npos);
    std::istringstream lines(gtkw);
    size_t signals = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || std::string("[@*-").find(line[0]) != std::string::npos)
            continue;
        INFO(line);
        // "+{alias} name", name with the range GTKWave appends to a vector
        REQUIRE(line.rfind("+{", 0) == 0);
        CHECK(line.substr(0, line.find('}')).find('.') == std::string::npos);
        const std::string name = line.substr(line.find("} ") + 2);
        CHECK(vcd.vars.count(name.substr(0, name.find('['))) == 1);
        ++signals;
    }
    CHECK(signals == 2 + 9 * 2 + 6 * 3);  // cycle, status; instr + issue per queue; 3 per stream
    // Aliases name the queue or stream (no '.': GTKWave would show only what follows it).
    CHECK(gtkw.find("+{MXM_E0_a instr} chip.MXM.MXM_E0.MXM_E0_a.instr\n") != std::string::npos);
    CHECK(gtkw.find("+{s4w lanes 0-3} chip.streams.s4w.lanes_0_3[31:0]\n") != std::string::npos);
}

TEST_CASE("chip waveform: a window is the whole waveform cut to its cycles, starting with their values", "[wave]")
{
    TempDir a("lpusim-wave"), b("lpusim-wave");
    const uint64_t P = tiny().chip.period_ps(), from = 20, to = 60;
    const GemmRun whole = run_gemm(a.path, 3), part = run_gemm(b.path, 3, {from, to});
    REQUIRE(whole.cycles > to + 1);
    const Vcd w = parse_vcd(whole.vcd), v = parse_vcd(part.vcd, from * P);
    CHECK(w.times.front() == 0);
    CHECK(w.end == whole.cycles * P);
    CHECK(v.end == (to + 1) * P);  // through cycle `to`, complete
    CHECK(v.vars.size() == w.vars.size());
    // At every time the whole waveform has in the window, every variable has the same value;
    // the window has no time outside [from, to + 1] and fewer than the whole.
    size_t times = 0;
    for (uint64_t t : w.times) {
        if (t < from * P || t >= (to + 1) * P)  // (to + 1) * P: the dump's end, not a value of the window
            continue;
        ++times;
        for (const auto& [path, var] : w.vars) {
            INFO(path << " at " << t);
            CHECK(v.at(path, t) == w.at(path, t));
        }
    }
    CHECK(times > to - from);
    CHECK(v.times.front() == from * P);
    CHECK(v.times.back() == (to + 1) * P);
    CHECK(v.times.size() < w.times.size());
    // The save file opens on the window.
    CHECK(slurp(b.path / "chip.gtkw").find("[timestart] " + std::to_string(from * P) + "\n") != std::string::npos);
}

TEST_CASE("VcdWriter: a window dumps cycles from..to-1 only, the values at from first", "[wave]")
{
    TempDir dir("lpusim-wave");
    const std::string path = (dir.path / "w.vcd").string();
    {
        VcdWriter w(path, "1ps");
        const auto num = w.add({"top"}, "num", VcdWriter::Kind::Integer, 8);
        w.window(10, 20);
        w.time(5);
        w.set(num, 1);  // before the window: the value the window starts with
        w.time(10);
        w.set(num, 2);  // at its start: that too
        w.time(15);
        w.set(num, 3);
        w.time(20);
        w.set(num, 4);  // at its end: not dumped
        w.finish(30);   // ends at the window's end
        CHECK_THROWS_AS(w.window(0, 1), std::logic_error);
    }
    const Vcd vcd = parse_vcd(slurp(path), 10);
    CHECK(vcd.times == std::vector<uint64_t>{10, 15, 20});
    CHECK(vcd.var("top.num").changes == std::vector<std::pair<uint64_t, std::string>>{{10, "b10"}, {15, "b11"}});
}

TEST_CASE("chip waveform: a schedule error leaves a complete VCD through the failing cycle", "[wave]")
{
    TempDir dir("lpusim-wave");
    const uint64_t P = tiny().chip.period_ps();
    // MEM_E3 (position 51) reads s0e in cycle 4; MEM_E0's value (48, driven at 2) gets there at 5.
    const Program p =
        assemble(".queue MEM_E0\n Read 0, s0e\n.queue MEM_E3\n NOP 4\n Write 0, s0e\n", "early.s", tiny());
    Chip chip("", tiny());
    const std::string path = (dir.path / "chip.vcd").string();
    ChipWaveWriter wave(path, P, "early");
    std::string error;
    try {
        chip.run(p, {&wave});
    } catch (const ScheduleError& e) {
        error = e.what();
    }
    REQUIRE(error.find("chip 0 (tiny): schedule error at cycle 4") == 0);
    // The chip told the writer where it stopped (ChipObserver::on_error): the waveform is
    // complete already, and fail() only reports the cycle.
    CHECK(wave.closed());
    CHECK(fs::exists(path));
    CHECK(wave.fail(error) == 4);
    const Vcd vcd = parse_vcd(slurp(path));
    CHECK(vcd.end == 5 * P);  // cycles 0..4, the failing one complete
    CHECK(vcd.at("chip.status", 4 * P - 1) == "running");
    CHECK(vcd.at("chip.status", 4 * P)
              .rfind("error:_chip_0_(tiny):_schedule_error_at_cycle_4:_MEM_E3:_'Write_0x0,_s0e'", 0) == 0);
    CHECK(bits(vcd.at("chip.cycle", 4 * P)) == 4);
    CHECK(vcd.at("chip.MEM.MEM_E0.MEM_E0.instr", 0) == "Read_0x0,_s0e");
    CHECK(vcd.at("chip.MEM.MEM_E0.MEM_E0.instr", P) == "idle");
    CHECK(vcd.at("chip.MEM.MEM_E3.MEM_E3.instr", 3 * P) == "NOP_4");
    CHECK(vcd.edges("chip.streams.s0e.driven", "1") == std::vector<uint64_t>{2 * P});
    wave.write_gtkw((dir.path / "chip.gtkw").string());
    // Centred on the failure, with the marker at its cycle.
    CHECK(slurp(dir.path / "chip.gtkw").find(" " + std::to_string(4 * P) + " -1 -1") != std::string::npos);
    // Nothing but the two files is left in the directory.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path)) {
        INFO(e.path());
        CHECK((e.path().filename() == "chip.vcd" || e.path().filename() == "chip.gtkw"));
        ++files;
    }
    CHECK(files == 2);
}

TEST_CASE("chip waveform: an error without a cycle ends at the last cycle seen, Sync shows parked", "[wave]")
{
    TempDir dir("lpusim-wave");
    const uint64_t P = tiny().chip.period_ps();
    const Program p = assemble(".queue MEM_E0\n NOP 3\n Sync\n Read 0, s0e\n", "parked.s", tiny());
    Chip chip("", tiny());
    ChipWaveWriter wave((dir.path / "chip.vcd").string(), P, "parked");
    std::string error;
    try {
        chip.run(p, {&wave});
    } catch (const ScheduleError& e) {
        error = e.what();
    }
    REQUIRE(error.find("is parked at a Sync") != std::string::npos);
    CHECK(wave.fail(error) == 3);
    const Vcd vcd = parse_vcd(slurp(dir.path / "chip.vcd"));
    CHECK(vcd.end == 4 * P);
    CHECK(vcd.at("chip.MEM.MEM_E0.MEM_E0.instr", 3 * P) == "Sync");
    CHECK(vcd.edges("chip.MEM.MEM_E0.MEM_E0.issue", "1") == std::vector<uint64_t>{3 * P});
}

TEST_CASE("chip waveform: Notify releases a parked queue and done queues turn idle", "[wave]")
{
    TempDir dir("lpusim-wave");
    const uint64_t P = tiny().chip.period_ps();
    // MEM_E0 parks at 0; MEM_E1 notifies at 5; MEM_E0 issues again at 5 + notify latency (1).
    const Program p =
        assemble(".queue MEM_E0\n Sync\n Read 0, s0e\n.queue MEM_E1\n NOP 5\n Notify\n", "notify.s", tiny());
    Chip chip("", tiny());
    ChipWaveWriter wave((dir.path / "chip.vcd").string(), P, "notify");
    const RunStats st = chip.run(p, {&wave});
    REQUIRE(wave.closed());
    const Vcd vcd = parse_vcd(slurp(dir.path / "chip.vcd"));
    const std::string e0 = "chip.MEM.MEM_E0.MEM_E0.instr", e1 = "chip.MEM.MEM_E1.MEM_E1.instr";
    CHECK(vcd.at(e0, 0) == "Sync");
    CHECK(vcd.at(e0, P) == "parked");
    CHECK(vcd.at(e0, 5 * P) == "parked");
    CHECK(vcd.at(e0, 6 * P) == "Read_0x0,_s0e");
    CHECK(vcd.at(e0, 7 * P) == "idle");
    CHECK(vcd.at(e1, 4 * P) == "NOP_5");
    CHECK(vcd.at(e1, 5 * P) == "Notify");
    CHECK(vcd.at(e1, 6 * P) == "idle");
    CHECK(vcd.end == st.cycles * P);
}

TEST_CASE("chip waveform: an Ifetch shows while it fetches, then the fetched instructions", "[wave]")
{
    TempDir dir("lpusim-wave");
    const uint64_t P = tiny().chip.period_ps();
    // As tests/unit/test_chip_icu.cpp: the block reaches MEM_E3 in 5 and 6, where Ifetch 2 reads
    // it; the fetched writes issue in 8 and 9 (ifetch latency 2).
    const Program p =
        assemble(".tensor a MEM_E0 0 2 i8\n.tensor b MEM_E3 0 2 i8\n"
                 ".block writes MEM_E3 MEM_E0 0x100\n Write 0x0, s0e\n Write 0x1, s0e\n.end\n"
                 ".queue MEM_E0\n Read 0x100, s1e\n Repeat 1, 1, 1\n NOP 1\n Read 0, s0e\n Repeat 1, 1, 1\n"
                 ".queue MEM_E3\n NOP 5\n Ifetch 2, s1e\n",
                 "fetch.s", tiny());
    Chip chip("", tiny());
    ChipWaveWriter wave((dir.path / "chip.vcd").string(), P, "fetch");
    chip.run(p, {&wave});
    const Vcd vcd = parse_vcd(slurp(dir.path / "chip.vcd"));
    const std::string e3 = "chip.MEM.MEM_E3.MEM_E3.instr";
    CHECK(vcd.at(e3, 4 * P) == "NOP_5");
    CHECK(vcd.at(e3, 5 * P) == "Ifetch_2,_s1e");
    CHECK(vcd.at(e3, 6 * P) == "Ifetch_2,_s1e");
    CHECK(vcd.at(e3, 7 * P) == "idle");
    CHECK(vcd.at(e3, 8 * P) == "Write_0x0,_s0e");
    CHECK(vcd.at(e3, 9 * P) == "Write_0x1,_s0e");
    CHECK(vcd.at(e3, 10 * P) == "idle");
    CHECK(vcd.edges("chip.MEM.MEM_E3.MEM_E3.issue", "1") == std::vector<uint64_t>{5 * P, 8 * P, 9 * P});
}

TEST_CASE("VcdWriter: changes only, last value of a step wins, late declarations, text sanitised", "[wave]")
{
    TempDir dir("lpusim-wave");
    const std::string path = (dir.path / "w.vcd").string();
    {
        VcdWriter w(path, "1ns");
        const auto bit = w.add({"top", "sub"}, "bit", VcdWriter::Kind::Wire);
        const auto num = w.add({"top"}, "num", VcdWriter::Kind::Integer, 16);
        const auto text = w.add({"top"}, "text", VcdWriter::Kind::String);
        w.initial(bit, 0);
        w.set(num, 5);  // at time 0: becomes the initial value
        w.time(10);
        w.set(bit, 1);
        w.set(bit, 0);  // same step: no change at all
        w.set(num, 5);  // unchanged: not dumped
        w.set(text, "two words\there");
        w.time(20);
        w.set(num, 0x1ffff);  // wider than 16 bits: the low 16
        std::vector<VcdWriter::Var> many;
        for (int i = 0; i < 200; ++i)  // ids beyond one character
            many.push_back(w.add({"top", "late"}, "v" + std::to_string(i), VcdWriter::Kind::Wire, 8));
        w.set(many.back(), 0xa5);
        CHECK_THROWS_AS(w.time(19), std::logic_error);
        w.finish(30);
        CHECK(w.finished());
    }
    const std::string text = slurp(path);
    const Vcd vcd = parse_vcd(text);
    CHECK(vcd.timescale == "1ns");
    CHECK(vcd.times == std::vector<uint64_t>{0, 10, 20, 30});
    CHECK(vcd.var("top.sub.bit").changes == std::vector<std::pair<uint64_t, std::string>>{{0, "0"}});
    CHECK(vcd.var("top.num").changes ==
          std::vector<std::pair<uint64_t, std::string>>{{0, "b101"}, {20, "b1111111111111111"}});
    CHECK(vcd.at("top.text", 0) == "-");
    CHECK(vcd.at("top.text", 10) == "two_words_here");
    CHECK(vcd.at("top.late.v199", 19) == "bx");
    CHECK(vcd.at("top.late.v199", 20) == "b10100101");
    CHECK(text.find("$date") == std::string::npos);
    CHECK(VcdWriter::sanitise("") == "-");
    CHECK(VcdWriter::sanitise("a b\nc") == "a_b_c");
    CHECK_THROWS_AS(VcdWriter((dir.path / "missing" / "w.vcd").string(), "1ps"), InputError);
    CHECK(ChipWaveWriter::cycle_in("schedule error at cycle 17: two producers", 3) == 17);
    CHECK(ChipWaveWriter::cycle_in("queue X is parked at a Sync", 3) == 3);
    CHECK(ChipWaveWriter::cycle_in("first divergence at cycle 30 on port", 3) == 30);
}
