#include "Chip.h"

#include "models/common/Error.h"
#include "models/common/Json.h"
#include "models/common/ParamSpec.h"
#include "models/mxm/ProductWorker.h"

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <limits>
#include <sstream>

namespace lpu {

Chip::Chip(std::string name, const ChipSpec& spec, unsigned id)
    : name_(std::move(name)), spec_(spec), id_(id), map_(spec), c2c_(spec.c2c.links),
      hac_(HacClock::free_running(spec.icu.hac_epoch))
{
    if (id > std::numeric_limits<uint16_t>::max())
        throw InputError("chip id " + std::to_string(id) + " is out of range [0, 65535]");
    mem_ = std::make_unique<MemSystem>(spec_.mem, sc_core::sc_time::from_value(spec_.chip.period_ps()));
}

// A chip of a system has a name of its own (n3.c5), which says more than its index.
std::string Chip::label() const
{
    return "chip " + (name_.empty() ? std::to_string(id_) : name_) + " (" + spec_.chip.name + ")";
}

Chip::~Chip() = default;

void Chip::set_threads(unsigned threads)
{
    // One engine thread and, from 2 on, one for the products: a chip's other work is in order.
    if (threads >= 2 && !products_)
        products_ = std::make_unique<ProductWorker>();
    else if (threads < 2)
        products_.reset();
}

void Chip::host_transfer(tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length)
{
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(address);
    gp.set_data_ptr(data);
    gp.set_data_length(length);
    gp.set_streaming_width(length);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (mem_->transport_dbg(gp) != length)
        throw InputError("host access to MEM at address " + std::to_string(address) + " failed: " + mem_->error());
}

void Chip::load_blocks(const Program& program)
{
    const unsigned lanes = spec_.mem.word_bytes();
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
            std::copy_n(b.text.begin() + static_cast<std::ptrdiff_t>(from),
                        std::min<size_t>(lanes, b.text.size() - from), word.begin());
            host_transfer(tlm::TLM_WRITE_COMMAND, spec_.mem.host_address(b.slice, b.addr + w), word.data(), lanes);
        }
    }
}

void Chip::load_tensor(const TensorDecl& t, const std::vector<uint8_t>& bytes)
{
    const unsigned lanes = spec_.mem.word_bytes(), eb = t.element_bytes();
    if (bytes.size() != size_t{t.rows} * lanes * eb)
        throw InputError("tensor " + quote_token(t.name) + " holds " + std::to_string(t.rows) + " x " +
                         std::to_string(lanes) + " " + tensor_type_name(t.type) + " elements; got " +
                         std::to_string(bytes.size()) + " bytes");
    std::vector<uint8_t> plane(lanes);
    for (uint32_t r = 0; r < t.rows; ++r)
        for (unsigned k = 0; k < eb; ++k) {
            const uint8_t* row = &bytes[size_t{r} * lanes * eb];
            if (eb == 1)
                std::memcpy(plane.data(), row, lanes);
            else
                for (unsigned l = 0; l < lanes; ++l)
                    plane[l] = row[size_t{l} * eb + k];
            host_transfer(tlm::TLM_WRITE_COMMAND, spec_.mem.host_address(t.slice + k, t.addr + r), plane.data(), lanes);
        }
}

std::vector<uint8_t> Chip::dump_tensor(const TensorDecl& t)
{
    const unsigned lanes = spec_.mem.word_bytes(), eb = t.element_bytes();
    std::vector<uint8_t> bytes(size_t{t.rows} * lanes * eb), plane(lanes);
    for (uint32_t r = 0; r < t.rows; ++r)
        for (unsigned k = 0; k < eb; ++k) {
            uint8_t* row = &bytes[size_t{r} * lanes * eb];
            if (eb == 1) {
                host_transfer(tlm::TLM_READ_COMMAND, spec_.mem.host_address(t.slice, t.addr + r), row, lanes);
                continue;
            }
            host_transfer(tlm::TLM_READ_COMMAND, spec_.mem.host_address(t.slice + k, t.addr + r), plane.data(), lanes);
            for (unsigned l = 0; l < lanes; ++l)
                row[size_t{l} * eb + k] = plane[l];
        }
    return bytes;
}

