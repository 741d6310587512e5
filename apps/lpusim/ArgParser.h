// A small strict command-line parser: declared options only, each with its help text, so
// `--help` is generated from the same declarations that parsing enforces. Anything unknown,
// a missing value or a malformed number is a UsageError (exit code 2).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace lpu {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ArgParser {
public:
    ArgParser(std::string usage, std::string description);

    void add_flag(const std::string& name, const std::string& help);
    void add_option(const std::string& name, const std::string& value_name, const std::string& help,
                    const std::string& default_text = "");
    // An option that may be given several times; get_all() returns every value in order.
    void add_repeatable(const std::string& name, const std::string& value_name, const std::string& help);
    void add_positional(const std::string& name, const std::string& help);

    // Parses args (without the program/command words). Returns false if --help was given.
    bool parse(const std::vector<std::string>& args);

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    std::vector<std::string> get_all(const std::string& name) const;
    uint64_t get_u64(const std::string& name, uint64_t fallback) const;
    // "FROM:TO" with FROM <= TO.
    std::pair<uint64_t, uint64_t> get_range(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

    std::string help() const;

private:
    struct Option {
        std::string name, value_name, help, default_text;
        bool takes_value = false;
        bool repeatable = false;
    };
    const Option* find(const std::string& name) const;

    std::string usage_, description_;
    std::vector<Option> options_;
    std::vector<std::pair<std::string, std::string>> positional_specs_;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::vector<std::string>> repeated_;
    std::vector<std::string> positionals_;
};

// Parses a non-negative decimal integer; throws UsageError naming `what`.
uint64_t parse_u64(const std::string& text, const std::string& what);

}  // namespace lpu
