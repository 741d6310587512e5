#include "Chip.h"

#include "common/Error.h"
#include "mem/MemPorts.h"

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

struct PendingStream {
    StreamId stream;
    unsigned position;
    VectorRef value;
    AgentId who;
};

// An executed instruction as a number, so the hot path builds no text and stores nothing:
// queue (16 bits), index in its queue (24 bits), a repetition's operand offset (signed 24 bits).
AgentId agent_id(size_t queue, size_t index, int64_t offset)
{
    return (uint64_t{queue} << 48) | (uint64_t{index} << 24) | (static_cast<uint64_t>(offset) & 0xFFFFFF);
}

// Byte plane k of 32-bit lanes and back (byte k of lane l on stream s + k). Free functions with
// restrict pointers and a local count, so the compiler vectorises them.
void pack_plane(uint32_t* __restrict words, const uint8_t* __restrict bytes, unsigned n, unsigned shift)
{
    for (unsigned l = 0; l < n; ++l)
        words[l] |= uint32_t{bytes[l]} << shift;
}

void unpack_plane(uint8_t* __restrict bytes, const uint32_t* __restrict words, unsigned n, unsigned shift)
{
    for (unsigned l = 0; l < n; ++l)
        bytes[l] = static_cast<uint8_t>(words[l] >> shift);
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

struct PendingSram {
    unsigned slice;
    uint32_t word;
    VectorRef value;
    std::vector<uint32_t> tiles;  // Scatter: one word per tile (then `word` is unused)
};

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
    const unsigned lanes = memp_.word_bytes();
    // Slice, instruction as executed and source position: "MEM_E3: 'Write 0x0, s0e' (p.s:5:2)".
    auto describe = [&](AgentId id) {
        const size_t q = id >> 48, index = (id >> 24) & 0xFFFFFF;
        const auto offset = static_cast<int64_t>(id << 40) >> 40;  // sign-extend 24 bits
        const Instr& in = program.queues.at(q).at(index);
        return queues[q].name + ": '" + executed_text(in, offset) + "' (" + in.pos.text() + ")";
    };
    StreamFile streams(streamp_.east, streamp_.west, map_.positions(), describe);
    MemPortChecker ports(memp_);
    std::vector<std::unique_ptr<MxmCore>> planes;
    for (unsigned p = 0; p < mxm_.planes; ++p)
        planes.push_back(std::make_unique<MxmCore>(mxm_));
    std::vector<QueueState> qs(queues.size());
    std::multimap<uint64_t, PendingStream> stream_writes;
    std::multimap<uint64_t, PendingSram> sram_writes;
    std::vector<uint32_t> vx, vy, vz;  // VXM operand and result lanes, reused
    // Per slice position: busy cycles so far and the last cycle counted (events come in cycle order).
    std::vector<uint64_t> slice_busy(map_.positions(), 0), slice_last(map_.positions(), ~uint64_t{0});
    RunStats st;
    st.queues.resize(queues.size());
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
        const AgentId who = agent_id(q, static_cast<size_t>(&in - program.queues[q].data()), offset);
        auto operand = [&](int64_t base, int64_t limit, const char* what) {
            const int64_t v = base + offset;
            if (v < 0 || v >= limit)
                throw ScheduleError("cycle " + std::to_string(t) + ": " + describe(who) + ": repeated " + what + " " +
                                    std::to_string(v) + " is out of range [0, " + std::to_string(limit) + ")");
            return v;
        };
        switch (in.op) {
        case Opcode::Read: {
            const auto word = static_cast<uint32_t>(operand(in.a, memp_.words_per_slice(), "address"));
            ports.read(t, qi.unit, word, MemPortChecker::TextFn([&describe, who] { return describe(who); }));
            auto data = std::make_shared<Vector>(lanes);
            mem_->slice(qi.unit).read(word, data->data());
            st.sram_bytes_read += lanes;
            stream_writes.emplace(t + memp_.read_latency, PendingStream{in.streams[0], qi.position, data, who});
            break;
        }
        case Opcode::Write: {
            const auto word = static_cast<uint32_t>(operand(in.a, memp_.words_per_slice(), "address"));
            const VectorRef data = streams.read(in.streams[0], qi.position, t, who);
            ports.write(t, qi.unit, word, MemPortChecker::TextFn([&describe, who] { return describe(who); }));
            st.sram_bytes_written += lanes;
            sram_writes.emplace(t + memp_.write_latency, PendingSram{qi.unit, word, data, {}});
            break;
        }
        case Opcode::Gather: {
            const VectorRef map = streams.read(in.streams[0], qi.position, t, who);
            const std::vector<uint32_t> tiles = decode_tile_map(memp_, map->data());
            ports.access(t, qi.unit, MemPort::Read, tiles.data(), tiles.size(),
                         MemPortChecker::TextFn([&describe, who] { return describe(who); }));
            auto data = std::make_shared<Vector>(lanes);
            mem_->slice(qi.unit).gather(tiles.data(), data->data());
            st.sram_bytes_read += lanes;
            stream_writes.emplace(t + memp_.read_latency, PendingStream{in.streams[1], qi.position, data, who});
            break;
        }
        case Opcode::Scatter: {
            const VectorRef data = streams.read(in.streams[0], qi.position, t, who);
            const VectorRef map = streams.read(in.streams[1], qi.position, t, who);
            std::vector<uint32_t> tiles = decode_tile_map(memp_, map->data());
            ports.access(t, qi.unit, MemPort::Write, tiles.data(), tiles.size(),
                         MemPortChecker::TextFn([&describe, who] { return describe(who); }));
            st.sram_bytes_written += lanes;
            sram_writes.emplace(t + memp_.write_latency, PendingSram{qi.unit, 0, data, std::move(tiles)});
            break;
        }
        case Opcode::LW:
        case Opcode::ABC: {
            const VectorRef data = streams.read(in.streams[0], qi.position, t, who);
            MxmInstr mi;
            mi.op = in.op == Opcode::LW ? MxmOpcode::LW : MxmOpcode::ABC;
            mi.row = in.op == Opcode::LW ? static_cast<uint32_t>(operand(in.a, mxm_.rows, "row")) : 0;
            mi.is_signed = in.b != 0;
            mi.id = instr_id;
            MxmResult unused;
            planes[qi.unit]->issue(mi, t, data->data(), data->size(), unused);
            if (observer)
                observer->on_issue(qi.unit, mi, t, data->data(), data->size());
            break;
        }
        case Opcode::IW:
        case Opcode::ACC: {
            MxmInstr mi;
            mi.op = in.op == Opcode::IW ? MxmOpcode::IW : MxmOpcode::ACC;
            mi.slot = static_cast<uint32_t>(in.a);
            mi.add = in.b != 0;
            mi.emit = in.c != 0;
            mi.id = instr_id;
            MxmResult r;
            const bool emitted = planes[qi.unit]->issue(mi, t, nullptr, 0, r);
            if (observer) {
                observer->on_issue(qi.unit, mi, t, nullptr, 0);
                if (emitted)
                    observer->on_result(qi.unit, r);
            }
            if (emitted) {
                // An int32 result leaves as 4 byte planes on 4 consecutive streams.
                const auto* words = reinterpret_cast<const uint32_t*>(r.values.data());
                for (unsigned k = 0; k < 4; ++k) {
                    auto plane = std::make_shared<Vector>(lanes);
                    unpack_plane(plane->data(), words, lanes, 8 * k);
                    StreamId s = in.streams[0];
                    s.index += k;
                    stream_writes.emplace(r.first_cycle, PendingStream{s, qi.position, plane, who});
                }
            }
            break;
        }
        case Opcode::Vxm: {
            // Each operand is a group of consecutive byte streams: byte k of every lane on
            // stream s + k (docs/isa.md 3.3); the ALU works on 32-bit lane words.
            const VxmAluOp& alu = in.alu;
            auto gather = [&](StreamId s, VxmType type, std::vector<uint32_t>& words) {
                words.assign(lanes, 0);
                for (unsigned k = 0; k < vxm_type_bits(type) / 8; ++k) {
                    const Vector& v = *streams.read(StreamId{s.dir, s.index + k}, qi.position, t, who);
                    pack_plane(words.data(), v.data(), lanes, 8 * k);
                }
            };
            gather(in.streams[0], alu.type, vx);
            if (alu.operands() == 2)
                gather(in.streams[1], alu.type, vy);
            vz.resize(lanes);
            alu.apply(vx.data(), alu.operands() == 2 ? vy.data() : nullptr, vz.data(), lanes);
            const StreamId dst = in.streams.back();
            for (unsigned k = 0; k < vxm_type_bits(alu.result_type()) / 8; ++k) {
                auto plane = std::make_shared<Vector>(lanes);
                unpack_plane(plane->data(), vz.data(), lanes, 8 * k);
                stream_writes.emplace(t + vxmp_.alu_latency,
                                      PendingStream{StreamId{dst.dir, dst.index + k}, qi.position, plane, who});
            }
            st.vxm_lane_ops += lanes;
            break;
        }
        case Opcode::Sxm: {
            const SxmOp& op = in.sxm;
            const unsigned G = chip_.lanes_per_superlane;
            const bool transpose = op.kind == SxmOp::Kind::Transpose;
            const unsigned ni = op.inputs(G), no = op.outputs(G);
            // Operand i is stream i of the input group (transpose) or the i-th stream named.
            auto input = [&](unsigned i) { return transpose ? StreamId{in.streams[0].dir, in.streams[0].index + i} : in.streams[i]; };
            auto output = [&](unsigned i) {
                return transpose ? StreamId{in.streams[1].dir, in.streams[1].index + i} : in.streams[ni + i];
            };
            std::vector<VectorRef> held(ni);
            std::vector<const uint8_t*> ins(ni);
            for (unsigned i = 0; i < ni; ++i) {
                held[i] = streams.read(input(i), qi.position, t, who);
                ins[i] = held[i]->data();
            }
            std::vector<std::shared_ptr<Vector>> results(no);
            std::vector<uint8_t*> outs(no);
            for (unsigned i = 0; i < no; ++i) {
                results[i] = std::make_shared<Vector>(lanes);
                outs[i] = results[i]->data();
            }
            op.apply(ins.data(), outs.data(), lanes, G);
            for (unsigned i = 0; i < no; ++i)
                stream_writes.emplace(t + sxmp_.latency, PendingStream{output(i), qi.position, results[i], who});
            break;
        }
        case Opcode::Nop:
        case Opcode::Repeat:
        case Opcode::Sync:
        case Opcode::Notify: break;
        }
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
            watcher->on_issue(q, static_cast<size_t>(&in - program.queues[q].data()), executed_instr(in, offset), t);
    };

    for (size_t q = 0; q < queues.size(); ++q)
        qs[q].done = program.queues[q].empty();
    if (watcher)
        watcher->begin(map_, program);

    for (;;) {
        uint64_t t = std::numeric_limits<uint64_t>::max();
        if (!stream_writes.empty())
            t = std::min(t, stream_writes.begin()->first);
        if (!sram_writes.empty())
            t = std::min(t, sram_writes.begin()->first);
        for (const auto& s : qs)
            if (!s.done && !s.parked)
                t = std::min(t, s.next);
        if (t == std::numeric_limits<uint64_t>::max())
            break;
        last_cycle = t;
        if (observer)
            observer->advance(t);
        // Values landing in cycle t first: reads of cycle t see them (docs/isa.md 2.2).
        for (auto it = sram_writes.begin(); it != sram_writes.end() && it->first == t; it = sram_writes.erase(it)) {
            const PendingSram& w = it->second;
            if (w.tiles.empty())
                mem_->slice(w.slice).write(w.word, w.value->data());
            else
                mem_->slice(w.slice).scatter(w.tiles.data(), w.value->data());
        }
        for (auto it = stream_writes.begin(); it != stream_writes.end() && it->first == t; it = stream_writes.erase(it)) {
            if (watcher)
                watcher->on_stream_write(it->second.stream, it->second.position, t, *it->second.value);
            streams.write(it->second.stream, it->second.position, t, std::move(it->second.value), it->second.who);
        }
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
    if (observer)
        observer->finish(last_cycle);
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
    for (const auto& p : planes)
        st.macs += p->stats().macs;
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
