// The chip config loader (common/Config.cpp against chip_schema()), and what every command
// derives from a loaded config next: each unit's parameters, the floorplan and the queue map.
// An accepted config must survive its own round trip: the resolved text `lpusim config` prints
// (Config::describe) loads back to the same value for every parameter.
#include "FuzzTarget.h"

#include "chip/ChipSpec.h"
#include "icu/Program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    fuzz::expect_input_error([&] {
        const Config cfg = Config::load_string(fuzz::text_of(data, size), "fuzz.yaml", chip_schema());
        (void)ChipSpec::from_config(cfg);
        const QueueMap queues(cfg);
        (void)queues.positions();
        const std::string resolved = cfg.describe(chip_schema());
        try {
            const Config again = Config::load_string(resolved, "resolved.yaml", chip_schema());
            for (const auto& spec : chip_schema().params())
                if (again.entry(spec.path).value != cfg.entry(spec.path).value)
                    fuzz::finding("the resolved config loads back with another " + spec.path + ": " +
                                  format_param_value(again.entry(spec.path).value) + " instead of " +
                                  format_param_value(cfg.entry(spec.path).value) + "\n--- resolved ---\n" + resolved);
        } catch (const InputError& e) {
            fuzz::finding("the resolved config of an accepted one is refused: " + std::string(e.what()) +
                          "\n--- resolved ---\n" + resolved);
        }
    });
    return 0;
}
