#include "ScheduleRule.h"

#include <stdexcept>
#include <string>

namespace lpu {

namespace {

std::vector<ScheduleRuleInfo> make_rules()
{
    using R = ScheduleRule;
    std::vector<ScheduleRuleInfo> t = {
        {R::MxmIssueOrder, "mxm.issue_order", "docs/isa.md 1.3 rule 1",
         "an MXM plane received an instruction of an earlier cycle than the last"},
        {R::MxmChannelBusy, "mxm.channel_busy", "docs/isa.md 1.3 rule 1",
         "two instructions on one MXM channel (LW, IW, ABC or ACC) in one cycle"},
        {R::MxmShadowBusy, "mxm.shadow_busy", "docs/isa.md 1.3 rule 3",
         "LW while an IW still copies the shadow buffer"},
        {R::MxmInstallBusy, "mxm.install_busy", "docs/isa.md 1.3 rule 4", "IW while the previous IW is installing"},
        {R::MxmPartialInstall, "mxm.partial_install", "docs/isa.md 1.2",
         "LW in the same cycle as an IW that takes more than one cycle"},
        {R::MxmTornWeights, "mxm.torn_weights", "docs/isa.md 1.3 rule 2", "ABC while an IW is installing"},
        {R::MxmFp16Interval, "mxm.fp16_interval", "docs/isa.md 1.3 rule 7",
         "ABC while an f16 ABC still holds the activation port"},
        {R::MxmMixedWeightTypes, "mxm.mixed_weight_types", "docs/isa.md 1.3 rule 8",
         "IW of integer and f16 rows together"},
        {R::MxmAbcType, "mxm.abc_type", "docs/isa.md 1.3 rule 9", "ABC of a type other than the installed weights'"},
        {R::MxmNoProduct, "mxm.no_product", "docs/isa.md 1.3 rule 5", "ACC with no ABC array_latency cycles before"},
        {R::MxmSlotType, "mxm.slot_type", "docs/isa.md 1.3 rule 10",
         "ACC add of a product into a slot holding the other type"},
        {R::StreamTwoProducers, "stream.two_producers", "docs/isa.md 2.2",
         "two producers drive one stream at one position in one cycle"},
        {R::StreamNothingToRead, "stream.nothing_to_read", "docs/isa.md 2.2",
         "a consumer reads a stream where no value is"},
        {R::MemIssueOrder, "mem.issue_order", "docs/mem.md 3 rule 4",
         "a MEM slice received an access of an earlier cycle than the last"},
        {R::MemReadPort, "mem.read_port", "docs/mem.md 3 rule 1", "two reads of one MEM slice in one cycle"},
        {R::MemWritePort, "mem.write_port", "docs/mem.md 3 rule 2", "two writes of one MEM slice in one cycle"},
        {R::MemBankConflict, "mem.bank_conflict", "docs/mem.md 3 rule 3",
         "a read and a write of one MEM bank in one cycle"},
        {R::VxmChainEmpty, "vxm.chain_empty", "docs/isa.md 3.3", "a VXM operand aluN in a cycle ALU N holds no result"},
        {R::IcuLowPower, "icu.low_power", "docs/isa.md 3.2", "work issued by a queue in low-power mode"},
        {R::IcuParked, "icu.parked", "docs/isa.md 3.2", "a queue parked at a Sync that no Notify releases"},
        {R::IcuFetchNotText, "icu.fetch_not_text", "docs/isa.md 3.2", "Ifetch read bytes that are not assembly text"},
        {R::IcuFetchInvalid, "icu.fetch_invalid", "docs/isa.md 3.2",
         "Ifetch text that is not an instruction block for its queue"},
        {R::IcuFetchLimit, "icu.fetch_limit", "docs/isa.md 3.2", "more than 8,388,608 fetched instructions in one run"},
        {R::IcuDeskewMissing, "icu.deskew_missing", "docs/isa.md 3.7",
         "RuntimeDeskew with no Deskew before it in its queue"},
        {R::IcuDeskewBehind, "icu.deskew_behind", "docs/isa.md 3.7",
         "the chip's clock fell behind the aligned counter by more than a RuntimeDeskew's slack"},
        {R::RepeatOutOfRange, "icu.repeat_out_of_range", "docs/isa.md 3.2",
         "a repetition stepped an address or row out of range"},
        {R::WrongSlice, "icu.wrong_slice", "docs/isa.md 3.1", "an instruction reached a slice kind that lacks it"},
        {R::C2cNotConnected, "c2c.not_connected", "docs/isa.md 3.6", "Send on a link that leads to no chip"},
        {R::C2cLinkBusy, "c2c.link_busy", "docs/isa.md 3.6", "Send while the link still carries the previous vector"},
        {R::C2cNothingArrived, "c2c.nothing_arrived", "docs/isa.md 3.6", "Receive before any vector has arrived"},
        {R::C2cPoisoned, "c2c.poisoned", "docs/link-errors.md",
         "Receive of a vector an uncorrectable FEC codeword touched (link errors: fail)"},
        {R::C2cReceiveWindow, "c2c.receive_window", "docs/isa.md 3.6",
         "an arrived vector no Receive took within the receive window"},
        {R::C2cNeverReceived, "c2c.never_received", "docs/isa.md 3.6", "the run ended with a vector never received"},
        {R::MemEccUncorrectable, "mem.ecc_uncorrectable", "docs/faults.md",
         "an SRAM read with an error its ECC detects but cannot correct (SRAM faults: fail)"},
    };
    for (size_t i = 0; i < t.size(); ++i)
        if (static_cast<size_t>(t[i].rule) != i)
            throw std::logic_error("schedule rule table out of order at " + std::string(t[i].name));
    if (t.size() != static_cast<size_t>(kLastScheduleRule) + 1)
        throw std::logic_error("schedule rule table misses a rule");
    return t;
}

}  // namespace

const std::vector<ScheduleRuleInfo>& schedule_rules()
{
    static const std::vector<ScheduleRuleInfo> t = make_rules();
    return t;
}

const ScheduleRuleInfo& schedule_rule_info(ScheduleRule rule) { return schedule_rules().at(static_cast<size_t>(rule)); }

}  // namespace lpu
