// A coverage file (`--coverage FILE.json`, docs/coverage.md): the bins of one run or of several
// merged, each with its hit count, the table's hash (merging refuses files of another table),
// the families the bins belong to, and what ran. Several collectors (the chips of a system,
// possibly of several configs) add into one file: bins of the same family and values add up, a
// bin only some configs have is kept. The text depends only on what was added, in that order
// for the sources, so a run gives the same bytes on any number of threads or ranks.
#pragma once

#include "models/common/ScheduleRule.h"
#include "tb/coverage/CoverageBins.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lpu {

// The file format's version (its "version" key); scripts/coverage.py reads this format.
constexpr unsigned kCoverageFormatVersion = 1;

class CoverageFile {
public:
    // Adds `hits` (one per bin of `bins`).
    void add(const CoverageBins& bins, const std::vector<uint64_t>& hits);
    // What ran ("run configs/tiny.yaml p.s"), in order.
    void add_source(const std::string& text) { sources_.push_back(text); }
    // The run stopped on a schedule error of `rule` (once per run, whichever chip met it).
    void record_schedule_error(ScheduleRule rule);
    uint64_t hits(const std::string& bin) const;

    std::string json() const;
    // Writes json() to `path` atomically. Throws InputError.
    void write(const std::string& path) const;

    // Hits of `bins` as text and back, to move a chip's counts between ranks.
    static std::string encode(const std::vector<uint64_t>& hits);
    static std::vector<uint64_t> decode(const std::string& text, size_t bins);

private:
    using Key = std::pair<unsigned, std::vector<unsigned>>;  // family, values
    struct Entry {
        std::string name, description, unreachable;
        uint64_t hits = 0;
    };
    std::map<Key, Entry> bins_;
    std::vector<std::string> sources_;
};

}  // namespace lpu
