#include "SystemSession.h"

#include "models/chip/PerfettoTrace.h"
#include "models/common/Error.h"
#include "models/common/Json.h"
#include "models/common/Npy.h"
#include "models/session/ChipSession.h"
#include "models/session/PoisonReach.h"
#include "models/system/Wire.h"
#include "models/system/WorkerPool.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace lpu {

namespace {

// A direction's statistics between ranks.
void put_direction(std::string& out, const LinkDirectionStats& s)
{
    for (uint64_t v :
         {s.vectors, s.bytes, s.busy_ps, s.phy.codewords, s.phy.corrected_codewords, s.phy.uncorrectable_codewords,
          s.phy.miscorrected_codewords, s.phy.bits_flipped, s.phy.padding_bits, s.phy.vectors, s.phy.vectors_poisoned,
          s.phy.vectors_with_bit_errors, s.phy.unprotected_bit_errors, uint64_t{s.phy.symbol_errors.size()}})
        wire::put(out, v);
    for (uint64_t v : s.phy.symbol_errors)
        wire::put(out, v);
}

void take_direction(wire::Reader& r, LinkDirectionStats& s)
{
    for (uint64_t* v :
         {&s.vectors, &s.bytes, &s.busy_ps, &s.phy.codewords, &s.phy.corrected_codewords,
          &s.phy.uncorrectable_codewords, &s.phy.miscorrected_codewords, &s.phy.bits_flipped, &s.phy.padding_bits,
          &s.phy.vectors, &s.phy.vectors_poisoned, &s.phy.vectors_with_bit_errors, &s.phy.unprotected_bit_errors})
        *v = r.u64();
    s.phy.symbol_errors.resize(r.u64());
    for (uint64_t& v : s.phy.symbol_errors)
        v = r.u64();
}

// A direction's FEC and line counters (docs/link-errors.md); the histogram without trailing zeros.
std::string fec_json(const LinkPhyCounters& c)
{
    size_t bins = c.symbol_errors.size();
    while (bins > 1 && c.symbol_errors[bins - 1] == 0)
        --bins;
    std::ostringstream os;
    os << "{\"codewords\": " << c.codewords << ", \"symbol_errors\": [";
    for (size_t j = 0; j < bins; ++j)
        os << (j ? ", " : "") << c.symbol_errors[j];
    os << "], \"corrected\": " << c.corrected_codewords << ", \"uncorrectable\": " << c.uncorrectable_codewords
       << ", \"miscorrected\": " << c.miscorrected_codewords << ", \"bits_flipped\": " << c.bits_flipped
       << ", \"vectors_poisoned\": " << c.vectors_poisoned
       << ", \"vectors_with_bit_errors\": " << c.vectors_with_bit_errors
       << ", \"unprotected_bit_errors\": " << c.unprotected_bit_errors << "}";
    return os.str();
}

}  // namespace

SystemSession::SystemSession(const SystemSpec& spec, RankExchange* exchange)
    : solo_(exchange ? nullptr : std::make_unique<SoloExchange>()), exchange_(exchange ? exchange : solo_.get()),
      system_(std::make_unique<System>(spec, exchange_->rank(), exchange_->ranks()))
{
    programs_.resize(system_->chips());
}

SystemSession::~SystemSession() = default;

void SystemSession::step(const std::function<void()>& step)
{
    ++steps_;
    if (setup_failure_)  // a step failed here already: no later one can come first
        return;
    try {
        step();
    } catch (...) {
        if (exchange_->ranks() == 1)
            throw;
        setup_failure_ = rank_failure(std::current_exception(), steps_, 0);
    }
}

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
    c.named = true;
    if (!local(chip))
        return;
    c.program = std::make_unique<Program>(std::move(program));
    c.name = std::move(name);
    c.tensors = std::make_unique<ProgramTensors>(system_->chip(chip), *c.program, c.name);
}

void SystemSession::claim(size_t chip, const std::string& file)
{
    if (programs_.at(chip).named)
        throw InputError(file + ": a second program for chip " + quote_token(system_->spec().chips[chip].name));
    programs_[chip].named = true;
}

void SystemSession::program_file(size_t chip, const std::string& file)
{
    step([&] {
        claim(chip, file);
        if (local(chip))
            program(chip, load_program_file(file, system_->chip(chip).spec()), file);
    });
}

