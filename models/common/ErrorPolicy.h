// What the chip does with a detected uncorrectable error: an SRAM word its ECC cannot correct
// (docs/faults.md), a vector an uncorrectable FEC codeword touched (docs/link-errors.md).
// fail: stop the run naming where and when (the default); poison: deliver the data as it is,
// marked and counted, so that the run can report what it reached.
#pragma once

#include <optional>
#include <string>

namespace lpu {

enum class ErrorPolicy { fail, poison };

inline const char* error_policy_name(ErrorPolicy p) { return p == ErrorPolicy::fail ? "fail" : "poison"; }

// "fail" or "poison"; none for any other text.
inline std::optional<ErrorPolicy> parse_error_policy(const std::string& text)
{
    if (text == "fail")
        return ErrorPolicy::fail;
    if (text == "poison")
        return ErrorPolicy::poison;
    return std::nullopt;
}

// " (fail or poison)": the choices, for an error message about any other text.
inline const char* error_policy_choices() { return " (fail or poison)"; }

}  // namespace lpu
