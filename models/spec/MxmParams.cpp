#include "MxmParams.h"

#include "models/common/Config.h"

#include <sstream>

namespace lpu {

namespace {
int64_t lanes(const Config& cfg)
{
    return cfg.get_int("chip.geometry.superlanes") * cfg.get_int("chip.geometry.lanes_per_superlane");
}
}  // namespace

void MxmParams::declare(ParamSchema& schema)
{
    const auto lane_count = [](const Config& cfg) { return ParamValue{lanes(cfg)}; };
    const char* lanes_text = "superlanes * lanes_per_superlane";
    schema.add(ParamSpec::integer("chip.mxm.planes", "MXM planes (published chip: 4, two per hemisphere)")
                   .range(1, 8)
                   .def(int64_t{4}));
    schema.add(ParamSpec::integer("chip.mxm.rows",
                                  "rows K of a plane: activation elements per vector; must equal the lane count")
                   .range(1, 4096)
                   .derived(lane_count, lanes_text));
    schema.add(ParamSpec::integer("chip.mxm.cols",
                                  "columns N of a plane: result elements per vector; must equal the lane count")
                   .range(1, 4096)
                   .derived(lane_count, lanes_text));
    schema.add(ParamSpec::integer("chip.mxm.acc_slots", "int32 accumulator slots per plane (ACC j)")
                   .range(1, 1024)
                   .def(int64_t{16}));
    schema.add(ParamSpec::integer("chip.mxm.install_rows_per_cycle",
                                  "weight rows IW copies from the shadow to the active buffer per cycle (spec: 16)")
                   .range(1, 4096)
                   .def(int64_t{16}));
    schema.add(ParamSpec::integer("chip.mxm.array_latency",
                                  "cycles from an ABC's issue to the ACC that takes its product (A in docs/isa.md)")
                   .range(1, 64)
                   .def(int64_t{1}));
    schema.add(ParamSpec::integer("chip.mxm.acc_latency",
                                  "cycles from the accumulator update to the result register (R in docs/isa.md)")
                   .range(1, 64)
                   .def(int64_t{1}));
    schema.add(ParamSpec::integer("chip.mxm.fp16_issue_interval",
                                  "cycles an fp16 ABC occupies a plane's activation port: the next ABC may issue "
                                  "this many cycles later, so fp16 runs at 1/this of the int8 MAC rate (published: 4)")
                   .range(1, 64)
                   .def(int64_t{4}));

    schema.add_check([](const Config& cfg) {
        const int64_t l = lanes(cfg);
        const std::string why = " (superlanes " + std::to_string(cfg.get_int("chip.geometry.superlanes")) +
                                " x lanes_per_superlane " +
                                std::to_string(cfg.get_int("chip.geometry.lanes_per_superlane")) + ")";
        for (const char* key : {"chip.mxm.rows", "chip.mxm.cols"}) {
            if (cfg.get_int(key) != l)
                cfg.fail(key, "must equal the lane count " + std::to_string(l) + why + ", got " +
                                  std::to_string(cfg.get_int(key)));
        }
        // The floorplan mirrors the hemispheres: planes come in west/east pairs.
        if (cfg.get_int("chip.mxm.planes") % 2 != 0)
            cfg.fail("chip.mxm.planes", "must be even (planes / 2 in each mirrored hemisphere), got " +
                                            std::to_string(cfg.get_int("chip.mxm.planes")));
        if (cfg.get_int("chip.mxm.install_rows_per_cycle") > cfg.get_int("chip.mxm.rows"))
            cfg.fail("chip.mxm.install_rows_per_cycle",
                     "must not exceed chip.mxm.rows (" + std::to_string(cfg.get_int("chip.mxm.rows")) + ")");
    });
}

MxmParams MxmParams::from_config(const Config& cfg)
{
    MxmParams p;
    p.superlanes = static_cast<unsigned>(cfg.get_int("chip.geometry.superlanes"));
    p.lanes_per_superlane = static_cast<unsigned>(cfg.get_int("chip.geometry.lanes_per_superlane"));
    p.planes = static_cast<unsigned>(cfg.get_int("chip.mxm.planes"));
    p.rows = static_cast<unsigned>(cfg.get_int("chip.mxm.rows"));
    p.cols = static_cast<unsigned>(cfg.get_int("chip.mxm.cols"));
    p.acc_slots = static_cast<unsigned>(cfg.get_int("chip.mxm.acc_slots"));
    p.install_rows_per_cycle = static_cast<unsigned>(cfg.get_int("chip.mxm.install_rows_per_cycle"));
    p.array_latency = static_cast<unsigned>(cfg.get_int("chip.mxm.array_latency"));
    p.acc_latency = static_cast<unsigned>(cfg.get_int("chip.mxm.acc_latency"));
    p.fp16_issue_interval = static_cast<unsigned>(cfg.get_int("chip.mxm.fp16_issue_interval"));
    return p;
}

std::vector<std::pair<std::string, unsigned>> MxmParams::rtl_parameters() const
{
    // Order matches cfg_o[] of tb/mxm/mxm_cosim_top.sv.
    return {{"SUPERLANES", superlanes},       {"SL_LANES", lanes_per_superlane}, {"ROWS", rows},
            {"COLS", cols},                   {"ACC_SLOTS", acc_slots},          {"INSTALL_ROWS", install_rows_per_cycle},
            {"ARRAY_LATENCY", array_latency}, {"ACC_LATENCY", acc_latency}};
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
