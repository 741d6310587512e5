// The functional coverage model of the MXM and the ISA as ONE table (docs/coverage.md): a row
// per family of bins, with the report group it counts in, its bins' name pattern, the domains
// its bins range over (a bin per value, a cross bin per combination), a description and what
// the collector counts; and a row per bin no run can reach, with the reason. The collector,
// the JSON it writes, scripts/coverage.py's report, docs/coverage.md and the tests all read
// these rows. Domains derived from other tables (opcodes, VXM and SXM operations, schedule
// rules) grow with them: a new instruction or rule has its bin without an edit here.
#pragma once

#include <cstdint>
#include <vector>

namespace lpu {

// What a family's bins range over. Fixed domains are the enums below (in their order);
// derived ones come from the ISA's tables; geometric ones from the chip config (their bins
// differ between configs, and merging files of several configs takes the union).
enum class CoverageDomain : uint8_t {
    Opcode,        // derived: models/isa/OpcodeTable, by mnemonic
    VxmOp,         // derived: the VXM operations (VxmAluOp: binary, unary, convert, requant)
    SxmOp,         // derived: the SXM operation kinds (SxmOp::Kind)
    Rule,          // derived: models/common/ScheduleRule
    IsaEvent,      // fixed: CoverageIsaEvent
    OperandRole,   // fixed: weight (LW), activation (ABC)
    OperandClass,  // fixed: CoverageOperandClass
    AbcWeights,    // fixed: CoverageAbcWeights
    AbcType,       // fixed: i8, u8, f16
    AccMode,       // fixed: set, add
    AccEvent,      // fixed: CoverageAccEvent
    InstallEvent,  // fixed: CoverageInstallEvent
    OverlapEvent,  // fixed: CoverageOverlapEvent
    WeightKind,    // fixed: int (i8/u8), f16
    StaggerPort,   // fixed: weight, activation, result
    Plane,         // geometric: chip.mxm.planes
    Slot,          // geometric: chip.mxm.acc_slots
    Superlane,     // geometric: chip.geometry.superlanes
    EastGroup,     // geometric: eastbound streams in groups of 4
    WestGroup,     // geometric: westbound streams in groups of 4
};

enum class CoverageFamilyId : uint8_t {
    IsaOp,
    IsaVxm,
    IsaSxm,
    IsaEvent,
    Operand,
    AbcWeights,
    AccType,
    AccEvent,
    Slot,
    Install,
    Overlap,
    Plane,
    Stagger,
    StreamEast,
    StreamWest,
    Error,
};

enum class CoverageIsaEvent : uint8_t { RepeatStepped, Iterations, Fetched, Release, VxmChain };
enum class CoverageOperandRole : uint8_t { Weight, Activation };
enum class CoverageOperandClass : uint8_t {
    I8Neg,
    I8Zero,
    I8Pos,
    I8Min,
    I8Max,
    U8Zero,
    U8Low,
    U8High,
    U8Max,
    F16PosZero,
    F16NegZero,
    F16Neg,
    F16Pos,
    F16Subnormal,
    F16Max,
    F16Inf,
    F16Nan,
};
// An ABC's type against the installed weights it reads: never written (zero), all i8 rows, all
// u8, i8 and u8 rows mixed, f16. Integer ABCs on f16 weights and back are schedule errors.
enum class CoverageAbcWeights : uint8_t { I8Zero, I8I8, I8U8, I8Mixed, U8Zero, U8I8, U8U8, U8Mixed, F16Zero, F16F16 };
enum class CoverageAbcType : uint8_t { I8, U8, F16 };
enum class CoverageAccMode : uint8_t { Set, Add };
enum class CoverageAccEvent : uint8_t { Emit, NoEmit, EmitBackToBack, Int32Wrap, Fp32Inf, Fp32Nan, ProductDropped };
enum class CoverageInstallEvent : uint8_t { BackToBack, LwEarliest, NoNewRows, SomeRows, AllRows, TypeSwitch };
enum class CoverageOverlapEvent : uint8_t {
    LwDuringCompute,
    IwDuringCompute,
    AbcWithIw,
    AbcAtInstallEnd,
    AbcAtFp16Interval,
};
enum class CoverageWeightKind : uint8_t { Int, F16 };
enum class CoverageStaggerPort : uint8_t { Weight, Activation, Result };

// Streams per stream bin: a 32-bit word (an ACC result, an i32/f32 tensor) spans 4 consecutive
// streams (docs/isa.md 3.3).
constexpr unsigned kCoverageStreamGroup = 4;

struct CoverageFamily {
    CoverageFamilyId id;
    const char* group;    // the report's group: "isa", "operand", "mxm.acc", ...
    const char* pattern;  // the bins' names, a "{}" per domain: "mxm.slot.{}.{}"
    std::vector<CoverageDomain> domains;
    const char* description;  // a "{}" per domain, replaced by the value's text
    const char* how;          // what the collector counts as a hit
};

struct CoverageUnreachable {
    const char* bin;     // a bin's full name
    const char* reason;  // why no run of the model hits it
};

// A fixed domain's value: its label in bin names and its text in descriptions.
struct CoverageValue {
    const char* label;
    const char* text;
};

// Every family, in CoverageFamilyId order.
const std::vector<CoverageFamily>& coverage_families();
const CoverageFamily& coverage_family(CoverageFamilyId id);
// The bins no run reaches, with the reason (the report excludes them from closure).
const std::vector<CoverageUnreachable>& coverage_unreachable();
// A fixed domain's values in enum order (empty for derived and geometric domains).
const std::vector<CoverageValue>& coverage_fixed_values(CoverageDomain d);
// Its name ("opcode", "superlane") for the table's hash and docs.
const char* coverage_domain_name(CoverageDomain d);
bool coverage_domain_is_geometric(CoverageDomain d);
// A geometric domain's size in the config: "chip.mxm.acc_slots"; "" for the others.
const char* coverage_domain_param(CoverageDomain d);

}  // namespace lpu
