#include "CoverageTable.h"

#include <stdexcept>
#include <string>

namespace lpu {

namespace {

using D = CoverageDomain;
using F = CoverageFamilyId;

std::vector<CoverageFamily> make_families()
{
    std::vector<CoverageFamily> t = {
        {F::IsaOp,
         "isa",
         "isa.op.{}",
         {D::Opcode},
         "instruction {} issued",
         "every issue a queue reports (ChipObserver::on_issue), repetitions included; in cosim mxm every "
         "LW, IW, ABC and ACC the plane takes"},
        {F::IsaVxm,
         "isa",
         "isa.vxm.{}",
         {D::VxmOp},
         "VXM operation {} issued",
         "every VXM issue, by its ALU operation"},
        {F::IsaSxm, "isa", "isa.sxm.{}", {D::SxmOp}, "SXM operation {} issued", "every SXM issue, by its operation"},
        {F::IsaEvent, "isa", "isa.{}", {D::IsaEvent}, "{}", "see each value"},
        {F::Operand,
         "operand",
         "operand.{}.{}",
         {D::OperandRole, D::OperandClass},
         "{} vector holding {}",
         "every LW (weight) or ABC (activation) operand vector with at least one lane of the class, once per vector"},
        {F::AbcWeights,
         "mxm.types",
         "mxm.abc.{}",
         {D::AbcWeights},
         "ABC {}",
         "every ABC, by its type and the rows of the weights it reads (the install it sees, docs/isa.md 1.2)"},
        {F::AccType,
         "mxm.acc",
         "mxm.acc.{}.{}",
         {D::AbcType, D::AccMode},
         "ACC {1} of the product of an {0} ABC",
         "every ACC, by the type of the ABC whose product it takes and set/add"},
        {F::AccEvent, "mxm.acc", "mxm.acc.{}", {D::AccEvent}, "{}", "see each value"},
        {F::Slot,
         "mxm.acc",
         "mxm.slot.{}.{}",
         {D::Slot, D::AccMode},
         "ACC {1} into accumulator slot {0}",
         "every ACC, by slot and set/add"},
        {F::Install, "mxm.install", "mxm.install.{}", {D::InstallEvent}, "{}", "see each value"},
        {F::Overlap,
         "mxm.overlap",
         "mxm.overlap.{}.{}",
         {D::OverlapEvent, D::WeightKind},
         "{0} ({1})",
         "see each value; the kind is the type of the LW, of the rows the IW installs, or of the ABC"},
        {F::Plane, "mxm.plane", "mxm.plane.{}", {D::Plane}, "an ABC on MXM plane {}", "every ABC, by plane"},
        {F::Stagger,
         "mxm.stagger",
         "mxm.stagger.{}.{}",
         {D::StaggerPort, D::Superlane},
         "a nonzero {0} chunk in superlane {1} (the stagger position s: chunk s travels s cycles late)",
         "every LW or ABC operand, or emitted result, whose chunk s (lanes s*G .. s*G+G-1) is not all zero"},
        {F::StreamEast,
         "stream",
         "stream.east.{}",
         {D::EastGroup},
         "a value driven onto eastbound streams {}",
         "every value a producer drives onto a stream (ChipObserver::on_stream_write), by direction and group "
         "of 4 streams"},
        {F::StreamWest,
         "stream",
         "stream.west.{}",
         {D::WestGroup},
         "a value driven onto westbound streams {}",
         "as stream.east"},
        {F::Error,
         "error",
         "error.{}",
         {D::Rule},
         "a run stopped on schedule error {}",
         "a run (lpusim run, alone or --system) that stops on a ScheduleError of this rule: its kind is "
         "recorded once, for the run"},
    };
    for (size_t i = 0; i < t.size(); ++i)
        if (static_cast<size_t>(t[i].id) != i)
            throw std::logic_error("coverage family table out of order at " + std::string(t[i].pattern));
    return t;
}

const std::vector<CoverageValue> kIsaEvents = {
    {"repeat_stepped", "a repetition (Repeat, Iterations) with a nonzero address or row step"},
    {"iterations", "a MEM access repeated by Iterations (countdown, step)"},
    {"fetched", "an instruction brought in by Ifetch issued"},
    {"release", "a queue parked at a Sync released by a Notify"},
    {"vxm_chain", "a VXM operation chained to or from another ALU (aluN operand or chain result)"},
};
const std::vector<CoverageValue> kOperandRoles = {{"weight", "an LW weight"}, {"act", "an ABC activation"}};
const std::vector<CoverageValue> kOperandClasses = {
    {"i8.neg", "an int8 below 0"},
    {"i8.zero", "an int8 0"},
    {"i8.pos", "an int8 above 0"},
    {"i8.min", "an int8 -128"},
    {"i8.max", "an int8 127"},
    {"u8.zero", "a uint8 0"},
    {"u8.low", "a uint8 1..127"},
    {"u8.high", "a uint8 128..255 (negative if read as int8)"},
    {"u8.max", "a uint8 255"},
    {"f16.pos_zero", "an fp16 +0"},
    {"f16.neg_zero", "an fp16 -0"},
    {"f16.neg", "a finite negative nonzero fp16"},
    {"f16.pos", "a finite positive nonzero fp16"},
    {"f16.subnormal", "a subnormal fp16"},
    {"f16.max", "an fp16 of largest magnitude, +-65504"},
    {"f16.inf", "an fp16 infinity"},
    {"f16.nan", "an fp16 NaN"},
};
const std::vector<CoverageValue> kAbcWeights = {
    {"i8.weights_zero", "i8 on weights never written"},
    {"i8.weights_i8", "i8 on i8 weights"},
    {"i8.weights_u8", "i8 on u8 weights"},
    {"i8.weights_mixed", "i8 on i8 and u8 rows"},
    {"u8.weights_zero", "u8 on weights never written"},
    {"u8.weights_i8", "u8 on i8 weights"},
    {"u8.weights_u8", "u8 on u8 weights"},
    {"u8.weights_mixed", "u8 on i8 and u8 rows"},
    {"f16.weights_zero", "f16 on weights never written"},
    {"f16.weights_f16", "f16 on f16 weights"},
};
const std::vector<CoverageValue> kAbcTypes = {{"i8", "i8"}, {"u8", "u8"}, {"f16", "f16"}};
const std::vector<CoverageValue> kAccModes = {{"set", "set"}, {"add", "add"}};
const std::vector<CoverageValue> kAccEvents = {
    {"emit", "an ACC that emits its slot"},
    {"no_emit", "an ACC that keeps its slot (no emit)"},
    {"emit_back_to_back", "emitting ACCs in consecutive cycles (their staggered results overlap)"},
    {"int32_wrap", "an int32 ACC add that wrapped modulo 2^32 in at least one lane"},
    {"fp32_inf", "an emitted fp32 result holding an infinity"},
    {"fp32_nan", "an emitted fp32 result holding a NaN"},
    {"product_dropped", "an ABC whose product no ACC took"},
};
const std::vector<CoverageValue> kInstallEvents = {
    {"back_to_back", "an IW on the first cycle the previous install allows (c_iw + T_iw)"},
    {"lw_earliest", "an LW on the first cycle after an IW that loads the next weights (c_iw + T_iw - 1)"},
    {"no_new_rows", "an IW with no LW since the previous IW (the same weights again)"},
    {"some_rows", "an IW after LWs to some but not all rows"},
    {"all_rows", "an IW after LWs to every row"},
    {"type_switch", "an IW switching the plane between integer and f16 weights"},
};
const std::vector<CoverageValue> kOverlapEvents = {
    {"lw_during_compute", "an LW while an ABC's product is in flight (double buffering)"},
    {"iw_during_compute", "an IW while an ABC's product is in flight"},
    {"abc_with_iw", "an ABC in the IW's own cycle (it reads the old weights)"},
    {"abc_at_install_end", "an ABC on the first cycle the new weights are complete (c_iw + T_iw)"},
    {"abc_at_fp16_interval", "an ABC on the first cycle after an f16 ABC's port occupancy (c_f + I)"},
};
const std::vector<CoverageValue> kWeightKinds = {{"int", "integer"}, {"f16", "f16"}};
const std::vector<CoverageValue> kStaggerPorts = {{"weight", "weight"}, {"act", "activation"}, {"result", "result"}};
const std::vector<CoverageValue> kNone;

}  // namespace

const std::vector<CoverageFamily>& coverage_families()
{
    static const std::vector<CoverageFamily> t = make_families();
    return t;
}

const CoverageFamily& coverage_family(CoverageFamilyId id) { return coverage_families().at(static_cast<size_t>(id)); }

const std::vector<CoverageUnreachable>& coverage_unreachable()
{
    static const std::vector<CoverageUnreachable> t = {
        {"error.mxm.issue_order",
         "the chip hands each plane its instructions in cycle order and the cosim stimulus issues them so; only "
         "a direct user of MxmCore can break it (unit-tested there)"},
        {"error.mxm.channel_busy",
         "each MXM channel is fed by one queue (.w: LW and IW, .a: ABC, .c: ACC), which issues at most one "
         "instruction per cycle, and the cosim stimulus keeps the rules (unit-tested on MxmCore)"},
        {"error.mxm.partial_install",
         "LW and IW share the plane's .w queue, so they never issue in one cycle on a chip, and the cosim "
         "stimulus keeps the rules (unit-tested on MxmCore)"},
        {"error.mem.issue_order",
         "a MEM slice has one queue, which issues its accesses in cycle order (unit-tested on MemPortChecker)"},
        {"error.mem.read_port",
         "a MEM slice has one queue issuing at most one access per cycle, and every read uses its issue cycle "
         "(unit-tested on MemPortChecker)"},
        {"error.mem.write_port",
         "a MEM slice has one queue issuing at most one access per cycle, and every write uses its issue cycle + "
         "write_latency - 1 (unit-tested on MemPortChecker)"},
        {"error.icu.wrong_slice",
         "the assembler and the object-file reader check every instruction's queue kind against the opcode "
         "table, so no slice is handed another kind's instruction"},
        {"error.c2c.never_received",
         "the receiving chip's C2C slice keeps each arrived vector's deadline (arrival + receive_window + 1) as an "
         "event of its own, so a run always reaches it and stops on c2c.receive_window first; the check at the "
         "run's end (C2cExecutor::finish) is a safety net; a vector sent to a chip with no program stops the run "
         "the same way"},
        {"error.icu.fetch_limit",
         "reachable only with more than 8,388,608 fetched instructions in one run (gigabytes of fetched "
         "instructions kept for reports): not worth a regression run"},
    };
    return t;
}

const std::vector<CoverageValue>& coverage_fixed_values(CoverageDomain d)
{
    switch (d) {
    case D::IsaEvent: return kIsaEvents;
    case D::OperandRole: return kOperandRoles;
    case D::OperandClass: return kOperandClasses;
    case D::AbcWeights: return kAbcWeights;
    case D::AbcType: return kAbcTypes;
    case D::AccMode: return kAccModes;
    case D::AccEvent: return kAccEvents;
    case D::InstallEvent: return kInstallEvents;
    case D::OverlapEvent: return kOverlapEvents;
    case D::WeightKind: return kWeightKinds;
    case D::StaggerPort: return kStaggerPorts;
    default: return kNone;
    }
}

const char* coverage_domain_name(CoverageDomain d)
{
    switch (d) {
    case D::Opcode: return "opcode";
    case D::VxmOp: return "vxm_op";
    case D::SxmOp: return "sxm_op";
    case D::Rule: return "schedule_rule";
    case D::IsaEvent: return "isa_event";
    case D::OperandRole: return "operand_role";
    case D::OperandClass: return "operand_class";
    case D::AbcWeights: return "abc_weights";
    case D::AbcType: return "abc_type";
    case D::AccMode: return "acc_mode";
    case D::AccEvent: return "acc_event";
    case D::InstallEvent: return "install_event";
    case D::OverlapEvent: return "overlap_event";
    case D::WeightKind: return "weight_kind";
    case D::StaggerPort: return "stagger_port";
    case D::Plane: return "plane";
    case D::Slot: return "slot";
    case D::Superlane: return "superlane";
    case D::EastGroup: return "east_group";
    case D::WestGroup: return "west_group";
    }
    return "?";
}

const char* coverage_domain_param(CoverageDomain d)
{
    switch (d) {
    case D::Plane: return "chip.mxm.planes";
    case D::Slot: return "chip.mxm.acc_slots";
    case D::Superlane: return "chip.geometry.superlanes";
    case D::EastGroup: return "chip.streams.east / 4";
    case D::WestGroup: return "chip.streams.west / 4";
    default: return "";
    }
}

bool coverage_domain_is_geometric(CoverageDomain d)
{
    return d == D::Plane || d == D::Slot || d == D::Superlane || d == D::EastGroup || d == D::WestGroup;
}

}  // namespace lpu