void Chip::load_matrix(const Program& program, const MatrixDecl& m, const std::vector<uint8_t>& bytes)
{
    const unsigned lanes = spec_.mem.word_bytes(), eb = tensor_type_bytes(m.type);
    if (bytes.size() != size_t{m.rows} * m.cols * eb)
        throw InputError("matrix " + quote_token(m.name) + " holds " + std::to_string(m.rows) + " x " +
                         std::to_string(m.cols) + " elements; got " + std::to_string(bytes.size()) + " bytes");
    for (unsigned j = 0; j < m.blocks(lanes); ++j) {
        const TensorDecl& t = *program.tensor(m.block_name(j));
        std::vector<uint8_t> block = dump_tensor(t);  // keeps the rows past the matrix's
        // Row r of the block is the matrix's columns j x lanes on (their elements' bytes in the
        // same order), then zeros past the matrix's last column.
        const size_t first = size_t{j} * lanes, valid = std::min<size_t>(lanes, m.cols - first);
        for (uint32_t r = 0; r < m.rows; ++r) {
            uint8_t* row = &block[size_t{r} * lanes * eb];
            std::memcpy(row, &bytes[(size_t{r} * m.cols + first) * eb], valid * eb);
            std::memset(row + valid * eb, 0, (lanes - valid) * eb);
        }
        load_tensor(t, block);
    }
}

std::vector<uint8_t> Chip::dump_matrix(const Program& program, const MatrixDecl& m)
{
    const unsigned lanes = spec_.mem.word_bytes(), eb = tensor_type_bytes(m.type);
    std::vector<uint8_t> bytes(size_t{m.rows} * m.cols * eb);
    for (unsigned j = 0; j < m.blocks(lanes); ++j) {
        const std::vector<uint8_t> block = dump_tensor(*program.tensor(m.block_name(j)));
        const size_t first = size_t{j} * lanes, valid = std::min<size_t>(lanes, m.cols - first);
        for (uint32_t r = 0; r < m.rows; ++r)
            std::memcpy(&bytes[(size_t{r} * m.cols + first) * eb], &block[size_t{r} * lanes * eb], valid * eb);
    }
    return bytes;
}

std::unique_ptr<ChipEngine> Chip::start(const Program& program, const std::vector<ChipObserver*>& observers,
                                        MxmObserver* mxm_observer)
{
    return std::make_unique<ChipEngine>(*this, program, observers, mxm_observer);
}

RunStats Chip::run(const Program& program, const std::vector<ChipObserver*>& observers, MxmObserver* mxm_observer)
{
    return ChipEngine(*this, program, observers, mxm_observer).finish();
}

double Chip::mxm_utilisation(const RunStats& st) const
{
    // An fp16 MAC takes the array for fp16_issue_interval int8 MAC slots (docs/isa.md 1.5).
    const double busy = double(st.macs) + double(st.macs_fp16) * spec_.mxm.fp16_issue_interval;
    const double peak = double(spec_.mxm.planes) * spec_.mxm.rows * spec_.mxm.cols * double(st.cycles);
    return st.cycles ? busy / peak : 0.0;
}

