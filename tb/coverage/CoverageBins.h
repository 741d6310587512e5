// The coverage table (CoverageTable.h) expanded for one chip config: every bin with its name,
// family, domain values, description and, for the bins no run reaches, the reason. Geometric
// domains (planes, slots, superlanes, stream groups) take their sizes from the config; every
// other bin is the same for every config, and the table's hash covers exactly those.
#pragma once

#include "tb/coverage/CoverageTable.h"

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace lpu {

struct ChipSpec;

// The sizes of the geometric domains.
struct CoverageGeometry {
    unsigned planes = 0, slots = 0, superlanes = 0, east = 0, west = 0;

    static CoverageGeometry of(const ChipSpec& spec);
};

// A domain value as bins use it: its label in names, its text in descriptions.
struct CoverageLabel {
    std::string label, text;
};

struct CoverageBin {
    std::string name;
    CoverageFamilyId family = CoverageFamilyId::IsaOp;
    std::vector<unsigned> at;  // its value in each of the family's domains
    std::string description;
    std::string unreachable;  // empty: reachable
};

class CoverageBins {
public:
    explicit CoverageBins(const CoverageGeometry& geometry);

    const CoverageGeometry& geometry() const { return geometry_; }
    const std::vector<CoverageBin>& bins() const { return bins_; }
    size_t size() const { return bins_.size(); }
    // The bin of family `f` at value `a` of its one domain, or (a, b) of its two.
    size_t index(CoverageFamilyId f, unsigned a) const { return base_[static_cast<size_t>(f)] + a; }
    size_t index(CoverageFamilyId f, unsigned a, unsigned b) const
    {
        return base_[static_cast<size_t>(f)] + size_t{a} * stride_[static_cast<size_t>(f)] + b;
    }
    // The bin called `name`, or size() if none.
    size_t find(const std::string& name) const;

    // A domain's values for a geometry: labels (in bin names) and texts (in descriptions).
    static std::vector<CoverageLabel> values(CoverageDomain d, const CoverageGeometry& g);
    // "fnv1a64:<16 hex digits>" of every family row, every non-geometric domain's labels and
    // every unreachable row: files with equal hashes have the same bins (up to geometry).
    static std::string table_hash();

private:
    static constexpr size_t kFamilies = static_cast<size_t>(CoverageFamilyId::Error) + 1;
    CoverageGeometry geometry_;
    std::vector<CoverageBin> bins_;
    std::array<size_t, kFamilies> base_{}, stride_{};
};

}  // namespace lpu
