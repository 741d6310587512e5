#include "Chip.h"

#include "common/Error.h"
#include "chip/SliceExecutor.h"
#include "mem/MemExecutor.h"
#include "mxm/MxmExecutor.h"
#include "sxm/SxmExecutor.h"
#include "vxm/VxmExecutor.h"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <sstream>

namespace lpu {

namespace {

// How often (in visited cycles) the stream file forgets values that left the chip.
constexpr uint64_t kRetireInterval = 256;

std::string json_escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

// An executed instruction as a number, so the hot path builds no text and stores nothing:
// queue (16 bits), index in its queue (24 bits), a repetition's operand offset (signed 24 bits).
AgentId agent_id(size_t queue, size_t index, int64_t offset)
{
    return (uint64_t{queue} << 48) | (uint64_t{index} << 24) | (static_cast<uint64_t>(offset) & 0xFFFFFF);
}

// The instruction as executed: a repetition has its own address or row.
Instr executed_instr(const Instr& in, int64_t offset)
{
    Instr effective = in;
    if (in.op == Opcode::Read || in.op == Opcode::Write || in.op == Opcode::LW)
        effective.a += offset;
    return effective;
}

std::string executed_text(const Instr& in, int64_t offset)
{
    return executed_instr(in, offset).disasm();
}

}  // namespace

struct Chip::QueueState {
    size_t pc = 0;
    uint64_t next = 0;
    bool parked = false;
    bool done = false;
    uint64_t last_issue = 0;
    // An active Repeat of `repeat_of`: `left` more issues, `spacing` apart, operand + `offset`.
    const Instr* repeat_of = nullptr;
    uint64_t left = 0, spacing = 0;
    int64_t step = 0, offset = 0;
};

Chip::Chip(sc_core::sc_module_name name, const Config& cfg)
    : sc_module(name),
      host("host"),
      cfg_(cfg),
      chip_(ChipParams::from_config(cfg)),
      mxm_(MxmParams::from_config(cfg)),
      memp_(MemParams::from_config(cfg)),
      streamp_(StreamParams::from_config(cfg)),
      icu_(IcuParams::from_config(cfg)),
      vxmp_(VxmSliceParams::from_config(cfg)),
      sxmp_(SxmSliceParams::from_config(cfg)),
      map_(cfg)
{
    mem_ = std::make_unique<MemSystem>("mem", memp_, sc_core::sc_time::from_value(chip_.period_ps()));
    host.bind(mem_->host_socket);
}

Chip::~Chip() = default;

void Chip::host_transfer(tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length)
{
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(address);
    gp.set_data_ptr(data);
    gp.set_data_length(length);
    gp.set_streaming_width(length);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (host->transport_dbg(gp) != length)
        throw InputError("host access to MEM at address " + std::to_string(address) + " failed: " + mem_->error());
}

void Chip::load_tensor(const TensorDecl& t, const std::vector<uint8_t>& bytes)
{
    const unsigned lanes = memp_.word_bytes(), eb = t.element_bytes();
    if (bytes.size() != size_t{t.rows} * lanes * eb)
        throw InputError("tensor '" + t.name + "' holds " + std::to_string(t.rows) + " x " + std::to_string(lanes) +
                         " " + tensor_type_name(t.type) + " elements; got " + std::to_string(bytes.size()) + " bytes");
    std::vector<uint8_t> plane(lanes);
    for (uint32_t r = 0; r < t.rows; ++r)
        for (unsigned k = 0; k < eb; ++k) {
            for (unsigned l = 0; l < lanes; ++l)
                plane[l] = bytes[(size_t{r} * lanes + l) * eb + k];
            host_transfer(tlm::TLM_WRITE_COMMAND, memp_.host_address(t.slice + k, t.addr + r), plane.data(), lanes);
        }
}

std::vector<uint8_t> Chip::dump_tensor(const TensorDecl& t)
{
    const unsigned lanes = memp_.word_bytes(), eb = t.element_bytes();
    std::vector<uint8_t> bytes(size_t{t.rows} * lanes * eb), plane(lanes);
    for (uint32_t r = 0; r < t.rows; ++r)
        for (unsigned k = 0; k < eb; ++k) {
            host_transfer(tlm::TLM_READ_COMMAND, memp_.host_address(t.slice + k, t.addr + r), plane.data(), lanes);
            for (unsigned l = 0; l < lanes; ++l)
                bytes[(size_t{r} * lanes + l) * eb + k] = plane[l];
        }
    return bytes;
}

RunStats Chip::run(const Program& program, std::ostream* trace, MxmObserver* observer, ChipObserver* watcher)
{
    const auto& queues = map_.queues();
    if (program.queues.size() != queues.size())
        throw std::logic_error("program was assembled for another config");
    // Slice, instruction as executed and source position: "MEM_E3: 'Write 0x0, s0e' (p.s:5:2)".
    auto describe = [&](AgentId id) {
        const size_t q = id >> 48, index = (id >> 24) & 0xFFFFFF;
        const auto offset = static_cast<int64_t>(id << 40) >> 40;  // sign-extend 24 bits
        const Instr& in = program.queues.at(q).at(index);
        return queues[q].name + ": '" + executed_text(in, offset) + "' (" + in.pos.text() + ")";
    };
    StreamFile streams(streamp_.east, streamp_.west, map_.positions(), describe);
    RunStats st;
    st.queues.resize(queues.size());
    ExecContext ctx(streams, describe, st, memp_.word_bytes(), watcher);

    // One executor per slice kind, each in its unit's folder.
    MemExecutor mem(memp_, *mem_);
    MxmExecutor mxm(mxm_, observer);
    VxmExecutor vxm(vxmp_, icu_.vxm_queues);
    SxmExecutor sxm(sxmp_, chip_.lanes_per_superlane);
    const std::vector<SliceExecutor*> executors{&mem, &mxm, &vxm, &sxm};
    std::vector<SliceExecutor*> exec_of_queue(queues.size());
    for (size_t q = 0; q < queues.size(); ++q) {
        switch (queues[q].kind) {
        case QueueKind::MEM: exec_of_queue[q] = &mem; break;
        case QueueKind::VXM: exec_of_queue[q] = &vxm; break;
        case QueueKind::SXM: exec_of_queue[q] = &sxm; break;
        case QueueKind::MXM_W:
        case QueueKind::MXM_A:
        case QueueKind::MXM_C: exec_of_queue[q] = &mxm; break;
        }
    }

    std::vector<QueueState> qs(queues.size());
    // Per slice position: busy cycles so far and the last cycle counted (events come in cycle order).
    std::vector<uint64_t> slice_busy(map_.positions(), 0), slice_last(map_.positions(), ~uint64_t{0});
    uint64_t instr_id = 0, last_cycle = 0, visited = 0;
    const double us_per_cycle = static_cast<double>(chip_.period_ps()) / 1e6;
    bool first_event = true;

    if (trace) {
        *trace << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
        *trace << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"" << json_escape(chip_.name)
               << "\"}}";
        for (size_t q = 0; q < queues.size(); ++q)
            if (!program.queues[q].empty())
                *trace << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" << q
                       << ",\"args\":{\"name\":\"" << queues[q].name << "\"}}";
        first_event = false;
    }
    auto emit_trace = [&](size_t q, const std::string& name, const char* cat, uint64_t t, uint64_t dur) {
        if (!trace)
            return;
        *trace << (first_event ? "" : ",\n") << std::fixed << std::setprecision(6) << "{\"name\":\""
               << json_escape(name) << "\",\"cat\":\"" << cat << "\",\"ph\":\"X\",\"pid\":1,\"tid\":" << q
               << ",\"ts\":" << static_cast<double>(t) * us_per_cycle
               << ",\"dur\":" << static_cast<double>(dur) * us_per_cycle << ",\"args\":{\"cycle\":" << t << "}}";
        first_event = false;
    };

    auto execute = [&](size_t q, const Instr& in, uint64_t t, int64_t offset) {
        const QueueInfo& qi = queues[q];
        const size_t index = static_cast<size_t>(&in - program.queues[q].data());
        exec_of_queue[q]->execute(Issue{q, &qi, &in, t, offset, agent_id(q, index, offset), instr_id}, ctx);
        ++instr_id;
        ++st.queues[q].issued;
        if (slice_last[qi.position] != t) {
            slice_last[qi.position] = t;
            ++slice_busy[qi.position];
        }
        if (st.queues[q].issued == 1)
            st.queues[q].first = t;
        st.queues[q].last = t;
        if (trace)  // a repetition shows its own operand (address or row), not the original's
            emit_trace(q, executed_text(in, offset), queue_kind_name(qi.kind), t, 1);
        if (watcher)
            watcher->on_issue(q, index, executed_instr(in, offset), t);
    };

    for (size_t q = 0; q < queues.size(); ++q)
        qs[q].done = program.queues[q].empty();
    if (watcher)
        watcher->begin(map_, program);

    for (;;) {
        uint64_t t = ctx.next_landing();
        for (const SliceExecutor* e : executors)
            t = std::min(t, e->next_event());
        for (const auto& s : qs)
            if (!s.done && !s.parked)
                t = std::min(t, s.next);
        if (t == kNever)
            break;
        last_cycle = t;
        // The slices' own work first (SRAM writes committing), then values landing on streams:
        // reads of cycle t see both (docs/isa.md 2.2).
        for (SliceExecutor* e : executors)
            e->advance(t);
        ctx.land(t);
        bool notify = false;
        for (size_t q = 0; q < qs.size(); ++q) {
            QueueState& s = qs[q];
            if (s.done || s.parked || s.next != t)
                continue;
            const auto& list = program.queues[q];
            if (!s.repeat_of && list[s.pc].op == Opcode::Repeat) {
                const Instr& rep = list[s.pc];
                s.repeat_of = &list[s.pc - 1];
                s.left = static_cast<uint64_t>(rep.a);
                s.spacing = static_cast<uint64_t>(rep.b);
                s.step = rep.c;
                s.offset = rep.c;
                s.next = s.last_issue + s.spacing;
                if (s.next != t)
                    continue;  // first repetition later than the cycle after its original
            }
            if (s.repeat_of) {
                execute(q, *s.repeat_of, t, s.offset);
                s.last_issue = t;
                s.offset += s.step;
                if (--s.left > 0) {
                    s.next = t + s.spacing;
                    continue;
                }
                s.repeat_of = nullptr;
                s.next = t + 1;
                ++s.pc;
            } else {
                const Instr& in = list[s.pc];
                ++s.pc;
                if (watcher && (in.op == Opcode::Nop || in.op == Opcode::Sync || in.op == Opcode::Notify))
                    watcher->on_issue(q, s.pc - 1, in, t);
                switch (in.op) {
                case Opcode::Nop:
                    st.queues[q].idle_cycles += static_cast<uint64_t>(in.a);
                    s.next = t + static_cast<uint64_t>(in.a);
                    break;
                case Opcode::Sync:
                    s.parked = true;
                    emit_trace(q, "Sync", "ICU", t, 1);
                    break;
                case Opcode::Notify:
                    notify = true;
                    emit_trace(q, "Notify", "ICU", t, 1);
                    s.next = t + 1;
                    break;
                default:
                    execute(q, in, t, 0);
                    s.last_issue = t;
                    s.next = t + 1;
                    break;
                }
            }
            s.done = s.pc >= list.size() && !s.repeat_of;
        }
        if (notify)
            for (auto& s : qs)
                if (s.parked) {
                    s.parked = false;
                    s.next = t + icu_.notify_latency;
                    if (watcher)
                        watcher->on_release(static_cast<size_t>(&s - qs.data()), s.next);
                    s.done = s.pc >= program.queues[static_cast<size_t>(&s - qs.data())].size();
                }
        if (++visited % kRetireInterval == 0)
            streams.retire_before(t);
    }
    for (size_t q = 0; q < qs.size(); ++q)
        if (qs[q].parked)
            throw ScheduleError("queue " + queues[q].name + " is parked at a Sync (" +
                                program.queues[q][qs[q].pc - 1].pos.text() + ") that no Notify releases");
    for (SliceExecutor* e : executors)
        e->finish(last_cycle, st);
    if (watcher)
        watcher->end(last_cycle + 1);
    if (trace)
        *trace << "\n]}\n";
    st.cycles = last_cycle + 1;
    st.instructions = instr_id;
    for (const QueueInfo& q : queues)
        if (slice_busy[q.position])
            st.slice_busy[q.name.substr(0, q.name.find('.'))] = slice_busy[q.position];
    st.streams = streams.stats();
    return st;
}

std::string Chip::stats_json(const RunStats& st) const
{
    const auto& queues = map_.queues();
    const double peak_macs_per_cycle = double(mxm_.planes) * mxm_.rows * mxm_.cols;
    std::ostringstream os;
    os << std::setprecision(6);
    os << "{\n  \"chip\": \"" << json_escape(chip_.name) << "\",\n";
    os << "  \"cycles\": " << st.cycles << ",\n";
    os << "  \"instructions\": " << st.instructions << ",\n";
    os << "  \"macs\": " << st.macs << ",\n";
    os << "  \"vxm_lane_ops\": " << st.vxm_lane_ops << ",\n";
    os << "  \"mxm_utilisation\": " << (st.cycles ? double(st.macs) / (peak_macs_per_cycle * st.cycles) : 0) << ",\n";
    os << "  \"achieved_ops_per_s\": " << (st.cycles ? 2.0 * st.macs / st.cycles * chip_.clock_mhz * 1e6 : 0) << ",\n";
    os << "  \"peak_int8_ops_per_s\": " << 2.0 * peak_macs_per_cycle * chip_.clock_mhz * 1e6 << ",\n";
    os << "  \"sram_bytes_read\": " << st.sram_bytes_read << ",\n";
    os << "  \"sram_bytes_written\": " << st.sram_bytes_written << ",\n";
    os << "  \"streams\": {\"writes\": " << st.streams.writes << ", \"reads\": " << st.streams.reads
       << ", \"overwritten\": " << st.streams.overwritten << ", \"never_read\": " << st.streams.never_read
       << ", \"occupancy\": {";
    for (size_t i = 0; i < st.streams.occupied.size(); ++i) {
        const StreamId s{i < streamp_.east ? StreamDir::East : StreamDir::West,
                         static_cast<unsigned>(i < streamp_.east ? i : i - streamp_.east)};
        os << (i ? ", " : "") << "\"" << s.text()
           << "\": " << double(st.streams.occupied[i]) / (double(map_.positions()) * double(st.cycles));
    }
    os << "}},\n  \"queues\": {";
    bool first = true;
    for (size_t q = 0; q < queues.size(); ++q) {
        const QueueStats& qs = st.queues[q];
        if (!qs.issued && !qs.idle_cycles)
            continue;
        os << (first ? "\n" : ",\n") << "    \"" << queues[q].name << "\": {\"busy_cycles\": " << qs.issued
           << ", \"utilisation\": " << double(qs.issued) / double(st.cycles) << ", \"nop_cycles\": " << qs.idle_cycles
           << ", \"first_cycle\": " << qs.first << ", \"last_cycle\": " << qs.last << "}";
        first = false;
    }
    os << "\n  },\n  \"slices\": {";
    first = true;
    for (const auto& [name, busy] : st.slice_busy) {
        os << (first ? "\n" : ",\n") << "    \"" << name << "\": {\"busy_cycles\": " << busy
           << ", \"utilisation\": " << double(busy) / double(st.cycles) << "}";
        first = false;
    }
    os << "\n  }\n}\n";
    return os.str();
}

}  // namespace lpu
