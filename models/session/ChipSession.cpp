#include "ChipSession.h"

#include "models/common/Error.h"
#include "models/common/InputFile.h"
#include "models/common/Npy.h"
#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"

#include <chrono>
#include <fstream>
#include <iomanip>

namespace lpu {

Program load_program_file(const std::string& path, const ChipSpec& spec)
{
    const std::string bytes = read_input_file(path, "program");
    return is_object_file(bytes) ? decode_program(bytes, path, spec) : assemble(bytes, path, spec);
}

ChipSession::ChipSession(const ChipSpec& spec, Program program, std::string program_name, unsigned chip_id)
    : program_name_(std::move(program_name)), program_(std::move(program)),
      chip_(std::make_unique<Chip>("", spec, chip_id)), tensors_(*chip_, program_, program_name_)
{}

ChipSession::~ChipSession() = default;

void ChipSession::load(const std::string& name, const std::string& npy_file)
{
    tensors_.check(name);  // an unknown name before a missing file
    load(name, read_npy(npy_file));
}

void ChipSession::load(const std::string& name, const NpyArray& a) { tensors_.load(name, a); }

void ChipSession::dump_after(const std::string& name, const std::string& npy_file)
{
    tensors_.check(name);
    check_writable(npy_file);
    dumps_.push_back({name, npy_file});
}

void ChipSession::stats_after(const std::string& file)
{
    check_writable(file);
    stats_file_ = file;
}

void ChipSession::trace_after(const std::string& file)
{
    check_writable(file);
    trace_file_ = file;
}

NpyArray ChipSession::array(const std::string& name) { return tensors_.array(name); }

const RunStats& ChipSession::run(const std::vector<ChipObserver*>& observers, MxmObserver* mxm_observer)
{
    std::ostringstream trace;
    std::unique_ptr<PerfettoTrace> tracer;
    if (!trace_file_.empty())
        tracer = std::make_unique<PerfettoTrace>(trace, chip_->spec());
    std::vector<ChipObserver*> all{tracer.get()};
    all.insert(all.end(), observers.begin(), observers.end());
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = chip_->run(program_, all, mxm_observer);
    wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ran_ = true;
    for (const Output& d : dumps_) {
        const NpyArray a = array(d.name);
        write_npy_raw(d.file, a.descr.c_str(), a.shape, a.data);
    }
    if (!stats_file_.empty())
        write_file_atomic(stats_file_, chip_->stats_json(stats_));
    if (!trace_file_.empty())
        write_file_atomic(trace_file_, trace.str());
    return stats_;
}

std::string ChipSession::report() const
{
    if (!ran_)
        throw std::logic_error("ChipSession::report before run");
    const double clock = chip_->spec().chip.clock_mhz;
    std::ostringstream os;
    os << "ran " << program_name_ << ": " << stats_.instructions << " instructions in " << stats_.cycles << " cycles ("
       << std::fixed << std::setprecision(3) << stats_.cycles / clock << " us at " << clock << " MHz), "
       << stats_.macs + stats_.macs_fp16 << " MACs, MXM utilisation " << std::setprecision(4)
       << chip_->mxm_utilisation(stats_) << std::setprecision(3) << "; simulated in " << wall_s_ << " s";
    return os.str();
}

}  // namespace lpu
