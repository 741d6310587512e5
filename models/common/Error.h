// User-facing error types. Everything a user can get wrong (config, stimulus, flags, programs)
// is reported through one of these, caught at the command line and turned into a message and a
// non-zero exit; internal invariants use assertions instead.
#pragma once

#include <stdexcept>
#include <string>

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
class ScheduleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A co-simulation found the RTL and the model disagreeing; the message is the divergence report.
class CheckError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace lpu
