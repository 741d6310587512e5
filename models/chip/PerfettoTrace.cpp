#include "PerfettoTrace.h"

#include "models/common/Json.h"

#include <iomanip>

namespace lpu {

PerfettoTrace::PerfettoTrace(std::ostream& out, const ChipSpec& spec)
    : out_(out), process_{1, spec.chip.name, ChipClock::every_ps(spec.chip.period_ps())}, whole_file_(true),
      config_latency_(spec.icu.config_latency)
{}

PerfettoTrace::PerfettoTrace(std::ostream& out, const ChipSpec& spec, Process process)
    : out_(out), process_(std::move(process)), whole_file_(false), config_latency_(spec.icu.config_latency)
{}

double PerfettoTrace::us(uint64_t cycle) const { return static_cast<double>(process_.clock.start_ps(cycle)) / 1e6; }

void PerfettoTrace::begin(const QueueMap& queues, const Program& program)
{
    queues_ = &queues;
    if (whole_file_)
        out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    out_ << (whole_file_ ? "" : ",\n") << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" << process_.pid
         << ",\"args\":{\"name\":\"" << json_escape(process_.name) << "\"}}";
    for (size_t q = 0; q < queues.queues().size(); ++q)
        if (!program.queues[q].empty())
            out_ << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" << process_.pid << ",\"tid\":" << q
                 << ",\"args\":{\"name\":\"" << queues.queues()[q].name << "\"}}";
}

void PerfettoTrace::on_issue(size_t q, size_t, const Instr& in, int64_t offset, uint64_t cycle)
{
    switch (in.op) {
    case Opcode::Nop: return;
    case Opcode::Sync: event(q, "Sync", "ICU", cycle, 1); return;
    case Opcode::Notify: event(q, "Notify", "ICU", cycle, 1); return;
    default: break;
    }
    const uint64_t dur = in.op == Opcode::Config   ? config_latency_
                         : in.op == Opcode::Ifetch ? static_cast<uint64_t>(in.a)
                                                   : 1;
    // A repetition shows its own operand (address or row), not the original's.
    event(q, in.executed(offset).disasm(), queue_kind_name(queues_->queues()[q].kind), cycle, dur);
}

void PerfettoTrace::event(size_t q, const std::string& name, const char* cat, uint64_t t, uint64_t dur)
{
    out_ << ",\n"
         << std::fixed << std::setprecision(6) << "{\"name\":\"" << json_escape(name) << "\",\"cat\":\"" << cat
         << "\",\"ph\":\"X\",\"pid\":" << process_.pid << ",\"tid\":" << q << ",\"ts\":" << us(t)
         << ",\"dur\":" << us(t + dur) - us(t) << ",\"args\":{\"cycle\":" << t << "}}";
}

void PerfettoTrace::end(uint64_t)
{
    if (whole_file_)
        out_ << "\n]}\n";
}

}  // namespace lpu
