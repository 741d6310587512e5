// The chip config loader (spec/ChipSpec.cpp: every unit's parameters read through
// common/ParamNode), and what every command derives from a loaded config next: the floorplan and
// the queue map, and the resolved text `lpusim config` prints.
#include "FuzzTarget.h"

#include "models/spec/ChipSpec.h"
#include "models/isa/Program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    fuzz::expect_input_error([&] {
        const ChipSpec spec = parse_chip_spec(fuzz::text_of(data, size), "fuzz.yaml");
        const QueueMap queues(spec);
        (void)queues.positions();
        (void)spec.config->describe();
    });
    return 0;
}
