// MemSystem: the chip's SRAM as a TLM-2.0 forward interface. Most cases call it directly, which
// needs no SystemC kernel; the last case puts it behind a target socket (MemTlmTarget), binds a
// real initiator and runs the kernel, the only unit test that does (a kernel runs once per
// process, and the test's modules are built before it, as SystemC requires).
#include "models/common/Rng.h"
#include "models/mem/MemSystem.h"
#include "models/mem/MemTlmTarget.h"
#include "models/spec/ChipParams.h"
#include "models/spec/ChipSpec.h"

#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>

#include <string>
#include <vector>

using namespace lpu;
using sc_core::sc_time;

namespace {

const sc_time kPeriod(1111, sc_core::SC_PS);  // 900 MHz

// 2 superlanes: 32-byte words; 4 slices of 2 x 16 words (1 KiB each); pages of 4 words.
MemParams small_params()
{
    return (parse_chip_spec(
                "version: 1\nchip:\n  geometry:\n    superlanes: 2\n  mem:\n    slices: 4\n    words_per_bank: 16\n"
                "    page_words: 4\n    read_latency: 3\n",
                "tlm.yaml"))
        .mem;
}

struct Txn {
    tlm::tlm_generic_payload gp;
    std::vector<uint8_t> buf;

    Txn(tlm::tlm_command cmd, uint64_t addr, std::vector<uint8_t> data) : buf(std::move(data))
    {
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(buf.data());
        gp.set_data_length(static_cast<unsigned>(buf.size()));
        gp.set_streaming_width(static_cast<unsigned>(buf.size()));
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    }
};

Txn write_txn(uint64_t addr, std::vector<uint8_t> data) { return Txn(tlm::TLM_WRITE_COMMAND, addr, std::move(data)); }
Txn read_txn(uint64_t addr, size_t len, uint8_t fill = 0xCD)
{
    return Txn(tlm::TLM_READ_COMMAND, addr, std::vector<uint8_t>(len, fill));
}

std::vector<uint8_t> random_bytes(uint64_t seed, size_t n)
{
    Rng rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = rng.byte();
    return v;
}

// The byte at host address `a`, read through the slices (the address map of docs/mem.md).
uint8_t byte_at(const MemSystem& mem, uint64_t a)
{
    const MemLocation loc = mem.params().locate(a);
    std::vector<uint8_t> word(mem.params().word_bytes());
    mem.slice(loc.slice).read(loc.word, word.data());
    return word[loc.byte];
}

sc_time cycles(uint64_t n) { return sc_time::from_value(kPeriod.value() * n); }

}  // namespace

