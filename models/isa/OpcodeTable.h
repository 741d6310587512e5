// The instruction set as one table (docs/isa.md section 3): a row per opcode with its mnemonic,
// the queues it may run on, its operands in the order they are written, and how the ICU treats
// it. The assembler parses, Instr::disasm prints and the object file reader checks instructions
// from these rows, so a new instruction is an Opcode (appended: its number is the object file
// encoding), a row here, and its case in the executor of its slice kind.
#pragma once

#include "models/isa/Instr.h"
#include "models/spec/QueueMap.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

// The limits of a chip that operand ranges and stream operands depend on.
struct IsaLimits {
    int64_t mem_words = 0;  // words per MEM slice
    int64_t mxm_rows = 0;
    int64_t acc_slots = 0;
    unsigned east_streams = 0, west_streams = 0;
    unsigned vxm_alus = 0;
    unsigned lanes = 0, lanes_per_superlane = 0;

    unsigned streams(StreamDir dir) const { return dir == StreamDir::East ? east_streams : west_streams; }
};

struct ChipSpec;
IsaLimits isa_limits(const ChipSpec& spec);

struct OperandSpec {
    enum class Kind : uint8_t {
        Int,      // a number (decimal or 0x hex) in [lo, hi]
        Address,  // a MEM word address: an Int printed in hex
        Keyword,  // one of `keywords`; its index is the value
        Stream,   // a stream register, appended to Instr::streams
    };
    // The range of an Int or Address: fixed, or from the chip.
    enum class Bound : uint8_t { Fixed, MemWord, MemStep, MxmRow, AccSlot };
    // How many consecutive streams a Stream operand spans.
    enum class Span : uint8_t { One, MxmType, Int32 };  // MxmType: 2 for an f16 operand (field b), else 1

    Kind kind = Kind::Int;
    char field = 'a';       // Instr::a, b or c (not for streams)
    const char* what = "";  // "word address": in "missing word address", "expected word address, got ..."
    int64_t lo = 0, hi = 0;
    Bound bound = Bound::Fixed;
    std::vector<const char*> keywords;  // Keyword spellings by value; "" is no spelling
    Span span = Span::One;
    // Starts the optional tail of the operand list: present when the line goes on (its field is
    // then non-zero), printed when the field is non-zero.
    bool optional = false;

    // [lo, hi] for a chip.
    std::pair<int64_t, int64_t> range(const IsaLimits& lim) const;
};

struct OpcodeInfo {
    Opcode op;
    const char* mnemonic;  // as written (matched without case) and printed
    uint8_t queues;        // bit per QueueKind it may run on
    std::vector<OperandSpec> operands;
    // The ICU runs it itself (pacing, Repeat, Sync/Notify, Ifetch, Config, MEM address registers)
    // rather than handing it to the slice: no Repeat may follow it.
    bool icu;
    // Counted as an issue in statistics (everything but the pacing: NOP, Sync, Notify, Deskew,
    // RuntimeDeskew).
    bool counted;
    // A repetition (Repeat, Iterations) adds its offset to operand a (an address or row).
    bool stepped;
    // Its operands have a syntax of their own (VXM ALU operations, SXM operations).
    bool custom = false;
};

constexpr uint8_t queue_bit(QueueKind k) { return static_cast<uint8_t>(1u << static_cast<unsigned>(k)); }
constexpr uint8_t kAnyQueue = 0x7F;

// The row of `op` (every Opcode has one).
const OpcodeInfo& opcode_info(Opcode op);
// The row whose mnemonic is `word` (any case), or null.
const OpcodeInfo* find_mnemonic(const std::string& word);
// Every row, in Opcode order.
const std::vector<OpcodeInfo>& opcode_table();

// Checks a decoded instruction (from an object file) against its row and the chip: the queue
// kind, every operand's range, the number of streams and that each exists. Returns the reason,
// or an empty string if it is valid. VXM and SXM operations are checked by their own parsers.
std::string check_instr(const Instr& in, QueueKind queue, const IsaLimits& lim);

// What the ICU requires of a queue's instruction sequence: a Repeat follows an instruction that
// does work, and not a MEM access that Iterations already repeats; and the queue's instructions
// fit the chip's 23-bit instruction index. `in` is instruction `index` of `queue`, `prev` the one
// before it (null: none); `iterations` the MEM Iterations register as the queue so far sets it
// (1 at the start), which `in` may set. Returns the reason, or an empty string.
std::string check_sequence(const Instr& in, const Instr* prev, size_t index, const QueueInfo& queue,
                           int64_t& iterations);

}  // namespace lpu
