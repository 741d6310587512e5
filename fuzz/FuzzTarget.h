// What every fuzz harness shares (docs/fuzzing.md). A harness is one file defining
// LLVMFuzzerTestOneInput: it hands the bytes to one parser and lets through only what a parser
// may do with hostile input, return or throw one of the documented input errors (common/Error.h).
// Anything else is a finding: another exception escapes (libFuzzer reports it as a crash and
// saves the input; the replay main names the file), and a broken property calls finding().
#pragma once

#include "models/common/Error.h"
#include "models/spec/ChipSpec.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace lpu::fuzz {

// Runs `parse`; an InputError (ConfigError is one) is the expected answer to a bad input.
template <typename F> void expect_input_error(F&& parse)
{
    try {
        parse();
    } catch (const InputError&) {
    }
}

// A property the parser promises does not hold (e.g. a round trip changed the program).
[[noreturn]] inline void finding(const std::string& what)
{
    std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
    std::abort();
}

inline std::string text_of(const uint8_t* data, size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

// configs/NAME.yaml of this source tree, loaded once per process.
inline const ChipSpec& shipped_config(const std::string& name)
{
    static std::map<std::string, ChipSpec> loaded;
    auto it = loaded.find(name);
    if (it == loaded.end())
        it = loaded.emplace(name, load_chip_spec(std::string(LPUSIM_CONFIG_DIR) + "/" + name + ".yaml")).first;
    return it->second;
}

}  // namespace lpu::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
