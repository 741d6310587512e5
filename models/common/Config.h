// A resolved configuration: every declared parameter with its value and where it came from
// (a file position or its default). Loading is strict: unknown keys, duplicate keys, wrong
// types, out-of-range values and broken cross-parameter rules are ConfigErrors naming the
// file, line, column, key path and reason.
#pragma once

#include "models/common/ParamSchema.h"

#include <cstdint>
#include <map>
#include <string>

namespace lpu {

class Config {
public:
    struct Entry {
        ParamValue value;
        bool from_file = false;
        int line = 0;  // 1-based; 0 when the value is a default
        int col = 0;
    };

    // Loads and validates a YAML file. Throws ConfigError.
    static Config load_file(const std::string& path, const ParamSchema& schema);
    // Same, from text; `name` stands for the file name in messages.
    static Config load_string(const std::string& yaml, const std::string& name,
                              const ParamSchema& schema);

    int64_t get_int(const std::string& path) const;
    double get_float(const std::string& path) const;
    bool get_bool(const std::string& path) const;
    const std::string& get_string(const std::string& path) const;
    bool has(const std::string& path) const { return entries_.count(path) != 0; }
    const Entry& entry(const std::string& path) const;

    const std::string& source() const { return source_; }

    // Throws ConfigError "source:line:col: path: reason" (position of the key when it was in
    // the file, otherwise "(default)").
    [[noreturn]] void fail(const std::string& path, const std::string& reason) const;

    // The resolved configuration as YAML, each parameter commented with its type, range,
    // description and whether it came from the file or a default.
    std::string describe(const ParamSchema& schema) const;

private:
    std::string source_;
    std::map<std::string, Entry> entries_;
    friend class ConfigLoader;
};

}  // namespace lpu
