#include "MemSystem.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

namespace lpu {

namespace {

std::string hex(uint64_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

sc_core::sc_time cycles(const sc_core::sc_time& period, uint64_t n)
{
    return sc_core::sc_time::from_value(period.value() * n);
}

}  // namespace

MemSystem::MemSystem(const MemParams& params, sc_core::sc_time period)
    : p_(params), period_(period), arena_(std::make_unique<SramArena>())
{
    slices_.reserve(p_.slices);
    for (unsigned i = 0; i < p_.slices; ++i)
        slices_.emplace_back(p_, i, arena_.get());
}

void MemSystem::inject_faults(const SramFaultParams& faults, unsigned chip)
{
    faults_ = faults;
    fault_chip_ = chip;
}

uint64_t MemSystem::bytes_allocated() const
{
    uint64_t sum = 0;
    for (const SramSlice& s : slices_)
        sum += s.bytes_allocated();
    return sum;
}

tlm::tlm_response_status MemSystem::reject(tlm::tlm_response_status status, const std::string& why)
{
    error_ = "MEM host access: " + why;
    return status;
}

tlm::tlm_response_status MemSystem::transfer(tlm::tlm_generic_payload& trans, uint64_t& word_accesses)
{
    word_accesses = 0;
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    const unsigned width = trans.get_streaming_width();
    unsigned char* data = trans.get_data_ptr();
    const unsigned char* be = trans.get_byte_enable_ptr();
    const unsigned be_len = trans.get_byte_enable_length();

    if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND && cmd != tlm::TLM_IGNORE_COMMAND)
        return reject(tlm::TLM_COMMAND_ERROR_RESPONSE, "unknown command " + std::to_string(static_cast<int>(cmd)));
    if (len == 0)
        return reject(tlm::TLM_GENERIC_ERROR_RESPONSE, "data length 0");
    // IEEE 1666 requires a streaming width > 0; equal to or above the length means no streaming.
    if (width == 0)
        return reject(tlm::TLM_BURST_ERROR_RESPONSE, "streaming width 0 (set it to the data length for a plain burst)");
    const uint64_t span = std::min(width, len);  // bytes of address space one beat covers
    const uint64_t size = p_.total_bytes();
    if (addr >= size || span > size - addr)
        return reject(tlm::TLM_ADDRESS_ERROR_RESPONSE, "address " + hex(addr) + " + " + std::to_string(span) +
                                                           " bytes is outside MEM [0, " + hex(size) + ")");
    if (be) {
        if (be_len == 0)
            return reject(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "byte enable pointer with byte enable length 0");
        for (unsigned i = 0; i < be_len; ++i)
            if (be[i] != TLM_BYTE_DISABLED && be[i] != TLM_BYTE_ENABLED)
                return reject(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE,
                              "byte enable " + std::to_string(i) + " is " + hex(be[i]) + " (must be 0x0 or 0xff)");
    }
    if (cmd == tlm::TLM_IGNORE_COMMAND)
        return tlm::TLM_OK_RESPONSE;
    if (!data)
        return reject(tlm::TLM_GENERIC_ERROR_RESPONSE, "no data pointer");

    const bool is_read = cmd == tlm::TLM_READ_COMMAND;
    const unsigned wb = p_.word_bytes();
    // Byte enables repeat over the data array (IEEE 1666 generic payload): data byte i uses
    // be[i % be_len].
    const auto enabled = [&](uint64_t i) { return be[i % be_len] == TLM_BYTE_ENABLED; };
    for (uint64_t beat = 0; beat < len; beat += span) {
        const uint64_t beat_len = std::min<uint64_t>(span, len - beat);
        for (uint64_t off = 0; off < beat_len;) {
            const MemLocation loc = p_.locate(addr + off);
            const unsigned n = static_cast<unsigned>(std::min<uint64_t>(wb - loc.byte, beat_len - off));
            SramSlice& slice = slices_[loc.slice];
            unsigned char* buf = data + beat + off;
            const uint64_t first = beat + off;  // index of buf[0] in the data array
            if (is_read) {
                const uint8_t* src = slice.find(loc.word);  // null: never written, reads as zeros
                if (!be) {
                    if (src)
                        std::memcpy(buf, src + loc.byte, n);
                    else
                        std::memset(buf, 0, n);
                } else {
                    for (unsigned i = 0; i < n; ++i)
                        if (enabled(first + i))
                            buf[i] = src ? src[loc.byte + i] : 0;
                }
            } else if (!be) {
                std::memcpy(slice.touch(loc.word) + loc.byte, buf, n);
            } else {
                // A write whose bytes are all disabled must not allocate a page.
                uint8_t* dst = nullptr;
                for (unsigned i = 0; i < n; ++i) {
                    if (!enabled(first + i))
                        continue;
                    if (!dst)
                        dst = slice.touch(loc.word) + loc.byte;
                    dst[i] = buf[i];
                }
            }
            ++word_accesses;
            off += n;
        }
    }
    return tlm::TLM_OK_RESPONSE;
}

void MemSystem::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    uint64_t words = 0;
    const tlm::tlm_response_status status = transfer(trans, words);
    trans.set_response_status(status);
    if (status != tlm::TLM_OK_RESPONSE)
        return;
    trans.set_dmi_allowed(true);
    if (words == 0)  // TLM_IGNORE_COMMAND
        return;
    // Pipelined: the first word after the access latency, then one word per cycle.
    const unsigned latency = trans.get_command() == tlm::TLM_READ_COMMAND ? p_.read_latency : p_.write_latency;
    delay += cycles(period_, latency + words - 1);
}

tlm::tlm_sync_enum MemSystem::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                              sc_core::sc_time& delay)
{
    // Loosely timed: the whole transaction at once, as b_transport, and the response phase.
    b_transport(trans, delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
}

unsigned int MemSystem::transport_dbg(tlm::tlm_generic_payload& trans)
{
    uint64_t words = 0;
    const tlm::tlm_response_status status = transfer(trans, words);
    trans.set_response_status(status);
    if (status != tlm::TLM_OK_RESPONSE || trans.get_command() == tlm::TLM_IGNORE_COMMAND)
        return 0;
    return trans.get_data_length();
}

bool MemSystem::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi)
{
    const uint64_t addr = trans.get_address();
    const uint64_t size = p_.total_bytes();
    if (addr >= size) {
        // Deny, and tell the initiator the whole range above MEM is never DMI-able.
        error_ = "MEM host access: DMI request at " + hex(addr) + " is outside MEM [0, " + hex(size) + ")";
        dmi.set_start_address(size);
        dmi.set_end_address(std::numeric_limits<sc_dt::uint64>::max());
        dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
        return false;
    }
    const MemLocation loc = p_.locate(addr);
    uint32_t first_word = 0;
    // Allocated even for a read request: the initiator may write through the pointer later.
    uint8_t* page = slices_[loc.slice].page_of(loc.word, first_word);
    const uint64_t start = p_.host_address(loc.slice, first_word);
    dmi.set_dmi_ptr(page);
    dmi.set_start_address(start);
    dmi.set_end_address(start + p_.page_bytes() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(cycles(period_, p_.read_latency));
    dmi.set_write_latency(cycles(period_, p_.write_latency));
    return true;
}

}  // namespace lpu
