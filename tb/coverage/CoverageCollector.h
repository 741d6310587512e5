// Functional coverage of one chip's run (docs/coverage.md), counted from the observation ports
// only: ChipObserver (every issue, release and stream value) and MxmObserver (every MXM
// instruction with its operand vector, what each ACC did, every result). It counts hits of the
// bins of CoverageTable.h expanded for the chip's config; a run that stops on a schedule error
// adds that rule's bin (record_schedule_error). Installed only when coverage is asked for, so a
// run without it pays nothing. One collector per chip; a chip runs on one thread at a time.
#pragma once

#include "models/exec/ChipObserver.h"
#include "models/mxm/MxmObserver.h"
#include "models/spec/ChipSpec.h"
#include "tb/coverage/CoverageBins.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace lpu {

class CoverageCollector final : public ChipObserver, public MxmObserver {
public:
    explicit CoverageCollector(const ChipSpec& spec);

    const CoverageBins& bins() const { return bins_; }
    const std::vector<uint64_t>& hits() const { return hits_; }
    uint64_t hits(const std::string& bin) const;  // by name (tests, reports); 0 for no such bin
    // The run stopped on a schedule error of `rule`.
    void record_schedule_error(ScheduleRule rule);

    // ChipObserver: the ISA and the streams.
    void begin(const QueueMap& queues, const Program& program) override;
    void on_issue(size_t q, size_t index, const Instr& in, int64_t offset, uint64_t cycle) override;
    void on_release(size_t q, uint64_t cycle) override;
    void on_stream_write(StreamId s, unsigned position, uint64_t cycle, const Vector& value) override;
    void end(uint64_t) override {}
    void on_error(uint64_t, const std::string&) override {}

    // MxmObserver: the planes. Without begin() (cosim mxm: a plane alone) the plane's
    // instructions also count as their ISA opcodes.
    void on_issue(unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len) override;
    void on_accumulate(unsigned plane, const MxmAccumulate& acc) override;
    void on_result(unsigned plane, const MxmResult& result) override;
    void advance(uint64_t) override {}
    // Products still untaken at the end count as dropped.
    void finish(uint64_t last_cycle) override;

private:
    // What an install holds: nothing written since reset, i8 rows, u8 rows, both, f16 rows.
    enum class WeightSet : uint8_t { Zero, I8, U8, Mixed, F16 };
    static constexpr int8_t kNoRow = -1;
    struct Product {
        uint64_t cycle;  // of its ABC
        MxmType type;
        bool taken;
    };
    struct Plane {
        // Per shadow row: the type of the last LW (kNoRow: never), its cycle, the type before it.
        std::vector<int8_t> row_type, row_prev;
        std::vector<uint64_t> row_cycle;
        std::vector<uint64_t> loaded_at;  // an LW since the last IW, its cycle; kNever: none
        bool has_iw = false;
        uint64_t iw_cycle = 0;
        WeightSet active = WeightSet::Zero, pending = WeightSet::Zero, last_install = WeightSet::Zero;
        bool has_pending = false;
        bool has_abc = false;
        uint64_t last_abc = 0;
        MxmType last_abc_type = MxmType::I8;
        bool has_fp_abc = false;
        uint64_t fp_abc = 0;
        bool has_emit = false;
        uint64_t last_emit = 0;
        std::deque<Product> products;  // ABCs whose ACC cycle has not passed
    };
    static constexpr uint64_t kNever = ~uint64_t{0};

    void hit(size_t bin) { ++hits_[bin]; }
    void hit(CoverageFamilyId f, unsigned a) { ++hits_[bins_.index(f, a)]; }
    void hit(CoverageFamilyId f, unsigned a, unsigned b) { ++hits_[bins_.index(f, a, b)]; }
    void lw(Plane& p, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    void iw(Plane& p, uint64_t cycle);
    void abc(Plane& p, unsigned plane, const MxmInstr& in, uint64_t cycle, const uint8_t* data, size_t len);
    void operand(CoverageOperandRole role, MxmType type, const uint8_t* data, size_t len);
    static uint32_t byte_classes(MxmType type, const uint8_t* data, size_t len);
    void stagger(CoverageStaggerPort port, const uint8_t* data, size_t len);
    WeightSet install_set(const Plane& p, uint64_t cycle) const;
    void retire(Plane& p, uint64_t cycle);

    MxmParams mxm_;
    CoverageBins bins_;
    std::vector<uint64_t> hits_;
    std::vector<Plane> planes_;
    // The ISA side: per queue, its kind, the last index it issued and its Iterations register.
    bool chip_fed_ = false;
    std::vector<QueueKind> kinds_;
    std::vector<size_t> last_index_;
    std::vector<int64_t> iterations_;
};

}  // namespace lpu
