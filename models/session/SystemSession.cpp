#include "SystemSession.h"

#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/common/Json.h"
#include "models/common/Npy.h"
#include "models/session/ChipSession.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace lpu {

SystemSession::SystemSession(const SystemSpec& spec) : system_(std::make_unique<System>(spec))
{
    programs_.resize(system_->chips());
}

SystemSession::~SystemSession() = default;

size_t SystemSession::chip_index(const std::string& name) const
{
    const auto& chips = system_->spec().chips;
    for (size_t i = 0; i < chips.size(); ++i)
        if (chips[i].name == name)
            return i;
    std::string names;
    for (size_t i = 0; i < chips.size() && i < 12; ++i)
        names += (names.empty() ? "" : ", ") + cut_token(chips[i].name);
    if (chips.size() > 12)
        names += ", ... (" + std::to_string(chips.size()) + " in all)";
    throw InputError("system " + quote_token(system_->spec().name) + " has no chip " + quote_token(name) +
                     " (chips: " + names + ")");
}

void SystemSession::program(size_t chip, Program program, std::string name)
{
    ChipProgram& c = programs_.at(chip);
    c.program = std::make_unique<Program>(std::move(program));
    c.name = std::move(name);
    c.tensors = std::make_unique<ProgramTensors>(system_->chip(chip), *c.program, c.name);
}

void SystemSession::programs_from(const std::string& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw InputError(dir + ": not a directory of chip programs");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file())
            files.push_back(e.path());
    std::sort(files.begin(), files.end());  // a fixed order: the first error is always the same
    for (const auto& f : files) {
        const std::string ext = f.extension().string();
        if (ext != ".s" && ext != ".lpo")
            throw InputError(f.string() + ": not a chip program (<chip name>.s or .lpo)");
        const size_t chip = chip_index(f.stem().string());
        if (programs_[chip].program)
            throw InputError(f.string() + ": a second program for chip " + quote_token(f.stem().string()));
        program(chip, load_program_file(f.string(), system_->chip(chip).spec()), f.string());
    }
}

ProgramTensors& SystemSession::tensors(size_t chip) const
{
    const ChipProgram& c = programs_.at(chip);
    if (!c.tensors)
        throw InputError("chip " + quote_token(system_->spec().chips.at(chip).name) +
                         " runs no program: it declares no tensors");
    return *c.tensors;
}

void SystemSession::load(size_t chip, const std::string& name, const std::string& npy_file)
{
    tensors(chip).check(name);
    tensors(chip).load(name, read_npy(npy_file));
}

void SystemSession::dump_after(size_t chip, const std::string& name, const std::string& npy_file)
{
    tensors(chip).check(name);
    check_writable(npy_file);
    dumps_.push_back({chip, name, npy_file});
}

void SystemSession::stats_after(const std::string& file)
{
    check_writable(file);
    stats_file_ = file;
}

void SystemSession::trace_after(const std::string& file)
{
    check_writable(file);
    trace_file_ = file;
}

NpyArray SystemSession::array(size_t chip, const std::string& name) const { return tensors(chip).array(name); }

const SystemStats& SystemSession::run(const std::vector<std::vector<ChipObserver*>>& observers, unsigned threads)
{
    const size_t n = system_->chips();
    // Each chip's trace events in a buffer of its own (chips run on threads), joined in chip order.
    std::vector<std::ostringstream> traces(n);
    std::vector<std::unique_ptr<PerfettoTrace>> tracers(n);
    std::vector<ChipRun> runs(n);
    for (size_t l = 0; l < 2 * system_->spec().links.size(); ++l)
        system_->direction(l / 2, static_cast<unsigned>(l % 2)).keep_flights(!trace_file_.empty());
    for (size_t i = 0; i < n; ++i) {
        runs[i].program = programs_[i].program.get();
        if (!trace_file_.empty()) {
            const ChipClock& c = system_->clock(i);
            tracers[i] = std::make_unique<PerfettoTrace>(traces[i], system_->chip(i).spec(),
                                                         PerfettoTrace::Process{static_cast<unsigned>(i + 1),
                                                                                system_->spec().chips[i].name,
                                                                                c.period_fs, c.offset_ps});
            runs[i].observers.push_back(tracers[i].get());
        }
        if (i < observers.size())
            runs[i].observers.insert(runs[i].observers.end(), observers[i].begin(), observers[i].end());
    }
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = system_->run(runs, threads);
    wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ran_ = true;
    for (const Output& d : dumps_) {
        const NpyArray a = array(d.chip, d.name);
        write_npy_raw(d.file, a.descr.c_str(), a.shape, a.data);
    }
    if (!stats_file_.empty())
        write_file_atomic(stats_file_, stats_json());
    if (!trace_file_.empty()) {
        std::string all = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n" + links_trace();
        for (auto& t : traces)
            all += t.str();
        write_file_atomic(trace_file_, all + "\n]}\n");
    }
    return stats_;
}

