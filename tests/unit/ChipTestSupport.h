// What the chip-level unit tests share: the tiny config, and the error text (or "") that
// assembling or running a program gives.
#pragma once

#include "models/chip/Chip.h"
#include "models/common/Error.h"
#include "models/isa/Assembler.h"
#include "models/spec/ChipSpec.h"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace lpu::test {

// configs/NAME.yaml, or tests/configs/NAME.yaml for the test configs, loaded once per process.
inline const ChipSpec& config_named(const std::string& name)
{
    static std::map<std::string, ChipSpec> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        const std::string shipped = std::string(LPUSIM_CONFIG_DIR) + "/" + name + ".yaml";
        const std::string test = std::string(LPUSIM_SOURCE_DIR) + "/tests/configs/" + name + ".yaml";
        it = cache.emplace(name, load_chip_spec(std::filesystem::exists(shipped) ? shipped : test)).first;
    }
    return it->second;
}

inline const ChipSpec& tiny() { return config_named("tiny"); }

// The InputError of assembling `text` (file "p.s"), or "" if it assembles.
inline std::string asm_error(const std::string& text, const ChipSpec& cfg = tiny())
{
    try {
        assemble(text, "p.s", cfg);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

// A schedule error's text after the chip it names ("chip 0 (tiny): "), which must be there.
inline std::string without_chip(const Chip& chip, const std::string& what)
{
    const std::string prefix = chip.label() + ": ";
    if (what.compare(0, prefix.size(), prefix) != 0)
        throw std::runtime_error("the schedule error does not name its chip '" + prefix + "': " + what);
    return what.substr(prefix.size());
}

// The ScheduleError of running `p` (after the chip it names), or "" if it runs.
inline std::string run_error(const ChipSpec& cfg, const Program& p)
{
    Chip chip("", cfg);
    try {
        chip.run(p);
    } catch (const ScheduleError& e) {
        return without_chip(chip, e.what());
    }
    return "";
}

// The same for assembly text (file "p.s").
inline std::string run_error(const std::string& text, const ChipSpec& cfg = tiny())
{
    return run_error(cfg, assemble(text, "p.s", cfg));
}

}  // namespace lpu::test
