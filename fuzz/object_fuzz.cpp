// The object-file reader (icu/ObjectFile.cpp) on configs/tiny.yaml, as `lpusim run/disasm`
// read a .lpo. A file it accepts decodes to a program whose own object file decodes to itself.
#include "FuzzTarget.h"

#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    const ChipSpec& cfg = fuzz::shipped_config("tiny");
    fuzz::expect_input_error([&] {
        const Program p = decode_program(fuzz::text_of(data, size), "fuzz.lpo", cfg);
        const std::string object = encode_program(p);
        try {
            if (encode_program(decode_program(object, "again.lpo", cfg)) != object)
                fuzz::finding("re-encoding an accepted object file does not give a fixed point\n--- disassembly ---\n" +
                              disassemble(p, cfg));
        } catch (const InputError& e) {
            fuzz::finding("the re-encoded object file is refused: " + std::string(e.what()) +
                          "\n--- disassembly ---\n" + disassemble(p, cfg));
        }
    });
    return 0;
}