void SystemSession::programs_from(const std::string& dir, unsigned threads)
{
    std::vector<std::filesystem::path> files;
    step([&] {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw InputError(dir + ": not a directory of chip programs");
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
            const std::string ext = e.path().extension().string();
            // Other files (inputs, notes) may sit beside the programs.
            if (e.is_regular_file() && (ext == ".s" || ext == ".lpo"))
                files.push_back(e.path());
        }
    });
    std::sort(files.begin(), files.end());  // a fixed order: the first error is always the same
    // Each file read and assembled on its own (a system's programs are independent), on `threads`
    // threads; then taken in file order, so the first error is the same for any thread count.
    std::vector<Program> loaded(files.size());
    std::vector<std::exception_ptr> errors(files.size());
    WorkerPool(threads).run(files.size(), [&](size_t k) {
        try {
            const size_t chip = chip_index(files[k].stem().string());
            if (local(chip))
                loaded[k] = load_program_file(files[k].string(), system_->chip(chip).spec());
        } catch (...) {
            errors[k] = std::current_exception();
        }
    });
    for (size_t k = 0; k < files.size(); ++k)
        step([&] {
            const size_t chip = chip_index(files[k].stem().string());
            claim(chip, files[k].string());
            if (errors[k])
                std::rethrow_exception(errors[k]);
            if (local(chip))
                program(chip, std::move(loaded[k]), files[k].string());
        });
}

ProgramTensors& SystemSession::tensors(size_t chip) const
{
    const ChipProgram& c = programs_.at(chip);
    if (!c.named)
        throw InputError("chip " + quote_token(system_->spec().chips.at(chip).name) +
                         " runs no program: it declares no tensors");
    if (!c.tensors)
        throw std::logic_error("chip " + std::to_string(chip) + " runs on another rank");
    return *c.tensors;
}

// Whether the chip's program declares `name`, on the rank that holds the program.
void SystemSession::check_tensor(size_t chip, const std::string& name) const
{
    if (!programs_.at(chip).named || local(chip))
        tensors(chip).check(name);
}

void SystemSession::load(size_t chip, const std::string& name, const std::string& npy_file)
{
    step([&] {
        check_tensor(chip, name);
        if (local(chip))
            tensors(chip).load(name, read_npy(npy_file));
    });
}

void SystemSession::dump_after(size_t chip, const std::string& name, const std::string& npy_file)
{
    step([&] { check_tensor(chip, name); });
    step([&] {
        if (writer())
            check_writable(npy_file);
    });
    dumps_.push_back({chip, name, npy_file});
}

void SystemSession::set_link_error_policy(ErrorPolicy policy) { system_->set_link_error_policy(policy); }

void SystemSession::stats_after(const std::string& file)
{
    step([&] {
        if (writer())
            check_writable(file);
    });
    stats_file_ = file;
}

void SystemSession::trace_after(const std::string& file)
{
    step([&] {
        if (writer())
            check_writable(file);
    });
    trace_file_ = file;
}

NpyArray SystemSession::array(size_t chip, const std::string& name) const { return tensors(chip).array(name); }

const SystemStats& SystemSession::run(const std::vector<ChipWatch>& watch, unsigned threads)
{
    exchange_->agree(setup_failure_);
    started_ = true;
    const size_t n = system_->chips();
    // Each chip's trace events in a buffer of its own (chips run on threads), joined in chip order.
    std::vector<std::ostringstream> traces(n);
    std::vector<std::unique_ptr<PerfettoTrace>> tracers(n);
    std::vector<ChipRun> runs(n);
    for (size_t d = 0; d < 2 * system_->spec().links.size(); ++d)
        if (system_->has_direction(d / 2, static_cast<unsigned>(d % 2)))
            system_->direction(d / 2, static_cast<unsigned>(d % 2)).keep_flights(!trace_file_.empty());
    for (size_t i = 0; i < n; ++i) {
        if (!local(i))
            continue;
        runs[i].program = programs_[i].program.get();
        if (!trace_file_.empty()) {
            tracers[i] = std::make_unique<PerfettoTrace>(
                traces[i], system_->chip(i).spec(),
                PerfettoTrace::Process{static_cast<unsigned>(i + 1), system_->spec().chips[i].name, system_->clock(i)});
            runs[i].observers.push_back(tracers[i].get());
        }
        if (i < watch.size()) {
            runs[i].observers.insert(runs[i].observers.end(), watch[i].observers.begin(), watch[i].observers.end());
            runs[i].mxm_observer = watch[i].mxm;
        }
    }
    reach_.reset();
    if (system_->link_error_policy() == ErrorPolicy::poison) {
        std::vector<const Program*> programs(n);
        for (size_t i = 0; i < n; ++i)
            programs[i] = programs_[i].program.get();
        reach_ = std::make_unique<PoisonReach>(*system_, std::move(programs));
    }
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = system_->run(runs, threads, exchange_);
    tracers.clear();  // each trace complete before it is gathered
    std::vector<std::string> chip_traces(n);
    for (size_t i = 0; i < n; ++i)
        chip_traces[i] = traces[i].str();
    take_gathered(exchange_->gather(collect_mine(chip_traces)));
    if (reach_) {
        reach_->compare(threads, *exchange_);
        reach_->join(exchange_->gather(reach_->mine()));
    }
    wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ran_ = true;
    std::optional<RankFailure> failed;
    if (writer()) {
        try {
            write_outputs();
        } catch (...) {
            failed = rank_failure(std::current_exception(), 0, 0);
        }
    }
    exchange_->agree(failed);
    return stats_;
}

