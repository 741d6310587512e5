// A resolved configuration: every parameter read (models/common/ParamNode.h), in reading order,
// with its declaration, its value and where the value came from (a file position, or the
// default). What `lpusim config` prints, and what a check after reading names positions from.
#pragma once

#include "models/common/ParamSpec.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lpu {

class Config {
public:
    struct Entry {
        ParamSpec spec;
        ParamValue value;
        bool from_file = false;
        int line = 0;  // 1-based; 0 when the value is a default
        int col = 0;
    };

    explicit Config(std::string source) : source_(std::move(source)) {}

    const std::string& source() const { return source_; }
    const std::vector<Entry>& entries() const { return entries_; }
    bool has(const std::string& path) const { return index_.count(path) != 0; }
    // The entry of a parameter read (std::logic_error for any other path).
    const Entry& entry(const std::string& path) const;
    // Records a parameter read (ParamNode).
    void add(Entry e);

    // Throws ConfigError "source:line:col: path: reason" (the position of the value when it was in
    // the file, otherwise "source: path: reason (value is the default)").
    [[noreturn]] void fail(const std::string& path, const std::string& reason) const;

    // The configuration as YAML, each parameter commented with its type, range, description and
    // whether it came from the file or a default.
    std::string describe() const;

private:
    std::string source_;
    std::vector<Entry> entries_;
    std::map<std::string, size_t> index_;
};

}  // namespace lpu
