// A system of chips joined by C2C links (docs/system.md), resolved from a system file
// (configs/systems/*.yaml): its chip types (each a ChipSpec, from a chip config file or inline),
// every chip and its type, and every link between two chips' ports with the link's own
// parameters (cable latency, FEC code, bit errors). What the system runtime (models/system)
// builds and what `lpusim system` analyses.
#pragma once

#include "models/common/Config.h"
#include "models/common/SourcePos.h"
#include "models/spec/ChipSpec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

class ParamNode;

struct SystemChipType {
    std::string name;
    ChipSpec spec;
};

struct SystemChip {
    std::string name;   // e.g. "n3.c5" (node 3, chip 5) or as the file names it
    unsigned type = 0;  // index into SystemSpec::types
    // The chip's clock: its type's chip.clock_mhz x (1 + ppm * 1e-6) (docs/system.md, "Time").
    double ppm = 0;
    // When its cycle 0 starts on the system's time base (it powers up): before a Deskew, chips
    // run this far apart.
    uint64_t start_offset_ps = 0;
};

// One end of a link: a chip and one of its C2C ports (0 .. c2c.links - 1).
struct LinkEnd {
    unsigned chip = 0;
    unsigned port = 0;
};

// What one link is made of. Defaults come from the system file's `link_defaults`, each link may
// override them.
struct LinkParams {
    unsigned cable_latency = 216;     // cycles of the sending chip's nominal clock
    unsigned serdes_latency = 0;      // cycles, transmitter and receiver together
    double framing_overhead = 0.025;  // line bits spent on framing, as a fraction of payload bits
    std::string fec = "kp4";          // "kp4" RS(544,514), "kr4" RS(528,514), or "none"
    unsigned fec_latency = 0;         // cycles the decoder adds
    double ber = 0;                   // pre-FEC bit error rate on the line
    double burst_probability = 0;     // probability that an error starts a burst
    unsigned burst_bits = 0;          // bits a burst spans
    uint64_t seed = 1;                // of this link's errors (with the system's seed)

    // Seeds in a system file are at most 2^53, so a JSON reader or a double holds them exactly.
    static constexpr double kMaxSeed = 9007199254740992.0;

    // Declares and reads these keys of a node (`link_defaults`, or one entry of `links`), each
    // defaulting to the value in `defaults`.
    static LinkParams read(ParamNode& n, const LinkParams& defaults);
};

struct SystemLink {
    LinkEnd a, b;  // full duplex: a's port sends to b's and back
    LinkParams params;
    SourcePos pos;  // where the file declares it (or the topology that made it)
};

// How the chips and links were made (docs/system.md): a generated topology or a custom list.
// Chips of generated topologies are numbered rack by rack, node by node: chip i is chip
// i % chips_per_node of node i / chips_per_node, which is node (i / chips_per_node) %
// nodes_per_rack of rack i / (chips_per_node * nodes_per_rack).
struct SystemTopology {
    std::string kind = "custom";    // pair, node, rack, dragonfly or custom
    unsigned pair_links = 0;        // pair: parallel links between the two chips
    unsigned chips_per_node = 0;    // node, rack, dragonfly: chips of one fully connected node
    unsigned nodes_per_rack = 0;    // rack, dragonfly
    unsigned racks = 0;             // dragonfly
    unsigned intra_rack_links = 0;  // rack, dragonfly: global ports per chip wired inside its rack
    unsigned inter_rack_links = 0;  // dragonfly: global ports per chip wired to other racks
    uint64_t wiring_seed = 0;       // dragonfly: seed of the inter-rack port assignment
    SourcePos pos;                  // where the file names the kind

    bool has_nodes() const { return chips_per_node != 0; }
};

struct SystemSpec {
    std::string name;
    std::vector<SystemChipType> types;
    std::vector<SystemChip> chips;
    std::vector<SystemLink> links;
    uint64_t seed = 1;  // of everything random in a run (ppm and start offset draws, bit errors)
    // The chip the hardware-aligned counters are aligned to (docs/system.md, "Time").
    unsigned hac_root = 0;
    SystemTopology topology;
    // Every parameter read from the file, with its position (`lpusim system --config` prints it).
    std::shared_ptr<const Config> config;

    const ChipSpec& chip_spec(unsigned chip) const { return types.at(chips.at(chip).type).spec; }
};

// A system file. Throws ConfigError "file:line:col: key.path: reason".
SystemSpec load_system_spec(const std::string& path);
SystemSpec parse_system_spec(const std::string& yaml, const std::string& source);

}  // namespace lpu