// Process 0 of the trace: a track per link direction, an event per vector from its Send to its arrival.
std::string SystemSession::links_trace() const
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(6)
       << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"links of "
       << json_escape(system_->spec().name) << "\"}}";
    const auto& chips = system_->spec().chips;
    for (size_t l = 0; l < system_->spec().links.size(); ++l) {
        const SystemLink& link = system_->spec().links[l];
        for (unsigned dir = 0; dir < 2; ++dir) {
            const LinkEnd& from = dir == 0 ? link.a : link.b;
            const LinkEnd& to = dir == 0 ? link.b : link.a;
            const size_t tid = 2 * l + dir;
            os << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << tid << ",\"args\":{\"name\":\"link "
               << l << " " << json_escape(chips[from.chip].name) << ".C2C." << from.port << " -> "
               << json_escape(chips[to.chip].name) << ".C2C." << to.port << "\"}}";
            const auto& flights = system_->direction(l, dir).flights();
            for (size_t v = 0; v < flights.size(); ++v)
                os << ",\n{\"name\":\"vector " << v << "\",\"cat\":\"C2C\",\"ph\":\"X\",\"pid\":0,\"tid\":" << tid
                   << ",\"ts\":" << double(flights[v].first) / 1e6
                   << ",\"dur\":" << double(flights[v].second - flights[v].first) / 1e6 << "}";
        }
    }
    return os.str();
}

std::string SystemSession::link_json(size_t l) const
{
    const SystemLink& link = system_->spec().links[l];
    const auto& chips = system_->spec().chips;
    std::ostringstream os;
    os << std::setprecision(6) << "{\"a\": \"" << json_escape(chips[link.a.chip].name) << " C2C." << link.a.port
       << "\", \"b\": \"" << json_escape(chips[link.b.chip].name) << " C2C." << link.b.port << "\"";
    for (unsigned dir = 0; dir < 2; ++dir) {
        const LinkDirectionStats& d = stats_.directions.at(2 * l + dir);
        const double busy = stats_.end_ps ? double(d.busy_ps) / double(stats_.end_ps) : 0.0;
        os << ", \"" << (dir == 0 ? "a_to_b" : "b_to_a") << "\": {\"vectors\": " << d.vectors
           << ", \"bytes\": " << d.bytes << ", \"busy_ps\": " << d.busy_ps << ", \"utilisation\": " << busy << "}";
    }
    os << ", \"latency_ps\": " << system_->direction(l, 0).timing().latency_ps << "}";
    return os.str();
}

std::string SystemSession::stats_json() const
{
    std::ostringstream os;
    os << "{\n\"system\": \"" << json_escape(system_->spec().name) << "\",\n\"end_ps\": " << stats_.end_ps
       << ",\n\"chips\": {";
    for (size_t i = 0; i < system_->chips(); ++i)
        os << (i ? ",\n" : "\n") << "\"" << json_escape(system_->spec().chips[i].name)
           << "\": " << system_->chip(i).stats_json(stats_.chips[i]);
    os << "},\n\"links\": [";
    for (size_t l = 0; l < system_->spec().links.size(); ++l)
        os << (l ? ",\n" : "\n") << link_json(l);
    os << "]\n}\n";
    return os.str();
}

std::string SystemSession::report() const
{
    if (!ran_)
        throw std::logic_error("SystemSession::report before run");
    uint64_t instructions = 0, vectors = 0;
    for (const RunStats& c : stats_.chips)
        instructions += c.instructions;
    for (const LinkDirectionStats& d : stats_.directions)
        vectors += d.vectors;
    std::ostringstream os;
    os << "ran system " << system_->spec().name << ": " << system_->chips() << " chips, " << instructions
       << " instructions, " << vectors << " vectors over C2C links, in " << std::fixed << std::setprecision(3)
       << double(stats_.end_ps) / 1e6 << " us; simulated in " << wall_s_ << " s";
    return os.str();
}

}  // namespace lpu
