#include "CoverageFile.h"

#include "models/common/Error.h"
#include "models/common/Json.h"
#include "models/common/Npy.h"

#include <sstream>

namespace lpu {

void CoverageFile::add(const CoverageBins& bins, const std::vector<uint64_t>& hits)
{
    if (hits.size() != bins.size())
        throw std::logic_error("coverage: " + std::to_string(hits.size()) + " hit counts for " +
                               std::to_string(bins.size()) + " bins");
    for (size_t i = 0; i < hits.size(); ++i) {
        const CoverageBin& b = bins.bins()[i];
        Entry& e = bins_[Key{static_cast<unsigned>(b.family), b.at}];
        if (e.name.empty()) {
            e.name = b.name;
            e.description = b.description;
            e.unreachable = b.unreachable;
        }
        e.hits += hits[i];
    }
}

void CoverageFile::record_schedule_error(ScheduleRule rule)
{
    auto it = bins_.find(Key{static_cast<unsigned>(CoverageFamilyId::Error), {static_cast<unsigned>(rule)}});
    if (it == bins_.end())
        throw std::logic_error("coverage: a schedule error recorded before any bins were added");
    ++it->second.hits;
}

uint64_t CoverageFile::hits(const std::string& bin) const
{
    for (const auto& [key, e] : bins_)
        if (e.name == bin)
            return e.hits;
    return 0;
}

std::string CoverageFile::json() const
{
    std::ostringstream os;
    os << "{\n  \"format\": \"lpusim-coverage\",\n  \"version\": " << kCoverageFormatVersion << ",\n";
    os << "  \"table_hash\": \"" << CoverageBins::table_hash() << "\",\n";
    os << "  \"runs\": 1,\n  \"sources\": [";
    for (size_t i = 0; i < sources_.size(); ++i)
        os << (i ? ", " : "") << "\"" << json_escape(sources_[i]) << "\"";
    os << "],\n  \"families\": [";
    const auto& families = coverage_families();
    for (size_t f = 0; f < families.size(); ++f) {
        const CoverageFamily& fam = families[f];
        os << (f ? ",\n" : "\n") << "    {\"id\": " << f << ", \"group\": \"" << fam.group << "\", \"pattern\": \""
           << fam.pattern << "\", \"domains\": [";
        for (size_t d = 0; d < fam.domains.size(); ++d)
            os << (d ? ", " : "") << "\"" << coverage_domain_name(fam.domains[d]) << "\"";
        os << "], \"values\": [";
        for (size_t d = 0; d < fam.domains.size(); ++d) {
            os << (d ? ", " : "");
            if (coverage_domain_is_geometric(fam.domains[d])) {  // as many as the config has
                os << "\"" << coverage_domain_param(fam.domains[d]) << "\"";
                continue;
            }
            const std::vector<CoverageLabel> values = CoverageBins::values(fam.domains[d], CoverageGeometry{});
            os << "[";
            for (size_t v = 0; v < values.size(); ++v)
                os << (v ? ", " : "") << "\"" << json_escape(values[v].label) << "\"";
            os << "]";
        }
        os << "], \"description\": \"" << json_escape(fam.description) << "\", \"how\": \"" << json_escape(fam.how)
           << "\"}";
    }
    os << "\n  ],\n  \"bins\": [";
    bool first = true;
    for (const auto& [key, e] : bins_) {
        os << (first ? "\n" : ",\n") << "    {\"name\": \"" << e.name << "\", \"family\": " << key.first
           << ", \"at\": [";
        for (size_t k = 0; k < key.second.size(); ++k)
            os << (k ? ", " : "") << key.second[k];
        os << "], \"hits\": " << e.hits << ", \"description\": \"" << json_escape(e.description) << "\"";
        if (!e.unreachable.empty())
            os << ", \"unreachable\": \"" << json_escape(e.unreachable) << "\"";
        os << "}";
        first = false;
    }
    os << "\n  ]\n}\n";
    return os.str();
}

void CoverageFile::write(const std::string& path) const { write_file_atomic(path, json()); }

std::string CoverageFile::encode(const std::vector<uint64_t>& hits)
{
    std::string out;
    for (uint64_t h : hits)
        out += std::to_string(h) + " ";
    return out;
}

std::vector<uint64_t> CoverageFile::decode(const std::string& text, size_t bins)
{
    std::istringstream is(text);
    std::vector<uint64_t> hits;
    uint64_t h = 0;
    while (is >> h)
        hits.push_back(h);
    if (hits.size() != bins)
        throw std::logic_error("coverage: " + std::to_string(hits.size()) + " hit counts received for " +
                               std::to_string(bins) + " bins");
    return hits;
}

}  // namespace lpu
