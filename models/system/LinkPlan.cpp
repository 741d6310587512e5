#include "LinkPlan.h"

#include "models/common/Error.h"
#include "models/common/Json.h"
#include "models/spec/Floorplan.h"

#include <sstream>

namespace lpu {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

std::string json_value(const ParamValue& v)
{
    if (const std::string* s = std::get_if<std::string>(&v))
        return "\"" + json_escape(*s) + "\"";
    return format_param_value(v);
}

// Every parameter under the chip node, by its path below it ("mem.read_latency").
void write_params(std::ostream& os, const ChipSpec& cs)
{
    const std::string prefix = cs.path + ".";
    const char* sep = "";
    os << "{";
    for (const Config::Entry& e : cs.config->entries()) {
        if (e.spec.path.compare(0, prefix.size(), prefix) != 0)
            continue;
        os << sep << "\"" << json_escape(e.spec.path.substr(prefix.size())) << "\": " << json_value(e.value);
        sep = ", ";
    }
    os << "}";
}

void write_types(std::ostream& os, const SystemSpec& spec)
{
    os << "  \"types\": [";
    for (size_t t = 0; t < spec.types.size(); ++t) {
        const ChipSpec& cs = spec.types[t].spec;
        os << (t ? "," : "") << "\n    {\"name\": \"" << json_escape(spec.types[t].name)
           << "\", \"period_ps\": " << cs.chip.period_ps() << ",\n     \"params\": ";
        write_params(os, cs);
        os << ",\n     \"slices\": {";
        const Floorplan fp(cs.mxm.planes, cs.mem.slices, cs.c2c.links > 0);
        for (const SliceInfo& s : fp.slices())
            os << (s.position ? ", " : "") << "\"" << s.name << "\": " << s.position;
        os << "}}";
    }
    os << "\n  ],\n";
}

void write_chips(std::ostream& os, const SystemSpec& spec, const std::vector<ChipClock>& clocks)
{
    os << "  \"chips\": [";
    for (size_t i = 0; i < spec.chips.size(); ++i) {
        const SystemChip& c = spec.chips[i];
        os << (i ? "," : "") << "\n    {\"name\": \"" << json_escape(c.name) << "\", \"type\": \""
           << json_escape(spec.types[c.type].name) << "\", \"ppm\": " << format_param_value(c.ppm + 0.0)  // no -0
           << ", \"period_fs\": " << clocks[i].period_fs << ", \"start_offset_ps\": " << clocks[i].offset_ps << "}";
    }
    os << "\n  ],\n";
}

void write_direction(std::ostream& os, const SystemSpec& spec, const DirectionPlan& d)
{
    os << "{\"from\": \"" << json_escape(spec.chips[d.from.chip].name) << "\", \"from_port\": " << d.from.port
       << ", \"to\": \"" << json_escape(spec.chips[d.to.chip].name) << "\", \"to_port\": " << d.to.port
       << ", \"vector_bytes\": " << d.vector_bytes << ", \"line_bits\": " << d.timing.line_bits
       << ", \"serialise_ps\": " << d.timing.serialise_ps << ", \"latency_ps\": " << d.timing.latency_ps
       << ", \"busy_cycles\": " << d.busy_cycles << "}";
}

void write_links(std::ostream& os, const SystemSpec& spec, const std::vector<ChipClock>& clocks)
{
    os << "  \"links\": [";
    for (size_t l = 0; l < spec.links.size(); ++l) {
        const LinkParams& p = spec.links[l].params;
        os << (l ? "," : "") << "\n    {\"index\": " << l << ", \"cable_latency\": " << p.cable_latency
           << ", \"serdes_latency\": " << p.serdes_latency << ", \"fec_latency\": " << p.fec_latency
           << ", \"framing_overhead\": " << format_param_value(p.framing_overhead) << ", \"fec\": \""
           << json_escape(p.fec) << "\", \"ber\": " << format_param_value(p.ber) << ",\n     \"directions\": [";
        for (unsigned dir = 0; dir < 2; ++dir) {
            os << (dir ? ",\n       " : "");
            write_direction(os, spec, plan_direction(spec, clocks, l, dir));
        }
        os << "]}";
    }
    os << "\n  ]\n";
}

}  // namespace

std::vector<ChipClock> system_clocks(const SystemSpec& spec)
{
    std::vector<ChipClock> clocks;
    for (size_t i = 0; i < spec.chips.size(); ++i)
        clocks.push_back(ChipClock::of(spec.chip_spec(static_cast<unsigned>(i)).chip.clock_mhz, spec.chips[i].ppm,
                                       spec.chips[i].start_offset_ps));
    return clocks;
}

DirectionPlan plan_direction(const SystemSpec& spec, const std::vector<ChipClock>& clocks, size_t link, unsigned dir)
{
    const SystemLink& l = spec.links.at(link);
    DirectionPlan d;
    d.from = dir == 0 ? l.a : l.b;
    d.to = dir == 0 ? l.b : l.a;
    d.vector_bytes = spec.chip_spec(d.from.chip).mem.word_bytes();
    if (spec.chip_spec(d.to.chip).mem.word_bytes() != d.vector_bytes)
        throw InputError(l.pos.text() + ": link " + std::to_string(link) + " joins chips of different vector widths");
    d.timing = LinkTiming::of(spec.chip_spec(d.from.chip), l.params, d.vector_bytes);
    d.busy_cycles = ceil_div(d.timing.serialise_ps * 1000, clocks.at(d.from.chip).period_fs);
    return d;
}

std::string link_plan_json(const SystemSpec& spec, const std::string& source)
{
    const std::vector<ChipClock> clocks = system_clocks(spec);
    std::ostringstream os;
    os << "{\n  \"system\": \"" << json_escape(spec.name) << "\",\n  \"source\": \"" << json_escape(source)
       << "\",\n  \"seed\": " << spec.seed << ",\n  \"topology\": {\"kind\": \"" << spec.topology.kind
       << "\", \"chips_per_node\": " << spec.topology.chips_per_node
       << ", \"nodes_per_rack\": " << spec.topology.nodes_per_rack << ", \"racks\": " << spec.topology.racks << "},\n";
    write_types(os, spec);
    write_chips(os, spec, clocks);
    write_links(os, spec, clocks);
    os << "}\n";
    return os.str();
}

}  // namespace lpu