// This rank's part of the results: its chips' statistics and traces, its link directions'
// statistics and traces, its dumps.
std::string SystemSession::collect_mine(const std::vector<std::string>& chip_traces) const
{
    std::string out;
    const bool stats = !stats_file_.empty() || writer();
    for (size_t i = 0; i < system_->chips(); ++i)
        if (local(i)) {
            wire::put(out, uint64_t{0});
            wire::put(out, i);
            wire::put(out, stats_.chips[i].instructions);
            wire::put(out, stats ? system_->chip(i).stats_json(stats_.chips[i]) : std::string());
            wire::put(out, chip_traces[i]);
        }
    for (size_t d = 0; d < stats_.directions.size(); ++d)
        if (system_->has_direction(d / 2, static_cast<unsigned>(d % 2))) {
            wire::put(out, uint64_t{1});
            wire::put(out, d);
            put_direction(out, stats_.directions[d]);
            wire::put(out, trace_file_.empty() ? std::string() : direction_trace(d));
        }
    for (size_t k = 0; k < dumps_.size(); ++k)
        if (local(dumps_[k].chip)) {
            const NpyArray a = array(dumps_[k].chip, dumps_[k].name);
            wire::put(out, uint64_t{2});
            wire::put(out, k);
            wire::put(out, npy_file_bytes(a.descr.c_str(), a.shape, a.data));
        }
    return out;
}

// On the writer: every rank's part, in place (chips, directions and dumps by index).
void SystemSession::take_gathered(const std::vector<std::string>& parts)
{
    Gathered& g = gathered_;
    g.chip_json.assign(system_->chips(), "");
    g.chip_trace.assign(system_->chips(), "");
    g.instructions.assign(system_->chips(), 0);
    g.direction_trace.assign(stats_.directions.size(), "");
    g.dumps.assign(dumps_.size(), "");
    for (const std::string& part : parts)
        for (wire::Reader r(part); !r.done();) {
            const uint64_t kind = r.u64(), i = r.u64();
            if (kind == 0) {
                g.instructions.at(i) = r.u64();
                g.chip_json.at(i) = r.str();
                g.chip_trace.at(i) = r.str();
            } else if (kind == 1) {
                take_direction(r, stats_.directions.at(i));
                g.direction_trace.at(i) = r.str();
            } else {
                g.dumps.at(i) = r.str();
            }
        }
}

void SystemSession::write_outputs() const
{
    for (size_t k = 0; k < dumps_.size(); ++k)
        write_file_atomic(dumps_[k].file, gathered_.dumps[k]);
    if (!stats_file_.empty())
        write_file_atomic(stats_file_, stats_json());
    if (!trace_file_.empty()) {
        std::ostringstream head;
        head << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
             << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"links of "
             << json_escape(system_->spec().name) << "\"}}";
        std::string all = head.str();
        for (const std::string& t : gathered_.direction_trace)
            all += t;
        for (const std::string& t : gathered_.chip_trace)
            all += t;
        write_file_atomic(trace_file_, all + "\n]}\n");
    }
}

