#include "ChipInfo.h"

#include "models/common/Json.h"
#include "models/spec/ChipSpec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace lpu {

namespace {
// `v` as the shortest of %.15g, %.16g, %.17g that reads back to it exactly: parameters in a
// formula's text (25.78125 Gb/s, not 25.7812) and values in JSON.
std::string n(double v)
{
    char buf[32];
    for (int digits = 15; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    return buf;
}

std::string scaled(double v, const std::string& unit)
{
    const bool binary = unit == "B";  // capacities in MiB/GiB, rates in decimal prefixes
    const double k = binary ? 1024.0 : 1000.0;
    static const char* prefixes[] = {"", "K", "M", "G", "T", "P"};
    int i = 0;
    while (std::fabs(v) >= k && i < 5) {
        v /= k;
        ++i;
    }
    std::ostringstream os;
    os << std::fixed
       << std::setprecision(v < 10    ? 3
                            : v < 100 ? 2
                                      : 1)
       << v << " " << prefixes[i] << (binary && i ? "i" : "") << unit;
    return os.str();
}
}  // namespace

std::vector<ChipFigure> chip_figures(const ChipSpec& spec)
{
    const ChipParams& chip = spec.chip;
    const MxmParams& mxm = spec.mxm;
    const MemParams& mem = spec.mem;
    const StreamParams& st = spec.stream;
    const C2cParams& c2c = spec.c2c;
    const double hz = chip.clock_mhz * 1e6;
    const double macs = double(mxm.planes) * mxm.rows * mxm.cols;
    const double vec = mem.word_bytes();
    std::vector<ChipFigure> f;
    f.push_back({"clock", hz, "Hz", "chip.clock_mhz"});
    f.push_back({"lanes", double(chip.lanes()), "lanes",
                 n(chip.superlanes) + " superlanes x " + n(chip.lanes_per_superlane) + " lanes"});
    f.push_back({"peak_int8", 2 * macs * hz, "ops/s",
                 n(mxm.planes) + " MXM planes x " + n(mxm.rows) + " x " + n(mxm.cols) + " MACs x 2 ops x clock"});
    // An fp16 ABC holds the activation port for fp16_issue_interval cycles (docs/isa.md 1.5).
    f.push_back({"peak_fp16", 2 * macs * hz / mxm.fp16_issue_interval, "FLOP/s",
                 "peak_int8 / chip.mxm.fp16_issue_interval (" + n(mxm.fp16_issue_interval) + ")"});
    f.push_back({"sram_capacity", double(mem.total_bytes()), "B",
                 n(mem.slices) + " MEM slices x " + n(mem.banks) + " banks x " + n(mem.words_per_bank) + " words x " +
                     n(vec) + " B"});
    f.push_back({"sram_bandwidth", mem.slices * 2 * vec * hz, "B/s",
                 n(mem.slices) + " slices x (1 read + 1 write) x " + n(vec) + " B x clock"});
    f.push_back({"stream_bandwidth", (st.east + st.west) * vec * hz, "B/s",
                 "(" + n(st.east) + " east + " + n(st.west) + " west streams) x " + n(vec) +
                     " B x clock, at each slice position"});
    f.push_back(
        {"c2c_bandwidth_per_direction", c2c.links * c2c.link_bytes_per_s(), "B/s",
         n(c2c.links) + " links x " + n(c2c.lanes_per_link) + " lanes x " + n(c2c.gbps_per_lane) + " Gb/s / 8"});
    f.push_back({"c2c_bandwidth", 2 * c2c.links * c2c.link_bytes_per_s(), "B/s", "both directions"});
    f.push_back(
        {"c2c_vector_cycles", double(c2c.cycles_per_vector(mem.word_bytes(), chip.clock_mhz)), "cycles",
         "ceil(" + n(vec) + " B / link bytes per cycle), plus " + n(c2c.cable_latency) + " cycles of cable latency"});
    return f;
}

double chip_figure(const std::vector<ChipFigure>& figures, const std::string& name)
{
    for (const auto& f : figures)
        if (f.name == name)
            return f.value;
    throw std::out_of_range("no chip figure '" + name + "'");
}

std::string format_chip_figures(const std::vector<ChipFigure>& figures)
{
    std::ostringstream os;
    for (const auto& f : figures) {
        const bool plain = f.unit == "lanes" || f.unit == "cycles";
        std::ostringstream value;
        if (plain)
            value << f.value << " " << f.unit;
        else
            value << scaled(f.value, f.unit);
        os << std::left << std::setw(30) << f.name << std::setw(16) << value.str() << "  " << f.formula << "\n";
    }
    return os.str();
}

std::string chip_figures_json(const std::vector<ChipFigure>& figures, const std::string& chip,
                              const std::string& config)
{
    std::ostringstream os;
    os << "{\n  \"chip\": \"" << json_escape(chip) << "\",\n  \"config\": \"" << json_escape(config)
       << "\",\n  \"figures\": {";
    for (size_t i = 0; i < figures.size(); ++i) {
        const ChipFigure& f = figures[i];
        os << (i ? ",\n" : "\n") << "    \"" << json_escape(f.name) << "\": {\"value\": " << n(f.value)
           << ", \"unit\": \"" << json_escape(f.unit) << "\", \"formula\": \"" << json_escape(f.formula) << "\"}";
    }
    os << "\n  }\n}\n";
    return os.str();
}

}  // namespace lpu
