#include "CoverageBins.h"

#include "models/common/ScheduleRule.h"
#include "models/isa/OpcodeTable.h"
#include "models/isa/SxmOp.h"
#include "models/isa/VxmAluOp.h"
#include "models/spec/ChipSpec.h"

#include <cstdio>
#include <stdexcept>

namespace lpu {

namespace {

std::vector<CoverageLabel> numbered(unsigned n, const std::string& prefix)
{
    std::vector<CoverageLabel> v;
    for (unsigned i = 0; i < n; ++i)
        v.push_back({prefix + std::to_string(i), prefix + std::to_string(i)});
    return v;
}

// Groups of kCoverageStreamGroup streams, labelled by their nominal range ("s28-31") whatever
// the config's count, so the same bin has the same name in every config.
std::vector<CoverageLabel> stream_groups(unsigned streams)
{
    std::vector<CoverageLabel> v;
    for (unsigned first = 0; first < streams; first += kCoverageStreamGroup) {
        const std::string label = "s" + std::to_string(first) + "-" + std::to_string(first + kCoverageStreamGroup - 1);
        v.push_back({label, label});
    }
    return v;
}

std::vector<CoverageLabel> vxm_ops()
{
    std::vector<CoverageLabel> v;
    for (unsigned b = 0; b < kVxmBinaryOps; ++b) {
        const std::string name = vxm_op_name(static_cast<VxmBinaryOp>(b));
        v.push_back({name, name});
    }
    for (unsigned u = 0; u < kVxmUnaryOps; ++u) {
        const std::string name = vxm_op_name(static_cast<VxmUnaryOp>(u));
        v.push_back({name, name});
    }
    v.push_back({"convert", "convert"});
    v.push_back({"requant", "requant"});
    return v;
}

// "{}" takes the next value, "{N}" value N.
std::string fill(const std::string& pattern, const std::vector<const CoverageLabel*>& values, bool text)
{
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        const size_t close = pattern.find('}', i);
        const std::string inside = pattern.substr(i + 1, close - i - 1);
        const size_t k = inside.empty() ? next++ : std::stoul(inside);
        out += text ? values.at(k)->text : values.at(k)->label;
        i = close;
    }
    return out;
}

uint64_t fnv1a(uint64_t h, const std::string& s)
{
    constexpr uint64_t kPrime = 1099511628211ull;
    for (unsigned char c : s + '\x1f')
        h = (h ^ c) * kPrime;
    return h;
}

}  // namespace

CoverageGeometry CoverageGeometry::of(const ChipSpec& spec)
{
    CoverageGeometry g;
    g.planes = spec.mxm.planes;
    g.slots = spec.mxm.acc_slots;
    g.superlanes = spec.chip.superlanes;
    g.east = spec.stream.east;
    g.west = spec.stream.west;
    return g;
}

std::vector<CoverageLabel> CoverageBins::values(CoverageDomain d, const CoverageGeometry& g)
{
    std::vector<CoverageLabel> v;
    switch (d) {
    case CoverageDomain::Opcode:
        for (const OpcodeInfo& o : opcode_table())
            v.push_back({o.mnemonic, o.mnemonic});
        return v;
    case CoverageDomain::VxmOp: return vxm_ops();
    case CoverageDomain::SxmOp:
        for (unsigned k = 0; k < SxmOp::kKinds; ++k) {
            const std::string name = sxm_kind_name(static_cast<SxmOp::Kind>(k));
            v.push_back({name, name});
        }
        return v;
    case CoverageDomain::Rule:
        for (const ScheduleRuleInfo& r : schedule_rules())
            v.push_back({r.name, std::string(r.name) + " (" + r.text + ", " + r.where + ")"});
        return v;
    case CoverageDomain::Plane: return numbered(g.planes, "");
    case CoverageDomain::Slot: return numbered(g.slots, "");
    case CoverageDomain::Superlane: return numbered(g.superlanes, "s");
    case CoverageDomain::EastGroup: return stream_groups(g.east);
    case CoverageDomain::WestGroup: return stream_groups(g.west);
    default:
        for (const CoverageValue& f : coverage_fixed_values(d))
            v.push_back({f.label, f.text});
        return v;
    }
}

CoverageBins::CoverageBins(const CoverageGeometry& geometry) : geometry_(geometry)
{
    for (const CoverageFamily& f : coverage_families()) {
        const size_t id = static_cast<size_t>(f.id);
        if (f.domains.empty() || f.domains.size() > 2)
            throw std::logic_error(std::string("coverage family ") + f.pattern + ": one or two domains");
        const std::vector<CoverageLabel> a = values(f.domains[0], geometry_);
        const std::vector<CoverageLabel> b =
            f.domains.size() > 1 ? values(f.domains[1], geometry_) : std::vector<CoverageLabel>{{"", ""}};
        base_[id] = bins_.size();
        stride_[id] = b.size();
        for (unsigned i = 0; i < a.size(); ++i)
            for (unsigned j = 0; j < b.size(); ++j) {
                std::vector<const CoverageLabel*> vals = {&a[i]};
                std::vector<unsigned> at = {i};
                if (f.domains.size() > 1) {
                    vals.push_back(&b[j]);
                    at.push_back(j);
                }
                bins_.push_back(
                    CoverageBin{fill(f.pattern, vals, false), f.id, at, fill(f.description, vals, true), ""});
            }
    }
    for (const CoverageUnreachable& u : coverage_unreachable()) {
        const size_t i = find(u.bin);
        if (i == bins_.size())
            throw std::logic_error(std::string("coverage table: unreachable bin ") + u.bin + " is no bin");
        bins_[i].unreachable = u.reason;
    }
}

size_t CoverageBins::find(const std::string& name) const
{
    for (size_t i = 0; i < bins_.size(); ++i)
        if (bins_[i].name == name)
            return i;
    return bins_.size();
}

std::string CoverageBins::table_hash()
{
    constexpr uint64_t kOffset = 14695981039346656037ull;
    uint64_t h = kOffset;
    const CoverageGeometry none;
    for (const CoverageFamily& f : coverage_families()) {
        for (const char* s : {f.group, f.pattern, f.description, f.how})
            h = fnv1a(h, s);
        for (CoverageDomain d : f.domains) {
            h = fnv1a(fnv1a(h, coverage_domain_name(d)), coverage_domain_param(d));
            if (!coverage_domain_is_geometric(d))
                for (const CoverageLabel& v : values(d, none))
                    h = fnv1a(fnv1a(h, v.label), v.text);
        }
    }
    for (const CoverageUnreachable& u : coverage_unreachable())
        h = fnv1a(fnv1a(h, u.bin), u.reason);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return std::string("fnv1a64:") + hex;
}

}  // namespace lpu
