// The assembler (icu/Assembler.cpp) on configs/tiny.yaml, as `lpusim asm` runs it. A program it
// accepts must also survive its own round trips (icu/Assembler.h, icu/ObjectFile.h): its
// disassembly assembles to the same program, and so does its object file.
#include "FuzzTarget.h"

#include "models/isa/Assembler.h"
#include "models/isa/ObjectFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    const ChipSpec& cfg = fuzz::shipped_config("tiny");
    fuzz::expect_input_error([&] {
        const Program p = assemble(fuzz::text_of(data, size), "fuzz.s", cfg);
        const std::string text = disassemble(p, cfg);
        const std::string object = encode_program(p);
        Program again;
        try {
            again = assemble(text, "fuzz.s (disassembled)", cfg);
        } catch (const InputError& e) {
            fuzz::finding("the disassembly of an accepted program does not assemble: " + std::string(e.what()) +
                          "\n--- disassembly ---\n" + text);
        }
        if (disassemble(again, cfg) != text || encode_program(again) != object)
            fuzz::finding("the disassembly assembles to another program\n--- disassembly ---\n" + text +
                          "--- its disassembly ---\n" + disassemble(again, cfg));
        try {
            if (encode_program(decode_program(object, "fuzz.lpo", cfg)) != object)
                fuzz::finding("the object file decodes to another program\n--- disassembly ---\n" + text);
        } catch (const InputError& e) {
            fuzz::finding("the object file of an accepted program is refused: " + std::string(e.what()) +
                          "\n--- disassembly ---\n" + text);
        }
    });
    return 0;
}
