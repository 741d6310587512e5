// Stimulus for the MXM plane: legal programs (docs/isa.md 1.3) generated cycle by cycle from a
// seed, random or directed. The same kind, parameters and seed always give the same program.
#pragma once

#include "models/common/Rng.h"
#include "models/mxm/MxmInstr.h"
#include "models/spec/MxmParams.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace lpu {

struct MxmOp {
    uint64_t cycle = 0;
    MxmInstr instr;
    std::vector<uint8_t> data;  // operand vector (LW: N bytes, ABC: K bytes)
};

class MxmStimulus {
public:
    // Names accepted by `--stimulus`, with a one-line description each.
    static const std::vector<std::pair<std::string, std::string>>& kinds();

    // Throws InputError for an unknown kind.
    MxmStimulus(const MxmParams& params, const std::string& kind, uint64_t seed, uint64_t ops);

    // Appends the instructions of the next cycle that has any (in a shuffled order within the
    // cycle: the model must not depend on it). Returns false when `ops` instructions are out.
    bool next_cycle(std::vector<MxmOp>& out);

    uint64_t issued() const { return issued_; }

private:
    enum class Kind { Random, Zeros, Identity, MinNeg, Uint8Extremes, WeightSwap, Dense };
    enum class Fill { Random, Zeros, Identity, MinNeg, Max, Mixed };

    struct Issues {
        bool iw = false, lw = false, abc = false, acc = false;
    };
    // Draws the next phase's policy in cycle c; true if it starts with an idle gap.
    bool new_phase(uint64_t c);
    // What issues in cycle c (the MXM rules of docs/isa.md 1.3 respected).
    Issues decide(uint64_t c);
    MxmOp& add(std::vector<MxmOp>& out, uint64_t c, MxmInstr in);
    void add_acc(std::vector<MxmOp>& out, uint64_t c);
    void add_iw(std::vector<MxmOp>& out, uint64_t c);
    void add_lw(std::vector<MxmOp>& out, uint64_t c);
    void add_abc(std::vector<MxmOp>& out, uint64_t c);
    // May change `type` between i8 and u8 to suit the fill; never picks f16 (the RTL is int8-only).
    void fill_vector(std::vector<uint8_t>& v, Fill fill, uint32_t row, MxmType& type);
    bool want(uint64_t num, uint64_t den) { return rng_.chance(num, den); }

    MxmParams p_;
    Kind kind_;
    Rng rng_;
    uint64_t ops_;
    uint64_t issued_ = 0;
    uint64_t cycle_ = 0;
    bool has_iw_ = false;
    uint64_t iw_cycle_ = 0;
    uint32_t next_row_ = 0;
    uint32_t rows_loaded_ = 0;         // LWs since the last IW
    std::deque<uint64_t> abc_cycles_;  // recent ABC issue cycles, for the ACC that takes them
    std::vector<bool> slot_set_;
    // Per-phase policy (probabilities out of 16), redrawn now and then so one run sees dense
    // bursts, sparse stretches and idle gaps.
    unsigned p_abc_ = 8, p_lw_ = 8, p_acc_ = 12, p_emit_ = 10;
    uint64_t phase_end_ = 0;
};

}  // namespace lpu
