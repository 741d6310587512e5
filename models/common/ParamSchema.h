// The declared parameters of the chip: every key a config file may hold, with its type,
// range, default and description. Units declare their own parameters (see
// models/spec/ChipSchema.cpp); the loader validates files against this and `lpusim config`
// prints it, so documentation and validation cannot drift apart.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lpu {

class Config;

using ParamValue = std::variant<int64_t, double, bool, std::string>;

enum class ParamType { Int, Float, Bool, String };

const char* param_type_name(ParamType type);
std::string format_param_value(const ParamValue& value);

struct ParamSpec {
    std::string path;  // dotted key path, e.g. "chip.mxm.rows"
    ParamType type = ParamType::Int;
    std::string description;
    std::optional<ParamValue> default_value;  // none: required, unless derived
    // A default computed from other (already resolved) parameters, e.g. rows = lanes.
    std::function<ParamValue(const Config&)> derived_default;
    std::string derived_text;  // how the derived default is computed, for `lpusim config`
    std::optional<double> min, max;  // inclusive bounds for Int and Float

    // Declaration helpers: ParamSpec::integer("a.b", "what it is").range(1, 20).def(4).
    static ParamSpec integer(std::string path, std::string description);
    static ParamSpec number(std::string path, std::string description);
    static ParamSpec string(std::string path, std::string description);
    ParamSpec&& def(ParamValue value) &&;
    ParamSpec&& range(double lo, double hi) &&;
    ParamSpec&& derived(std::function<ParamValue(const Config&)> fn, std::string text) &&;
};

// "[1, 20]" style text of a parameter's bounds.
std::string param_range_text(const ParamSpec& spec);

// A cross-parameter rule; throws ConfigError (via Config::fail) when violated.
using ConfigCheck = std::function<void(const Config&)>;

class ParamSchema {
public:
    void add(ParamSpec spec);
    void add_check(ConfigCheck check);

    const ParamSpec* find(const std::string& path) const;
    // True if `path` is a declared parameter or a prefix (section) of one.
    bool is_section(const std::string& path) const;
    // Declared keys directly under a section, for "did you mean" hints.
    std::vector<std::string> children(const std::string& section) const;

    const std::vector<ParamSpec>& params() const { return params_; }
    const std::vector<ConfigCheck>& checks() const { return checks_; }

private:
    std::vector<ParamSpec> params_;  // declaration order: also the resolution order
    std::map<std::string, size_t> index_;
    std::vector<ConfigCheck> checks_;
};

}  // namespace lpu
