// Every schedule rule a program can break (docs/isa.md, docs/mem.md, docs/system.md), as one
// table: a ScheduleError names the rule it reports, so tools count which rules a set of runs
// provoked (functional coverage, docs/coverage.md) without reading messages. A new rule is an
// enumerator here (appended: its number travels between MPI ranks), a row in ScheduleRule.cpp
// and the raise site naming it; coverage then has a bin for it.
#pragma once

#include <cstdint>
#include <vector>

namespace lpu {

enum class ScheduleRule : uint8_t {
    MxmIssueOrder,        // an MXM plane's instructions out of issue-cycle order
    MxmChannelBusy,       // two instructions on one MXM channel in one cycle
    MxmShadowBusy,        // LW while IW still copies the shadow buffer
    MxmInstallBusy,       // IW while the previous IW installs
    MxmPartialInstall,    // LW in the cycle of a multi-cycle IW
    MxmTornWeights,       // ABC while IW installs
    MxmFp16Interval,      // ABC while an f16 ABC holds the activation port
    MxmMixedWeightTypes,  // IW of integer and f16 rows together
    MxmAbcType,           // ABC type other than the installed weights'
    MxmNoProduct,         // ACC with no ABC A cycles before
    MxmSlotType,          // ACC add into a slot of the other type
    StreamTwoProducers,   // two producers drive one stream at one position in one cycle
    StreamNothingToRead,  // a read where no value is
    MemIssueOrder,        // a MEM slice's accesses out of issue-cycle order
    MemReadPort,          // two reads of one MEM slice in one cycle
    MemWritePort,         // two writes of one MEM slice in one cycle
    MemBankConflict,      // a read and a write of one bank in one cycle
    VxmChainEmpty,        // an ALU operand `aluN` in a cycle ALU N has no result
    IcuLowPower,          // work issued by a queue in low-power mode
    IcuParked,            // a queue parked at a Sync that no Notify releases
    IcuFetchNotText,      // Ifetch bytes that are not assembly text
    IcuFetchInvalid,      // Ifetch text that is not an instruction block for the queue
    IcuFetchLimit,        // more fetched instructions than a run can index
    IcuDeskewMissing,     // RuntimeDeskew with no Deskew before it in the queue
    IcuDeskewBehind,      // the chip's clock behind the aligned counter by more than the slack
    RepeatOutOfRange,     // a repetition's address or row out of range
    WrongSlice,           // an instruction handed to a slice kind that has no such instruction
    C2cNotConnected,      // Send on a link that leads to no chip
    C2cLinkBusy,          // Send while the link still carries the previous vector
    C2cNothingArrived,    // Receive with no vector arrived
    C2cPoisoned,          // Receive of a vector an uncorrectable FEC codeword touched
    C2cReceiveWindow,     // a vector no Receive took within the receive window
    C2cNeverReceived,     // a vector still unreceived when the run ended
    MemEccUncorrectable,  // an SRAM read with an error its ECC detects but cannot correct (policy fail)
};
constexpr ScheduleRule kLastScheduleRule = ScheduleRule::MemEccUncorrectable;

struct ScheduleRuleInfo {
    ScheduleRule rule;
    const char* name;   // "mxm.torn_weights": how tools and coverage bins name it
    const char* where;  // "docs/isa.md 1.3 rule 2": where the rule is written down
    const char* text;   // one line: what the program did
};

// Every rule, in enumerator order.
const std::vector<ScheduleRuleInfo>& schedule_rules();
const ScheduleRuleInfo& schedule_rule_info(ScheduleRule rule);

}  // namespace lpu
