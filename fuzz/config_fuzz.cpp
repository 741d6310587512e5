// The chip config loader (common/Config.cpp against chip_schema()), and what every command
// derives from a loaded config next: each unit's parameters, the floorplan and the queue map,
// and the resolved text `lpusim config` prints.
#include "FuzzTarget.h"

#include "models/spec/ChipSpec.h"
#include "models/isa/Program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    fuzz::expect_input_error([&] {
        const Config cfg = Config::load_string(fuzz::text_of(data, size), "fuzz.yaml", chip_schema());
        (void)ChipSpec::from_config(cfg);
        const QueueMap queues(cfg);
        (void)queues.positions();
        (void)cfg.describe(chip_schema());
    });
    return 0;
}
