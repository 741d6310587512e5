// `--coverage FILE.json` of `lpusim run` (a chip, or every chip of a system) and `lpusim cosim
// mxm` (docs/coverage.md): a coverage collector per chip, installed only when asked for, and
// the coverage file written after the run however it ended, with the rule of the schedule
// error that stopped it. A system's chips are added in chip order, gathered from every rank
// to rank 0: the same bytes on any number of threads and ranks.
#pragma once

#include "models/mxm/MxmObserverFanout.h"
#include "models/spec/ChipSpec.h"
#include "tb/coverage/CoverageCollector.h"
#include "tb/coverage/CoverageFile.h"

#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace lpu {

class SystemSession;

class RunCoverage {
public:
    // `path` is checked writable now (InputError otherwise; empty on a rank that does not write
    // it); `source` says what ran.
    RunCoverage(std::string path, std::string source);

    // Chip `chip`'s collector, made for `spec` on first use.
    CoverageCollector& collector(size_t chip, const ChipSpec& spec);
    // Chip `chip`'s MXM observer: its collector, with `other` (the co-simulation; may be null).
    MxmObserver* mxm(size_t chip, MxmObserver* other);

    // After a run in one process: adds every collector, records the rule if `error` (may be
    // null) is a ScheduleError, and writes the file.
    void write(std::exception_ptr error);
    // After a system run that started, on every rank: rank 0 gathers the chips' counts of
    // every rank, adds them in chip order, records the rule and writes the file.
    void write_system(SystemSession& session, std::exception_ptr error);

private:
    void record(CoverageFile& file, std::exception_ptr error) const;

    std::string path_, source_;
    std::vector<std::unique_ptr<CoverageCollector>> collectors_;  // by chip; null: not here
    std::vector<std::unique_ptr<MxmObserverFanout>> fanouts_;
};

}  // namespace lpu