// A direction's track in process 0 of the trace: an event per vector from its Send to its arrival.
std::string SystemSession::direction_trace(size_t d) const
{
    const size_t l = d / 2;
    const unsigned dir = static_cast<unsigned>(d % 2);
    const SystemLink& link = system_->spec().links[l];
    const auto& chips = system_->spec().chips;
    const LinkEnd& from = dir == 0 ? link.a : link.b;
    const LinkEnd& to = dir == 0 ? link.b : link.a;
    std::ostringstream os;
    os << std::fixed << std::setprecision(6) << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << d
       << ",\"args\":{\"name\":\"link " << l << " " << json_escape(chips[from.chip].name) << ".C2C." << from.port
       << " -> " << json_escape(chips[to.chip].name) << ".C2C." << to.port << "\"}}";
    const auto& flights = system_->direction(l, dir).flights();
    for (size_t v = 0; v < flights.size(); ++v)
        os << ",\n{\"name\":\"vector " << v << "\",\"cat\":\"C2C\",\"ph\":\"X\",\"pid\":0,\"tid\":" << d
           << ",\"ts\":" << double(flights[v].first) / 1e6
           << ",\"dur\":" << double(flights[v].second - flights[v].first) / 1e6 << "}";
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
           << ", \"bytes\": " << d.bytes << ", \"busy_ps\": " << d.busy_ps << ", \"utilisation\": " << busy
           << ", \"fec\": " << fec_json(d.phy) << "}";
    }
    os << ", \"latency_ps\": " << system_->timing(l, 0).latency_ps << ", \"fec\": \"" << link.params.fec
       << "\", \"ber\": " << link.params.ber << "}";
    return os.str();
}

std::string SystemSession::stats_json() const
{
    if (!ran_ || !writer())
        throw std::logic_error("SystemSession::stats_json: on rank 0, after run");
    std::ostringstream os;
    os << "{\n\"system\": \"" << json_escape(system_->spec().name) << "\",\n\"end_ps\": " << stats_.end_ps
       << ",\n\"chips\": {";
    for (size_t i = 0; i < system_->chips(); ++i)
        os << (i ? ",\n" : "\n") << "\"" << json_escape(system_->spec().chips[i].name)
           << "\": " << gathered_.chip_json[i];
    os << "},\n\"links\": [";
    for (size_t l = 0; l < system_->spec().links.size(); ++l)
        os << (l ? ",\n" : "\n") << link_json(l);
    os << "],\n\"time\": " << system_->time().json(system_->spec());
    if (reach_) {
        uint64_t poisoned = 0;
        for (const LinkDirectionStats& d : stats_.directions)
            poisoned += d.phy.vectors_poisoned;
        os << ",\n\"poison\": {\"vectors\": " << poisoned
           << ", \"compared\": " << (reach_->ran_again() ? "true" : "false") << ", \"error\": \""
           << json_escape(reach_->error()) << "\", \"reached\": " << reach_->json() << "}";
    }
    os << "\n}\n";
    return os.str();
}

std::string SystemSession::report() const
{
    if (!ran_ || !writer())
        throw std::logic_error("SystemSession::report: on rank 0, after run");
    uint64_t instructions = 0, vectors = 0;
    for (uint64_t c : gathered_.instructions)
        instructions += c;
    for (const LinkDirectionStats& d : stats_.directions)
        vectors += d.vectors;
    std::ostringstream os;
    os << "ran system " << system_->spec().name << ": " << system_->chips() << " chips, " << instructions
       << " instructions, " << vectors << " vectors over C2C links, in " << std::fixed << std::setprecision(3)
       << double(stats_.end_ps) / 1e6 << " us; simulated in " << wall_s_ << " s";
    return os.str();
}

std::string SystemSession::poison_report() const
{
    if (!ran_ || !writer())
        throw std::logic_error("SystemSession::poison_report: on rank 0, after run");
    if (!reach_)
        return "";
    uint64_t poisoned = 0;
    for (const LinkDirectionStats& d : stats_.directions)
        poisoned += d.phy.vectors_poisoned;
    std::string out = std::to_string(poisoned) + " poisoned vectors delivered";
    if (!reach_->error().empty())
        return out + "; the run with them complemented failed, so what they reached is unknown: " + reach_->error() +
               "\n";
    const std::string text = reach_->text();
    return out + (text.empty() ? "; they reached no output element\n" : "; they reached:\n" + text);
}

}  // namespace lpu
