#include "Chip.h"

#include "common/Error.h"
#include "chip/SliceExecutor.h"
#include "mem/MemExecutor.h"
#include "mxm/MxmExecutor.h"
#include "sxm/SxmExecutor.h"
#include "vxm/VxmExecutor.h"

#include "icu/Assembler.h"

#include <algorithm>
#include <deque>
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

// Instruction indices with this bit name an instruction an Ifetch brought in (the rest of the
// index is its place in the run's store of fetched instructions), not one of the program's list.
constexpr uint32_t kFetched = 0x800000;

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

// One ICU queue while a program runs.
struct Chip::QueueState {
    size_t pc = 0;  // next instruction of the program's list for this queue
    // Instructions an Ifetch brought in: they issue before list[pc], in order (with their
    // instruction index, kFetched | place in the run's store of fetched instructions).
    std::deque<std::pair<const Instr*, uint32_t>> fetched;
    uint64_t next = 0;  // cycle of the next issue
    bool parked = false;
    const Instr* sync = nullptr;  // where it parked
    bool done = false;
    uint64_t last_issue = 0;
    const Instr* prev = nullptr;  // the last instruction that did work: what a Repeat repeats
    uint32_t prev_index = 0;
    // An active repetition of `repeat_of` (a Repeat, or a MEM access's Iterations): `left` more
    // issues, `spacing` apart, operand + `offset`; `pops`: a Repeat, taken off when done.
    const Instr* repeat_of = nullptr;
    uint32_t repeat_index = 0;
    uint64_t left = 0, spacing = 0;
    int64_t step = 0, offset = 0;
    bool pops = false;
    // MEM address generator (Iterations, Step, Countdown): each access runs `iterations` times.
    uint64_t iterations = 1, countdown = 1;
    int64_t addr_step = 0;
    // Config: in low-power mode since `low_power_since`.
    bool low_power = false;
    uint64_t low_power_since = 0;
    // An Ifetch reading its vectors: `fetch_left` more, text so far.
    const Instr* fetching = nullptr;
    uint32_t fetch_index = 0;
    uint64_t fetch_left = 0, fetch_start = 0;
    std::string fetch_text;
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

void Chip::load_blocks(const Program& program)
{
    const unsigned lanes = memp_.word_bytes();
    for (const TensorDecl& t : program.tensors) {
        const unsigned eb = t.element_bytes();
        if (t.filled) {
            std::vector<uint8_t> bytes(size_t{t.rows} * lanes * eb);
            for (size_t e = 0; e < size_t{t.rows} * lanes; ++e)
                for (unsigned k = 0; k < eb; ++k)
                    bytes[e * eb + k] = static_cast<uint8_t>(t.fill >> (8 * k));
            load_tensor(t, bytes);
        }
        // .data rows after the fill, which they replace: each row as a one-row tensor at its word.
        for (const auto& [row, values] : t.data) {
            TensorDecl one;
            one.name = t.name;
            one.slice = t.slice;
            one.addr = t.addr + row;
            one.rows = 1;
            one.type = t.type;
            std::vector<uint8_t> bytes(size_t{lanes} * eb, 0);
            for (size_t e = 0; e < values.size() && e < lanes; ++e)
                for (unsigned k = 0; k < eb; ++k)
                    bytes[e * eb + k] = static_cast<uint8_t>(values[e] >> (8 * k));
            load_tensor(one, bytes);
        }
    }
    for (const InstrBlock& b : program.blocks) {
        std::vector<uint8_t> word(lanes);
        for (uint32_t w = 0; w < b.words(lanes); ++w) {
            std::fill(word.begin(), word.end(), 0);
            const size_t from = size_t{w} * lanes;
            std::copy_n(b.text.begin() + static_cast<std::ptrdiff_t>(from), std::min<size_t>(lanes, b.text.size() - from),
                        word.begin());
            host_transfer(tlm::TLM_WRITE_COMMAND, memp_.host_address(b.slice, b.addr + w), word.data(), lanes);
        }
    }
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

void Chip::load_matrix(const Program& program, const MatrixDecl& m, const std::vector<uint8_t>& bytes)
{
    const unsigned lanes = memp_.word_bytes(), eb = tensor_type_bytes(m.type);
    if (bytes.size() != size_t{m.rows} * m.cols * eb)
        throw InputError("matrix '" + m.name + "' holds " + std::to_string(m.rows) + " x " + std::to_string(m.cols) +
                         " elements; got " + std::to_string(bytes.size()) + " bytes");
    for (unsigned j = 0; j < m.blocks(lanes); ++j) {
        const TensorDecl& t = *program.tensor(m.block_name(j));
        std::vector<uint8_t> block = dump_tensor(t);  // keeps the rows past the matrix's
        for (uint32_t r = 0; r < m.rows; ++r)
            for (unsigned l = 0; l < lanes; ++l) {
                const size_t col = size_t{j} * lanes + l;
                for (unsigned k = 0; k < eb; ++k)
                    block[(size_t{r} * lanes + l) * eb + k] =
                        col < m.cols ? bytes[(size_t{r} * m.cols + col) * eb + k] : uint8_t{0};
            }
        load_tensor(t, block);
    }
}

std::vector<uint8_t> Chip::dump_matrix(const Program& program, const MatrixDecl& m)
{
    const unsigned lanes = memp_.word_bytes(), eb = tensor_type_bytes(m.type);
    std::vector<uint8_t> bytes(size_t{m.rows} * m.cols * eb);
    for (unsigned j = 0; j < m.blocks(lanes); ++j) {
        const std::vector<uint8_t> block = dump_tensor(*program.tensor(m.block_name(j)));
        for (uint32_t r = 0; r < m.rows; ++r)
            for (unsigned l = 0; l < lanes && size_t{j} * lanes + l < m.cols; ++l)
                for (unsigned k = 0; k < eb; ++k)
                    bytes[(size_t{r} * m.cols + size_t{j} * lanes + l) * eb + k] = block[(size_t{r} * lanes + l) * eb + k];
    }
    return bytes;
}

RunStats Chip::run(const Program& program, std::ostream* trace, MxmObserver* observer, ChipObserver* watcher)
{
    const auto& queues = map_.queues();
    if (program.queues.size() != queues.size())
        throw std::logic_error("program was assembled for another config");
    load_blocks(program);
    // Instructions brought in by Ifetch, for the whole run (a deque: they never move).
    std::deque<Instr> fetched_store;
    auto instr_at = [&](size_t q, uint32_t index) -> const Instr& {
        return (index & kFetched) ? fetched_store.at(index & ~kFetched) : program.queues.at(q).at(index);
    };
    // Slice, instruction as executed and source position: "MEM_E3: 'Write 0x0, s0e' (p.s:5:2)".
    auto describe = [&](AgentId id) {
        const size_t q = id >> 48;
        const auto index = static_cast<uint32_t>((id >> 24) & 0xFFFFFF);
        const auto offset = static_cast<int64_t>(id << 40) >> 40;  // sign-extend 24 bits
        const Instr& in = instr_at(q, index);
        return queues[q].name + ": '" + executed_text(in, offset) + "' (" + in.pos.text() + ")";
    };
    StreamFile streams(streamp_.east, streamp_.west, map_.positions(), describe);
    RunStats st;
    st.queues.resize(queues.size());
    ExecContext ctx(streams, describe, st, memp_.word_bytes(), watcher);

    // One executor per slice kind, each in its unit's folder.
    MemExecutor mem(memp_, *mem_);
    MxmExecutor mxm(mxm_, observer, describe);
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
    auto fail = [&](size_t q, uint32_t index, uint64_t t, const std::string& why) {
        throw ScheduleError("cycle " + std::to_string(t) + ": " + describe(agent_id(q, index, 0)) + ": " + why);
    };

    // Bookkeeping of an issued instruction, whoever executes it.
    auto count_issue = [&](size_t q, const Instr& in, uint32_t index, uint64_t t, int64_t offset, uint64_t dur) {
        const QueueInfo& qi = queues[q];
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
            emit_trace(q, executed_text(in, offset), queue_kind_name(qi.kind), t, dur);
        if (watcher)
            watcher->on_issue(q, index, executed_instr(in, offset), t);
    };
    auto execute = [&](size_t q, const Instr& in, uint32_t index, uint64_t t, int64_t offset) {
        const QueueInfo& qi = queues[q];
        if (qs[q].low_power)
            fail(q, index, t, "the slice is in low-power mode (Config low_power); issue Config normal first");
        exec_of_queue[q]->execute(Issue{q, &qi, &in, t, offset, agent_id(q, index, offset), instr_id}, ctx);
        count_issue(q, in, index, t, offset, 1);
    };
    // One vector of an Ifetch: read it in cycle t; after the last, the text becomes instructions.
    auto fetch_step = [&](size_t q, QueueState& s, uint64_t t) {
        const Instr& in = *s.fetching;
        const VectorRef& v = streams.read(in.streams[0], queues[q].position, t, agent_id(q, s.fetch_index, 0));
        s.fetch_text.append(reinterpret_cast<const char*>(v->data()), v->size());
        if (--s.fetch_left > 0) {
            s.next = t + 1;
            return;
        }
        const std::string text = s.fetch_text.substr(0, s.fetch_text.find('\0'));
        for (size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if ((c < 0x20 && c != '\n' && c != '\t') || c > 0x7e) {
                std::ostringstream why;
                why << "the fetched text is not a valid instruction block: byte 0x" << std::hex << unsigned{c} << std::dec
                    << " at offset " << i << " is not assembly text";
                fail(q, s.fetch_index, s.fetch_start, why.str());
            }
        }
        Program p;
        try {
            p = assemble_for_queue(text, "fetched by " + queues[q].name + " at cycle " + std::to_string(s.fetch_start), cfg_,
                                   queues[q].name);
        } catch (const InputError& e) {
            fail(q, s.fetch_index, s.fetch_start, "the fetched text is not a valid instruction block: " + std::string(e.what()));
        }
        if (!p.tensors.empty() || !p.blocks.empty())
            fail(q, s.fetch_index, s.fetch_start, "the fetched text declares tensors or blocks; only instructions can be fetched");
        for (size_t o = 0; o < p.queues.size(); ++o)
            if (o != q && !p.queues[o].empty())
                fail(q, s.fetch_index, s.fetch_start, "the fetched text switches to queue " + queues[o].name);
        std::vector<std::pair<const Instr*, uint32_t>> block;
        for (Instr& f : p.queues[q]) {
            if (fetched_store.size() >= kFetched)
                fail(q, s.fetch_index, s.fetch_start, "more than 8,388,608 fetched instructions in one run");
            fetched_store.push_back(std::move(f));
            block.emplace_back(&fetched_store.back(), kFetched | static_cast<uint32_t>(fetched_store.size() - 1));
        }
        s.fetched.insert(s.fetched.begin(), block.begin(), block.end());
        st.fetched_instructions += block.size();
        s.fetching = nullptr;
        s.next = t + icu_.ifetch_latency;
    };

    for (size_t q = 0; q < queues.size(); ++q)
        qs[q].done = program.queues[q].empty();
    if (watcher)
        watcher->begin(map_, program);

    try {
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
                auto finished = [&] { return s.fetched.empty() && s.pc >= list.size() && !s.repeat_of && !s.fetching; };
                if (s.fetching) {
                    fetch_step(q, s, t);
                    s.done = finished();
                    continue;
                }
                // The queue's current instruction: a fetched one first, else the program's next.
                const Instr* cur = s.fetched.empty() ? &list[s.pc] : s.fetched.front().first;
                const uint32_t cur_index = s.fetched.empty() ? static_cast<uint32_t>(s.pc) : s.fetched.front().second;
                auto pop = [&] {
                    if (!s.fetched.empty())
                        s.fetched.pop_front();
                    else
                        ++s.pc;
                };
                if (!s.repeat_of && cur->op == Opcode::Repeat) {
                    s.repeat_of = s.prev;
                    s.repeat_index = s.prev_index;
                    s.left = static_cast<uint64_t>(cur->a);
                    s.spacing = static_cast<uint64_t>(cur->b);
                    s.step = cur->c;
                    s.offset = cur->c;
                    s.pops = true;
                    s.next = s.last_issue + s.spacing;
                    if (s.next != t)
                        continue;  // first repetition later than the cycle after its original
                }
                if (s.repeat_of) {
                    execute(q, *s.repeat_of, s.repeat_index, t, s.offset);
                    s.last_issue = t;
                    s.offset += s.step;
                    if (--s.left > 0) {
                        s.next = t + s.spacing;
                        continue;
                    }
                    s.repeat_of = nullptr;
                    s.next = t + 1;
                    if (s.pops)
                        pop();
                } else {
                    const Instr& in = *cur;
                    pop();
                    s.next = t + 1;
                    switch (in.op) {
                    case Opcode::Nop:
                        if (watcher)
                            watcher->on_issue(q, cur_index, in, t);
                        st.queues[q].idle_cycles += static_cast<uint64_t>(in.a);
                        s.next = t + static_cast<uint64_t>(in.a);
                        break;
                    case Opcode::Sync:
                        if (watcher)
                            watcher->on_issue(q, cur_index, in, t);
                        s.parked = true;
                        s.sync = &in;
                        emit_trace(q, "Sync", "ICU", t, 1);
                        break;
                    case Opcode::Notify:
                        if (watcher)
                            watcher->on_issue(q, cur_index, in, t);
                        notify = true;
                        emit_trace(q, "Notify", "ICU", t, 1);
                        break;
                    case Opcode::Config:
                        count_issue(q, in, cur_index, t, 0, icu_.config_latency);
                        if (in.a && !s.low_power)
                            s.low_power_since = t + icu_.config_latency;
                        else if (!in.a && s.low_power)
                            st.queues[q].low_power_cycles += t - std::min(t, s.low_power_since);
                        s.low_power = in.a != 0;
                        s.next = t + icu_.config_latency;
                        break;
                    case Opcode::Countdown:
                    case Opcode::Step:
                    case Opcode::Iterations:
                        count_issue(q, in, cur_index, t, 0, 1);
                        if (in.op == Opcode::Countdown)
                            s.countdown = static_cast<uint64_t>(in.a);
                        else if (in.op == Opcode::Step)
                            s.addr_step = in.a;
                        else
                            s.iterations = static_cast<uint64_t>(in.a);
                        break;
                    case Opcode::Ifetch:
                        if (s.low_power)
                            fail(q, cur_index, t, "the slice is in low-power mode (Config low_power); issue Config normal first");
                        count_issue(q, in, cur_index, t, 0, static_cast<uint64_t>(in.a));
                        s.fetching = &in;
                        s.fetch_index = cur_index;
                        s.fetch_left = static_cast<uint64_t>(in.a);
                        s.fetch_start = t;
                        s.fetch_text.clear();
                        fetch_step(q, s, t);
                        break;
                    default:
                        execute(q, in, cur_index, t, 0);
                        s.last_issue = t;
                        s.prev = &in;
                        s.prev_index = cur_index;
                        // A MEM access with Iterations n > 1 runs n times, Countdown apart, the address
                        // advancing by Step: a repetition the queue's registers ask for.
                        if (queues[q].kind == QueueKind::MEM && s.iterations > 1) {
                            s.repeat_of = &in;
                            s.repeat_index = cur_index;
                            s.left = s.iterations - 1;
                            s.spacing = s.countdown;
                            s.step = s.addr_step;
                            s.offset = s.addr_step;
                            s.pops = false;
                            s.next = t + s.countdown;
                        }
                        break;
                    }
                }
                s.done = finished();
            }
            if (notify)
                for (auto& s : qs)
                    if (s.parked) {
                        s.parked = false;
                        s.next = t + icu_.notify_latency;
                        if (watcher)
                            watcher->on_release(static_cast<size_t>(&s - qs.data()), s.next);
                        s.done = s.fetched.empty() && s.pc >= program.queues[static_cast<size_t>(&s - qs.data())].size();
                    }
            if (++visited % kRetireInterval == 0)
                streams.retire_before(t);
        }
    } catch (const std::exception& e) {
        // The observers see where the run stopped (a waveform completes through that cycle).
        if (watcher)
            watcher->on_error(last_cycle, e.what());
        throw;
    }
    for (size_t q = 0; q < qs.size(); ++q)
        if (qs[q].parked)
            throw ScheduleError("queue " + queues[q].name + " is parked at a Sync (" + qs[q].sync->pos.text() +
                                ") that no Notify releases");
    for (SliceExecutor* e : executors)
        e->finish(last_cycle, st);
    if (watcher)
        watcher->end(last_cycle + 1);
    if (trace)
        *trace << "\n]}\n";
    st.cycles = last_cycle + 1;
    st.instructions = instr_id;
    for (size_t q = 0; q < qs.size(); ++q)
        if (qs[q].low_power)
            st.queues[q].low_power_cycles += st.cycles - std::min(st.cycles, qs[q].low_power_since);
    for (const QueueInfo& q : queues)
        if (slice_busy[q.position])
            st.slice_busy[q.name.substr(0, q.name.find('.'))] = slice_busy[q.position];
    st.streams = streams.stats();
    return st;
}

double Chip::mxm_utilisation(const RunStats& st) const
{
    // An fp16 MAC takes the array for fp16_issue_interval int8 MAC slots (docs/isa.md 1.5).
    const double busy = double(st.macs) + double(st.macs_fp16) * mxm_.fp16_issue_interval;
    const double peak = double(mxm_.planes) * mxm_.rows * mxm_.cols * double(st.cycles);
    return st.cycles ? busy / peak : 0.0;
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
    os << "  \"macs_fp16\": " << st.macs_fp16 << ",\n";
    os << "  \"vxm_lane_ops\": " << st.vxm_lane_ops << ",\n";
    os << "  \"fetched_instructions\": " << st.fetched_instructions << ",\n";
    os << "  \"mxm_utilisation\": " << mxm_utilisation(st) << ",\n";
    os << "  \"achieved_ops_per_s\": "
       << (st.cycles ? 2.0 * double(st.macs + st.macs_fp16) / double(st.cycles) * chip_.clock_mhz * 1e6 : 0) << ",\n";
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
           << ", \"first_cycle\": " << qs.first << ", \"last_cycle\": " << qs.last;
        if (qs.low_power_cycles)
            os << ", \"low_power_cycles\": " << qs.low_power_cycles;
        os << "}";
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
