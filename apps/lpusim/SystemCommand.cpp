#include "SystemCommand.h"

#include "apps/lpusim/ArgParser.h"
#include "models/common/Npy.h"
#include "models/system/LinkPlan.h"
#include "models/topology/SystemSpec.h"
#include "models/topology/TopologyFigures.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace lpu {

int cmd_system(const std::vector<std::string>& args)
{
    ArgParser ap("lpusim system --system SYSTEM [--json FILE] [--links FILE]",
                 "Loads a system of chips (docs/system.md) and prints its figures: chips, chip types, links, "
                 "diameter and mean distance (by search from every chip), links across a balanced cut, per-chip "
                 "port use and degree, and each published check (node fully connected, port budget, Dragonfly "
                 "diameter) with PASS or FAIL and why. Exit code 1 when a published check fails.");
    ap.add_option("system", "FILE", "system description (YAML), e.g. configs/systems/node-8.yaml");
    ap.add_option("json", "FILE", "also write the figures and checks as JSON");
    ap.add_option("links", "FILE",
                  "also write how the system runs as JSON (docs/system.md, Link timing): chip types with every "
                  "parameter resolved and slice positions, chips with their clocks, links with their ends and "
                  "each direction's line bits, serialisation, latency and busy cycles");
    ap.add_flag("config", "print every parameter of the system file resolved, with its description, instead");
    if (!ap.parse(args)) {
        std::cout << ap.help();
        return 0;
    }
    if (!ap.has("system"))
        throw UsageError("system: --system SYSTEM is required (e.g. --system configs/systems/node-8.yaml)");
    if (ap.has("config") && (ap.has("json") || ap.has("links")))
        throw UsageError("system: --config prints the parameters only, without --json or --links");
    for (const char* out : {"json", "links"})
        if (ap.has(out))
            check_writable(ap.get(out));
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const SystemSpec spec = load_system_spec(ap.get("system"));
    if (ap.has("config")) {
        std::cout << spec.config->describe();
        return 0;
    }
    // Built before the figures, so a link the runtime would refuse fails here too.
    const std::string links = ap.has("links") ? link_plan_json(spec, ap.get("system")) : std::string();
    const auto loaded = Clock::now();
    const TopologyFigures f = TopologyFigures::of(spec);
    const auto done = Clock::now();
    auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    char timing[128];
    std::snprintf(timing, sizeof timing, "time: %.2f s to load, %.2f s for the figures\n", seconds(loaded - start),
                  seconds(done - loaded));
    std::cout << f.text() << timing;
    if (ap.has("json"))
        write_file_atomic(ap.get("json"), f.json());
    if (ap.has("links"))
        write_file_atomic(ap.get("links"), links);
    return f.checks_pass() ? 0 : 1;
}

}  // namespace lpu
