#include "MxmParams.h"

#include "models/common/ParamNode.h"
#include "models/spec/ChipParams.h"

#include <sstream>

namespace lpu {

MxmParams MxmParams::read(ParamNode& n, const ChipParams& chip)
{
    MxmParams p;
    p.superlanes = chip.superlanes;
    p.lanes_per_superlane = chip.lanes_per_superlane;
    const unsigned lanes = chip.lanes();
    const char* lanes_text = "superlanes * lanes_per_superlane";
    p.planes = n.param<unsigned>("planes", "MXM planes (published chip: 4, two per hemisphere)").range(1, 8).def(4);
    p.rows = n.param<unsigned>("rows", "rows K of a plane: activation elements per vector; must equal the lane count")
                 .range(1, 4096)
                 .derived(lanes, lanes_text);
    p.cols = n.param<unsigned>("cols", "columns N of a plane: result elements per vector; must equal the lane count")
                 .range(1, 4096)
                 .derived(lanes, lanes_text);
    p.acc_slots = n.param<unsigned>("acc_slots", "int32 accumulator slots per plane (ACC j)").range(1, 1024).def(16);
    p.install_rows_per_cycle =
        n.param<unsigned>("install_rows_per_cycle",
                          "weight rows IW copies from the shadow to the active buffer per cycle (spec: 16)")
            .range(1, 4096)
            .def(16);
    p.array_latency =
        n.param<unsigned>("array_latency",
                          "cycles from an ABC's issue to the ACC that takes its product (A in docs/isa.md)")
            .range(1, 64)
            .def(1);
    p.acc_latency =
        n.param<unsigned>("acc_latency", "cycles from the accumulator update to the result register (R in docs/isa.md)")
            .range(1, 64)
            .def(1);
    p.fp16_issue_interval =
        n.param<unsigned>(
             "fp16_issue_interval",
             "cycles an fp16 ABC occupies a plane's activation port: the next ABC may issue this many cycles "
             "later, so fp16 runs at 1/this of the int8 MAC rate (published: 4)")
            .range(1, 64)
            .def(4);
    n.finish();

    const std::string why = " (superlanes " + std::to_string(chip.superlanes) + " x lanes_per_superlane " +
                            std::to_string(chip.lanes_per_superlane) + ")";
    for (const auto& [key, value] : {std::pair{"rows", p.rows}, std::pair{"cols", p.cols}})
        if (value != lanes)
            n.fail(key, "must equal the lane count " + std::to_string(lanes) + why + ", got " + std::to_string(value));
    // The floorplan mirrors the hemispheres: planes come in west/east pairs.
    if (p.planes % 2 != 0)
        n.fail("planes", "must be even (planes / 2 in each mirrored hemisphere), got " + std::to_string(p.planes));
    if (p.install_rows_per_cycle > p.rows)
        n.fail("install_rows_per_cycle", "must not exceed " + n.path() + ".rows (" + std::to_string(p.rows) + ")");
    return p;
}

std::vector<std::pair<std::string, unsigned>> MxmParams::rtl_parameters() const
{
    // Order matches cfg_o[] of tb/mxm/mxm_cosim_top.sv.
    return {{"SUPERLANES", superlanes},
            {"SL_LANES", lanes_per_superlane},
            {"ROWS", rows},
            {"COLS", cols},
            {"ACC_SLOTS", acc_slots},
            {"INSTALL_ROWS", install_rows_per_cycle},
            {"ARRAY_LATENCY", array_latency},
            {"ACC_LATENCY", acc_latency}};
}

std::string MxmParams::summary() const
{
    std::ostringstream os;
    bool first = true;
    for (const auto& [name, value] : rtl_parameters()) {
        os << (first ? "" : " ") << name << "=" << value;
        first = false;
    }
    return os.str();
}

}  // namespace lpu