TEST_CASE("b_transport writes and reads across word and slice boundaries, with pipelined delays", "[mem][tlm]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    REQUIRE(mem.size_bytes() == 4096);
    // 100 bytes from slice 0, word 31, byte 8 into slice 1, words 0..2.
    const uint64_t addr = p.host_address(0, 31, 8);
    const auto data = random_bytes(1, 100);
    Txn w = write_txn(addr, data);
    sc_time delay = cycles(3);
    mem.b_transport(w.gp, delay);
    REQUIRE(w.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    CHECK(w.gp.is_dmi_allowed());
    CHECK(delay == cycles(3 + 1 + 4 - 1));  // incoming 3, write latency 1, 4 words
    for (size_t i = 0; i < data.size(); ++i)
        REQUIRE(byte_at(mem, addr + i) == data[i]);
    CHECK(byte_at(mem, addr - 1) == 0);
    CHECK(byte_at(mem, addr + 100) == 0);

    Txn r = read_txn(addr, 100);
    delay = sc_core::SC_ZERO_TIME;
    mem.b_transport(r.gp, delay);
    REQUIRE(r.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    CHECK(r.buf == data);
    CHECK(delay == cycles(3 + 4 - 1));  // read latency 3 (config), 4 words
    // A read inside one word costs the latency only.
    Txn one = read_txn(p.host_address(2, 5, 1), 4);
    delay = sc_core::SC_ZERO_TIME;
    mem.b_transport(one.gp, delay);
    CHECK(delay == cycles(3));
}

TEST_CASE("host reads of never-written memory return zeros and allocate nothing", "[mem][tlm][sparse]")
{
    MemSystem mem(small_params(), kPeriod);
    Txn r = read_txn(0, 4096, 0x5A);  // all of MEM
    sc_time delay;
    mem.b_transport(r.gp, delay);
    REQUIRE(r.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    CHECK(r.buf == std::vector<uint8_t>(4096, 0));
    Txn d = read_txn(1000, 300, 0x5A);
    CHECK(mem.transport_dbg(d.gp) == 300);
    CHECK(d.buf == std::vector<uint8_t>(300, 0));
    CHECK(mem.bytes_allocated() == 0);
}

TEST_CASE("transport_dbg shares the data path with b_transport and takes no time", "[mem][tlm]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    const auto data = random_bytes(2, 77);
    Txn w = write_txn(p.host_address(3, 30, 20), data);                // runs to the very end of MEM
    REQUIRE(p.host_address(3, 30, 20) + 77 == mem.size_bytes() + 33);  // ... and 33 bytes past it
    CHECK(mem.transport_dbg(w.gp) == 0);
    CHECK(w.gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(mem.bytes_allocated() == 0);  // nothing written, not even the part inside MEM

    Txn w2 = write_txn(p.host_address(3, 28, 20), data);
    CHECK(mem.transport_dbg(w2.gp) == 77);
    Txn r = read_txn(p.host_address(3, 28, 20), 77);
    sc_time delay;
    mem.b_transport(r.gp, delay);
    CHECK(r.buf == data);  // what debug wrote, b_transport reads
    Txn r2 = read_txn(p.host_address(3, 28, 20), 77);
    CHECK(mem.transport_dbg(r2.gp) == 77);
    CHECK(r2.buf == data);
    Txn ignore(tlm::TLM_IGNORE_COMMAND, 0, std::vector<uint8_t>(4));
    CHECK(mem.transport_dbg(ignore.gp) == 0);
    CHECK(ignore.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
}

TEST_CASE("bad transactions get the matching TLM error response and change nothing", "[mem][tlm][errors]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    sc_time delay;
    const auto run = [&](Txn& t) {
        delay = sc_core::SC_ZERO_TIME;
        mem.b_transport(t.gp, delay);
        return t.gp.get_response_status();
    };

    Txn at_end = write_txn(4096, {1});
    CHECK(run(at_end) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(mem.error() == "MEM host access: address 0x1000 + 1 bytes is outside MEM [0, 0x1000)");
    CHECK(delay == sc_core::SC_ZERO_TIME);

    Txn straddle = write_txn(4090, std::vector<uint8_t>(10, 1));
    CHECK(run(straddle) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(mem.error() == "MEM host access: address 0xffa + 10 bytes is outside MEM [0, 0x1000)");

    Txn huge = read_txn(~uint64_t{0} - 2, 8);  // address + length overflows 64 bits
    CHECK(run(huge) == tlm::TLM_ADDRESS_ERROR_RESPONSE);

    Txn bad_be = write_txn(0, std::vector<uint8_t>(8, 1));
    const std::vector<uint8_t> be{0xff, 0x0f};
    bad_be.gp.set_byte_enable_ptr(const_cast<uint8_t*>(be.data()));
    bad_be.gp.set_byte_enable_length(2);
    CHECK(run(bad_be) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    CHECK(mem.error() == "MEM host access: byte enable 1 is 0xf (must be 0x0 or 0xff)");
    bad_be.gp.set_byte_enable_length(0);
    CHECK(run(bad_be) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);

    Txn no_width = write_txn(0, std::vector<uint8_t>(8, 1));
    no_width.gp.set_streaming_width(0);
    CHECK(run(no_width) == tlm::TLM_BURST_ERROR_RESPONSE);

    Txn empty = write_txn(0, {});
    CHECK(run(empty) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(mem.error() == "MEM host access: data length 0");

    Txn no_data = write_txn(0, std::vector<uint8_t>(8, 1));
    no_data.gp.set_data_ptr(nullptr);
    CHECK(run(no_data) == tlm::TLM_GENERIC_ERROR_RESPONSE);

    CHECK(mem.bytes_allocated() == 0);  // none of them wrote anything

    Txn ignore(tlm::TLM_IGNORE_COMMAND, 5000, std::vector<uint8_t>(4));
    CHECK(run(ignore) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // IGNORE still checks the address
    Txn ignore_ok(tlm::TLM_IGNORE_COMMAND, 0, std::vector<uint8_t>(4));
    CHECK(run(ignore_ok) == tlm::TLM_OK_RESPONSE);
    CHECK(delay == sc_core::SC_ZERO_TIME);
}

TEST_CASE("byte enables select bytes, repeat over the data, and a fully disabled write allocates nothing", "[mem][tlm]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    const std::vector<uint8_t> be{TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};  // every third byte
    const auto data = random_bytes(3, 90);
    const uint64_t addr = p.host_address(1, 15, 10);  // across words 15..18 of slice 1 (a bank edge too)
    Txn w = write_txn(addr, data);
    w.gp.set_byte_enable_ptr(const_cast<uint8_t*>(be.data()));
    w.gp.set_byte_enable_length(3);
    sc_time delay;
    mem.b_transport(w.gp, delay);
    REQUIRE(w.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    for (size_t i = 0; i < data.size(); ++i)
        REQUIRE(byte_at(mem, addr + i) == (i % 3 == 0 ? data[i] : 0));

    // A masked read leaves the disabled bytes of the buffer as they were.
    Txn r = read_txn(addr, 90, 0xEE);
    r.gp.set_byte_enable_ptr(const_cast<uint8_t*>(be.data()));
    r.gp.set_byte_enable_length(3);
    mem.b_transport(r.gp, delay);
    for (size_t i = 0; i < data.size(); ++i)
        REQUIRE(r.buf[i] == (i % 3 == 0 ? data[i] : 0xEE));

    const uint64_t before = mem.bytes_allocated();
    const std::vector<uint8_t> none{TLM_BYTE_DISABLED};
    Txn nothing = write_txn(p.host_address(3, 0), std::vector<uint8_t>(64, 9));
    nothing.gp.set_byte_enable_ptr(const_cast<uint8_t*>(none.data()));
    nothing.gp.set_byte_enable_length(1);
    mem.b_transport(nothing.gp, delay);
    CHECK(nothing.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    CHECK(mem.bytes_allocated() == before);
}

TEST_CASE("a streaming width below the length repeats the same addresses each beat", "[mem][tlm]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    const uint64_t addr = p.host_address(0, 3, 30);  // each 4-byte beat straddles words 3 and 4
    const std::vector<uint8_t> data{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Txn w = write_txn(addr, data);
    w.gp.set_streaming_width(4);
    sc_time delay;
    mem.b_transport(w.gp, delay);
    REQUIRE(w.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
    CHECK(delay == cycles(1 + 6 - 1));  // 3 beats x 2 words
    for (unsigned i = 0; i < 4; ++i)
        CHECK(byte_at(mem, addr + i) == data[8 + i]);  // the last beat is what stays
    CHECK(byte_at(mem, addr + 4) == 0);

    Txn r = read_txn(addr, 12);
    r.gp.set_streaming_width(4);
    mem.b_transport(r.gp, delay);
    CHECK(r.buf == std::vector<uint8_t>{9, 10, 11, 12, 9, 10, 11, 12, 9, 10, 11, 12});

    // The address check covers one beat only: a FIFO at the last 4 bytes of MEM is fine.
    Txn fifo = read_txn(mem.size_bytes() - 4, 16);
    fifo.gp.set_streaming_width(4);
    mem.b_transport(fifo.gp, delay);
    CHECK(fifo.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
}

TEST_CASE("DMI grants one page, allocated on request, with the configured latencies", "[mem][tlm][dmi]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    tlm::tlm_generic_payload req;
    req.set_command(tlm::TLM_READ_COMMAND);
    req.set_address(p.host_address(2, 9, 5));  // page 2 of slice 2: words 8..11
    tlm::tlm_dmi dmi;
    REQUIRE(mem.get_direct_mem_ptr(req, dmi));
    const uint64_t start = p.host_address(2, 8);
    CHECK(dmi.get_start_address() == start);
    CHECK(dmi.get_end_address() == start + 4 * 32 - 1);
    CHECK(dmi.is_read_write_allowed());
    CHECK(dmi.get_read_latency() == cycles(3));
    CHECK(dmi.get_write_latency() == cycles(1));
    CHECK(mem.bytes_allocated() == p.page_bytes());
    unsigned char* ptr = dmi.get_dmi_ptr();
    REQUIRE(ptr != nullptr);
    CHECK(std::all_of(ptr, ptr + p.page_bytes(), [](unsigned char b) { return b == 0; }));

    // Writes through the pointer are what b_transport reads, and the other way round.
    const auto data = random_bytes(4, p.page_bytes());
    std::copy(data.begin(), data.end(), ptr);
    Txn r = read_txn(start, p.page_bytes());
    sc_time delay;
    mem.b_transport(r.gp, delay);
    CHECK(r.buf == data);
    Txn w = write_txn(start + 40, {0xA1, 0xA2});
    mem.b_transport(w.gp, delay);
    CHECK(ptr[40] == 0xA1);
    CHECK(ptr[41] == 0xA2);

    // Pages never move: lots of other allocation later, the grant still holds, and asking again
    // for any address in the page gives the same pointer.
    for (uint64_t a = 0; a < mem.size_bytes(); a += 32) {
        Txn fill = write_txn(a == start ? a + p.page_bytes() : a, {7});
        mem.b_transport(fill.gp, delay);
    }
    CHECK(ptr[40] == 0xA1);
    tlm::tlm_dmi again;
    req.set_address(start + p.page_bytes() - 1);
    REQUIRE(mem.get_direct_mem_ptr(req, again));
    CHECK(again.get_dmi_ptr() == ptr);
    CHECK(again.get_start_address() == start);
}

TEST_CASE("DMI outside MEM is refused and allocates nothing", "[mem][tlm][dmi]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    tlm::tlm_generic_payload req;
    req.set_command(tlm::TLM_WRITE_COMMAND);
    req.set_address(mem.size_bytes());
    tlm::tlm_dmi dmi;
    CHECK_FALSE(mem.get_direct_mem_ptr(req, dmi));
    CHECK(dmi.get_start_address() == mem.size_bytes());  // the refused range: everything above MEM
    CHECK(dmi.get_end_address() == ~sc_dt::uint64{0});
    CHECK(mem.bytes_allocated() == 0);
    CHECK(mem.error() == "MEM host access: DMI request at 0x1000 is outside MEM [0, 0x1000)");
}

TEST_CASE("host writes of 1 MiB into the tsp-v1 MEM allocate about 1 MiB", "[mem][tlm][sparse]")
{
    const ChipSpec cfg = load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/tsp-v1.yaml");
    const MemParams p = cfg.mem;
    MemSystem mem(p, sc_time::from_value(cfg.chip.period_ps()));
    REQUIRE(mem.size_bytes() == 220ull << 20);
    // 16 chunks of 64 KiB spread over the whole address range, each in its own slice.
    const size_t chunk = 64 << 10;
    sc_time delay;
    for (unsigned i = 0; i < 16; ++i) {
        const uint64_t addr = mem.size_bytes() / 16 * i + 12345;
        Txn w = write_txn(addr, random_bytes(10 + i, chunk));
        mem.b_transport(w.gp, delay);
        REQUIRE(w.gp.get_response_status() == tlm::TLM_OK_RESPONSE);
        Txn r = read_txn(addr, chunk);
        mem.b_transport(r.gp, delay);
        REQUIRE(r.buf == w.buf);
    }
    const uint64_t touched = 16 * chunk;
    CHECK(mem.bytes_allocated() >= touched);
    CHECK(mem.bytes_allocated() <= touched + 16 * 2 * p.page_bytes());  // a partial page at each end
}

namespace {

// An initiator that plays a short host session from a thread, as a loader would.
struct HostInitiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<HostInitiator> socket;
    MemParams p;
    std::vector<uint8_t> written = random_bytes(5, 200), read_back, dmi_seen, dbg_seen;
    std::vector<sc_time> times;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    bool dmi_granted = false;

    SC_HAS_PROCESS(HostInitiator);
    HostInitiator(sc_core::sc_module_name name, const MemParams& params) : sc_module(name), socket("socket"), p(params)
    {
        SC_THREAD(run);
    }

    void run()
    {
        const uint64_t addr = p.host_address(1, 30, 3);  // crosses into slice 2
        Txn w = write_txn(addr, written);
        sc_time delay;
        socket->b_transport(w.gp, delay);
        wait(delay);  // sync with the annotated time
        times.push_back(sc_core::sc_time_stamp());
        Txn r = read_txn(addr, written.size());
        delay = sc_core::SC_ZERO_TIME;
        socket->b_transport(r.gp, delay);
        wait(delay);
        times.push_back(sc_core::sc_time_stamp());
        status = r.gp.get_response_status();
        read_back = r.buf;

        tlm::tlm_dmi dmi;
        r.gp.set_address(p.host_address(2, 0));
        dmi_granted = socket->get_direct_mem_ptr(r.gp, dmi);
        if (dmi_granted)
            dmi_seen.assign(dmi.get_dmi_ptr(), dmi.get_dmi_ptr() + 16);
        Txn d = read_txn(addr, written.size());
        socket->transport_dbg(d.gp);
        dbg_seen = d.buf;
        times.push_back(sc_core::sc_time_stamp());  // debug transport takes no time
    }
};

}  // namespace

TEST_CASE("an initiator thread reaches MEM through a bound socket: b_transport, DMI, debug", "[mem][tlm][sc_start]")
{
    const MemParams p = small_params();
    MemSystem mem(p, kPeriod);
    MemTlmTarget target("mem", mem);
    HostInitiator host("host", p);
    host.socket.bind(target.socket);
    sc_core::sc_start();

    CHECK(host.status == tlm::TLM_OK_RESPONSE);
    CHECK(host.read_back == host.written);
    // 200 bytes from byte 3 of a word span 7 words: write 1 + 6 cycles, read 3 + 6 cycles.
    REQUIRE(host.times.size() == 3);
    CHECK(host.times[0] == cycles(7));
    CHECK(host.times[1] == cycles(7 + 9));
    CHECK(host.times[2] == host.times[1]);
    REQUIRE(host.dmi_granted);
    // Slice 2 word 0 starts at byte 61 of the data (29 + 32 bytes of words 30 and 31 of slice 1).
    CHECK(host.dmi_seen == std::vector<uint8_t>(host.written.begin() + 61, host.written.begin() + 77));
    CHECK(host.dbg_seen == host.written);
}
