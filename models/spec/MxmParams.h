// Parameters of one MXM plane, resolved from the chip config. The same values parameterise the
// C++ model, the RTL (tb/mxm/rtl_params.cpp turns them into Verilator -G flags) and the
// timing rules of docs/isa.md section 1.
#pragma once

#include <string>
#include <vector>

namespace lpu {

class ParamNode;
struct ChipParams;

struct MxmParams {
    unsigned superlanes = 0;           // S
    unsigned lanes_per_superlane = 0;  // G
    unsigned planes = 0;
    unsigned rows = 0;                    // K
    unsigned cols = 0;                    // N
    unsigned acc_slots = 0;               // J
    unsigned install_rows_per_cycle = 0;  // Q
    unsigned array_latency = 0;           // A
    unsigned acc_latency = 0;             // R
    // Cycles an fp16 ABC occupies the activation port (docs/isa.md 1.5): fp16 runs at
    // 1/fp16_issue_interval of the int8 MAC rate. Not an RTL parameter (the RTL is int8-only).
    unsigned fp16_issue_interval = 0;

    unsigned install_cycles() const { return (rows + install_rows_per_cycle - 1) / install_rows_per_cycle; }
    // Issue of an ACC to chunk 0 of its result (docs/isa.md 1.2).
    unsigned result_latency() const { return superlanes + acc_latency; }
    unsigned chunk_of_lane(unsigned lane) const { return lane / lanes_per_superlane; }

    // "name=value" pairs in RTL parameter order, for messages and the RTL parameter check.
    std::vector<std::pair<std::string, unsigned>> rtl_parameters() const;
    std::string summary() const;

    // Declares and reads the `mxm` node of a chip whose geometry is `chip`.
    static MxmParams read(ParamNode& n, const ChipParams& chip);
};

}  // namespace lpu