std::string Chip::stats_json(const RunStats& st) const
{
    const auto& queues = map_.queues();
    const double peak_macs_per_cycle = double(spec_.mxm.planes) * spec_.mxm.rows * spec_.mxm.cols;
    std::ostringstream os;
    os << std::setprecision(6);
    os << "{\n  \"chip\": \"" << json_escape(spec_.chip.name) << "\",\n";
    os << "  \"cycles\": " << st.cycles << ",\n";
    os << "  \"instructions\": " << st.instructions << ",\n";
    os << "  \"macs\": " << st.macs << ",\n";
    os << "  \"macs_fp16\": " << st.macs_fp16 << ",\n";
    os << "  \"vxm_lane_ops\": " << st.vxm_lane_ops << ",\n";
    os << "  \"fetched_instructions\": " << st.fetched_instructions << ",\n";
    os << "  \"c2c\": {\"sent\": " << st.c2c_sent << ", \"received\": " << st.c2c_received
       << ", \"poisoned\": " << st.c2c_poisoned << "},\n";
    os << "  \"mxm_utilisation\": " << mxm_utilisation(st) << ",\n";
    os << "  \"achieved_ops_per_s\": "
       << (st.cycles ? 2.0 * double(st.macs + st.macs_fp16) / double(st.cycles) * spec_.chip.clock_mhz * 1e6 : 0)
       << ",\n";
    os << "  \"peak_int8_ops_per_s\": " << 2.0 * peak_macs_per_cycle * spec_.chip.clock_mhz * 1e6 << ",\n";
    os << "  \"sram_bytes_read\": " << st.sram_bytes_read << ",\n";
    os << "  \"sram_bytes_written\": " << st.sram_bytes_written << ",\n";
    os << "  \"streams\": {\"writes\": " << st.streams.writes << ", \"reads\": " << st.streams.reads
       << ", \"overwritten\": " << st.streams.overwritten << ", \"never_read\": " << st.streams.never_read
       << ", \"occupancy\": {";
    for (size_t i = 0; i < st.streams.occupied.size(); ++i) {
        const StreamId s{i < spec_.stream.east ? StreamDir::East : StreamDir::West,
                         static_cast<unsigned>(i < spec_.stream.east ? i : i - spec_.stream.east)};
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
    os << "\n  }";
    if (!st.sram_faults.empty())
        os << ",\n  \"sram_faults\": " << sram_faults_json(st);
    os << "\n}\n";
    return os.str();
}

namespace {

void counters_json(std::ostream& os, const SramFaultCounters& c)
{
    os << "\"words_read\": " << c.words_read << ", \"words_with_errors\": " << c.words_with_errors
       << ", \"bits_flipped\": " << c.bits_flipped << ", \"corrected\": " << c.corrected
       << ", \"detected\": " << c.detected << ", \"miscorrected\": " << c.miscorrected
       << ", \"undetected\": " << c.undetected << ", \"silent\": " << c.silent();
}

}  // namespace

std::string Chip::sram_faults_json(const RunStats& st) const
{
    const std::vector<SramFaultCounters>& per_slice = st.sram_faults;
    const MemParams& m = spec_.mem;
    const double stored_bits = double(m.slices) * m.words_per_slice() * m.ecc_words_per_word() * m.ecc.codeword_bits();
    SramFaultCounters all;
    for (const SramFaultCounters& c : per_slice)
        all += c;
    const SramFaultParams* f = mem_->faults();
    std::ostringstream os;
    os << "{\"ecc\": \"" << spec_.mem.ecc.text() << "\", \"rate\": " << format_param_value(f ? f->rate : 0.0)
       << ", \"seed\": " << (f ? f->seed : 0) << ", \"policy\": \""
       << error_policy_name(f ? f->policy : ErrorPolicy::fail)
       << "\", \"targeted_flips\": " << (f ? f->flips.size() : 0) << ", \"stored_bits\": " << uint64_t(stored_bits)
       << ", \"expected_upsets\": " << (f ? f->rate : 0.0) * stored_bits * double(st.cycles) << ",\n    ";
    counters_json(os, all);
    os << ",\n    \"slices\": {";
    bool first = true;
    for (size_t i = 0; i < per_slice.size(); ++i) {
        if (!per_slice[i].words_read)
            continue;
        os << (first ? "\n" : ",\n") << "      \"" << spec_.mem.slice_name(static_cast<unsigned>(i)) << "\": {";
        counters_json(os, per_slice[i]);
        os << "}";
        first = false;
    }
    os << "\n    }}";
    return os.str();
}

}  // namespace lpu
