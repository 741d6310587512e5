// User-facing error types. Everything a user can get wrong (config, stimulus, flags, programs)
// is reported through one of these, caught at the command line and turned into a message and a
// non-zero exit; internal invariants use assertions instead.
#pragma once

#include "models/common/ScheduleRule.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lpu {

// Bad input: a config file, a command-line flag, a tensor file.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A config file that parses but violates the schema. The message names file:line:col and key.
class ConfigError : public InputError {
public:
    using InputError::InputError;
};

// A program that breaks a timing rule of docs/isa.md. On silicon it would corrupt data silently.
// It names the rule (models/common/ScheduleRule.h), which tools count without reading the text.
class ScheduleError : public std::runtime_error {
public:
    ScheduleError(ScheduleRule rule, const std::string& what) : std::runtime_error(what), rule_(rule) {}
    ScheduleRule rule() const { return rule_; }

private:
    ScheduleRule rule_;
};

// A co-simulation found the RTL and the model disagreeing; the message is the divergence report.
class CheckError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Input text echoed in an error message: every message that repeats a key, name, token or value
// from a file goes through one of these, so a hostile 10 MB token cannot make a 10 MB message.
// Bytes outside printable ASCII are escaped (\n, \t, \xNN); past `keep` characters the text is
// cut and the message says how long it was:
//   cut_token("abc") == "abc"
//   cut_token(<a 10485760-character name>) == "<first 40 characters>... (10485760 characters)"
//   quote_token("abc") == "'abc'"; quote_token(<long>) == "'<first 40 characters>...' (N characters)"
inline constexpr size_t kTokenKeep = 40;

namespace detail {
inline std::string escape_token(std::string_view text, size_t keep)
{
    std::string out;
    for (size_t i = 0; i < text.size() && i < keep; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            static const char* digits = "0123456789abcdef";
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}
}  // namespace detail

inline std::string cut_token(std::string_view text, size_t keep = kTokenKeep)
{
    std::string out = detail::escape_token(text, keep);
    if (text.size() > keep)
        out += "... (" + std::to_string(text.size()) + " characters)";
    return out;
}

inline std::string quote_token(std::string_view text, size_t keep = kTokenKeep)
{
    std::string out = "'" + detail::escape_token(text, keep);
    if (text.size() > keep)
        return out + "...' (" + std::to_string(text.size()) + " characters)";
    return out + "'";
}

}  // namespace lpu
