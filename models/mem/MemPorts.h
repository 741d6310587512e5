// The per-cycle access rules of the MEM slices (docs/mem.md, "Ports and banks"): per slice
// and cycle at most one read (Read or Gather) and one write (Write or Scatter), and a read and
// a write in the same cycle must use different banks. The SRAM is two single-ported banks, so a
// same-bank read and write in one cycle would silently lose one of them on silicon; here they
// are a ScheduleError naming the cycle, the slice, both instructions, their addresses and banks.
//
// Cycles: a read uses its bank in its issue cycle c, a write at c + write_latency - 1 (the
// cycle in which its data is committed). Every tile of a slice executes an instruction one
// cycle later than the tile before it (the superlane stagger), for reads and writes alike, so
// checking tile 0's cycles per tile address is exact for every tile.
#pragma once

#include "models/common/AgentId.h"
#include "models/common/ScheduleRule.h"
#include "models/common/SmallPool.h"
#include "models/spec/MemParams.h"
#include "models/spec/Timing.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lpu {

enum class MemPort { Read, Write };

class MemPortChecker {
public:
    // `describe` names the issuers of accesses recorded by AgentId.
    explicit MemPortChecker(const MemParams& params, AgentDescriber describe = {});

    // Records an access issued at `cycle` on `slice`. `tile_words` holds `count` word
    // addresses: 1 (Read/Write: every tile uses the same address) or `superlanes` (Gather /
    // Scatter: one per tile). `text` is the instruction as the caller prints it. Accesses of a
    // slice must arrive in non-decreasing issue cycles. Throws ScheduleError when the access
    // breaks a rule together with one already recorded (and then records nothing), InputError
    // for an address or slice out of range.
    void access(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count,
                std::string text)
    {
        access(cycle, slice, port, tile_words, count, [text = std::move(text)] { return text; });
    }
    // The same with the instruction's text made only if a report needs it (the chip's hot path).
    using TextFn = std::function<std::string()>;
    void access(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count, TextFn text);
    // The same, the issuer named by the checker's describer (no allocation per access).
    void access(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count, AgentId who);

    void read(uint64_t cycle, unsigned slice, uint32_t word, std::string text)
    {
        access(cycle, slice, MemPort::Read, &word, 1, std::move(text));
    }
    void read(uint64_t cycle, unsigned slice, uint32_t word, TextFn text)
    {
        access(cycle, slice, MemPort::Read, &word, 1, std::move(text));
    }
    void write(uint64_t cycle, unsigned slice, uint32_t word, TextFn text)
    {
        access(cycle, slice, MemPort::Write, &word, 1, std::move(text));
    }
    void read(uint64_t cycle, unsigned slice, uint32_t word, AgentId who)
    {
        access(cycle, slice, MemPort::Read, &word, 1, who);
    }
    void write(uint64_t cycle, unsigned slice, uint32_t word, AgentId who)
    {
        access(cycle, slice, MemPort::Write, &word, 1, who);
    }
    void write(uint64_t cycle, unsigned slice, uint32_t word, std::string text)
    {
        access(cycle, slice, MemPort::Write, &word, 1, std::move(text));
    }

    // Cycle in which an access issued at `issue` uses its bank (superlane 0).
    uint64_t bank_cycle(uint64_t issue, MemPort port) const
    {
        return timing::bank_cycle(p_, issue, port == MemPort::Write);
    }

private:
    struct Access {
        bool used = false;
        uint64_t issue = 0;
        uint32_t single = 0;                                   // the address every tile uses, or
        std::vector<uint32_t, PoolAllocator<uint32_t>> tiles;  // one per tile (Gather, Scatter)
        TextFn text;                                           // names the instruction, or (if empty)
        AgentId who;                                           // the describer does
        bool per_tile() const { return !tiles.empty(); }
        uint32_t word(size_t tile) const { return per_tile() ? tiles[tile] : single; }
    };
    struct CycleUse {
        uint64_t cycle = kNoCycle;  // bank cycle
        Access port[2];             // indexed by MemPort
    };
    static constexpr uint64_t kNoCycle = ~uint64_t{0};
    struct SliceState {
        bool started = false;
        uint64_t last_issue = 0;
        // Bank cycle c at ring[c mod size]. The live ones, from the last issue cycle to a write's
        // bank cycle after it, span fewer cycles than the ring holds, so a slot holding another
        // cycle holds one that is over.
        std::vector<CycleUse> ring;
    };

    void record(uint64_t cycle, unsigned slice, MemPort port, const uint32_t* tile_words, size_t count, Access mine);
    std::string text(const Access& a) const { return a.text ? a.text() : describe_(a.who); }
    std::string describe(const Access& a, MemPort port, uint64_t bank_cycle, int tile) const;
    [[noreturn]] void fail(uint64_t cycle, unsigned slice, ScheduleRule rule, const std::string& what) const;

    MemParams p_;
    AgentDescriber describe_;
    std::vector<SliceState> slices_;
    size_t ring_size_ = 1;  // a power of two above the span of a write's bank cycle after its issue
};

}  // namespace lpu
