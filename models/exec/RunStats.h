// What a program run did, as the chip counts it (reported by Chip::stats_json).
#pragma once

#include "models/stream/StreamFile.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lpu {

struct QueueStats {
    uint64_t issued = 0;       // instructions issued, repeats included, NOPs not
    uint64_t idle_cycles = 0;  // cycles spent in NOPs
    uint64_t first = 0, last = 0;
    uint64_t low_power_cycles = 0;  // cycles its slice spent in low-power mode (Config)
};

// What the SRAM fault model saw in one MEM slice (docs/faults.md), when faults are injected.
struct SramFaultCounters {
    uint64_t words_read = 0;         // ECC words the program read (Read, Gather)
    uint64_t words_with_errors = 0;  // of those, with at least one flipped stored bit
    uint64_t bits_flipped = 0;       // flipped stored bits those reads met
    uint64_t corrected = 0;          // decoded into the data written
    uint64_t detected = 0;           // detected uncorrectable
    uint64_t miscorrected = 0;       // "corrected" into wrong data (silent)
    uint64_t undetected = 0;         // flips the decoder did not see (silent; every flip without ECC)
    uint64_t silent() const { return miscorrected + undetected; }
    SramFaultCounters& operator+=(const SramFaultCounters& o)
    {
        words_read += o.words_read;
        words_with_errors += o.words_with_errors;
        bits_flipped += o.bits_flipped;
        corrected += o.corrected;
        detected += o.detected;
        miscorrected += o.miscorrected;
        undetected += o.undetected;
        return *this;
    }
};

struct RunStats {
    uint64_t cycles = 0;
    uint64_t instructions = 0;
    std::vector<QueueStats> queues;  // QueueMap order
    // Per slice (queues sharing a position: an MXM plane's three, the VXM's sixteen): cycles in
    // which at least one of its queues issued, by slice name.
    std::map<std::string, uint64_t> slice_busy;
    StreamStats streams;
    uint64_t sram_bytes_read = 0, sram_bytes_written = 0;
    uint64_t macs = 0;                        // int8 / uint8 MACs of the MXM planes
    uint64_t macs_fp16 = 0;                   // fp16 MACs
    uint64_t vxm_lane_ops = 0;                // lanes x VXM operations
    uint64_t fetched_instructions = 0;        // instructions Ifetch brought in
    uint64_t c2c_sent = 0, c2c_received = 0;  // vectors the C2C slice's Sends and Receives moved
    uint64_t c2c_poisoned = 0;                // of those received, poisoned (docs/link-errors.md)
    // Per MEM slice, with SRAM fault injection only (docs/faults.md).
    std::vector<SramFaultCounters> sram_faults;
};

}  // namespace lpu
