// Figures derived from a chip config — peak rates, capacities, bandwidths — each with the
// formula that produced it, for `lpusim info` and for comparison with published numbers.
#pragma once

#include <string>
#include <vector>

namespace lpu {

struct ChipSpec;

struct ChipFigure {
    std::string name;
    double value;
    std::string unit;     // "ops/s", "B", "B/s", "cycles"
    std::string formula;  // how it follows from the config
};

// All figures of `cfg`, in a fixed order.
std::vector<ChipFigure> chip_figures(const ChipSpec& spec);
// The figure called `name`; throws std::out_of_range if there is none.
double chip_figure(const std::vector<ChipFigure>& figures, const std::string& name);
// Human-readable table of the figures.
std::string format_chip_figures(const std::vector<ChipFigure>& figures);
// The figures as JSON, for scripts: {"chip", "config", "figures": {name: {"value", "unit",
// "formula"}}} in the order of `figures`, each value in its unit exactly (Hz, ops/s, B, B/s,
// ...), written so that it reads back to the same double.
std::string chip_figures_json(const std::vector<ChipFigure>& figures, const std::string& chip,
                              const std::string& config);

}  // namespace lpu
