// The chip config loader (spec/ChipSpec.cpp: every unit's parameters read through
// common/ParamNode), and what every command derives from a loaded config next: the floorplan and
// the queue map. An accepted config must survive its own round trip: the resolved text `lpusim
// config` prints (Config::describe) loads back to the same value for every parameter.
#include "FuzzTarget.h"

#include "models/isa/Program.h"
#include "models/spec/ChipSpec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    fuzz::expect_input_error([&] {
        const ChipSpec spec = parse_chip_spec(fuzz::text_of(data, size), "fuzz.yaml");
        const QueueMap queues(spec);
        (void)queues.positions();
        const std::string resolved = spec.config->describe();
        try {
            const ChipSpec again = parse_chip_spec(resolved, "resolved.yaml");
            for (const Config::Entry& e : spec.config->entries())
                if (again.config->entry(e.spec.path).value != e.value)
                    fuzz::finding("the resolved config loads back with another " + e.spec.path + ": " +
                                  format_param_value(again.config->entry(e.spec.path).value) + " instead of " +
                                  format_param_value(e.value) + "\n--- resolved ---\n" + resolved);
        } catch (const InputError& e) {
            fuzz::finding("the resolved config of an accepted one is refused: " + std::string(e.what()) +
                          "\n--- resolved ---\n" + resolved);
        }
    });
    return 0;
}
