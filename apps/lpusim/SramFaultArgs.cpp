#include "SramFaultArgs.h"

#include "models/common/Error.h"

#include <sstream>

namespace lpu {

void add_sram_fault_options(ArgParser& ap, bool targeted)
{
    ap.add_option("sram-faults", "KEY=VALUE,...",
                  "inject SRAM bit upsets (docs/faults.md): rate=R (per stored bit per cycle, default 0), seed=N "
                  "(default 1), policy=fail|poison (a detected uncorrectable read: stop naming slice, word and "
                  "cycle, or deliver it and count; default fail); the chip's ECC is chip.mem.ecc; counters in "
                  "--stats under sram_faults");
    if (targeted)
        ap.add_repeatable("sram-flip", "SLICE:WORD:BITS[@CYCLE]",
                          "flip stored bits of word WORD of MEM slice SLICE from cycle CYCLE (default 0) on: BITS is "
                          "BIT[+BIT...], a data bit of the word (8 x lane + bit) or cE.J (check bit J of ECC word E)");
}

std::optional<SramFaultParams> sram_faults_from(const ArgParser& ap, const MemParams& mem)
{
    const std::vector<std::string> flips = ap.get_all("sram-flip");
    if (!ap.has("sram-faults") && flips.empty())
        return std::nullopt;
    try {
        // Flips alone: every key at its declared default (rate 0).
        SramFaultParams f = SramFaultParams::parse(ap.has("sram-faults") ? ap.get("sram-faults") : "rate=0");
        for (const std::string& text : flips)
            f.flips.push_back(SramFlip::parse(text, mem));
        return f;
    } catch (const InputError& e) {
        throw UsageError(e.what());
    }
}

std::string sram_fault_report(const EccParams& ecc, const std::vector<SramFaultCounters>& per_slice)
{
    SramFaultCounters t;
    for (const SramFaultCounters& c : per_slice)
        t += c;
    std::ostringstream os;
    os << "SRAM faults (ECC " << ecc.text() << "): " << t.words_read << " ECC words read, " << t.words_with_errors
       << " with flipped bits (" << t.bits_flipped << " bits): " << t.corrected << " corrected, " << t.detected
       << " detected uncorrectable, " << t.silent() << " silent (" << t.miscorrected << " miscorrected, "
       << t.undetected << " undetected)";
    return os.str();
}

}  // namespace lpu
