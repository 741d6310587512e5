// A declared parameter: its key path, type, range, default (or how its default is derived) and
// description. Parameters are declared where they are read (models/common/ParamNode.h), so
// documentation and validation cannot drift apart; `lpusim config` prints these with the values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace lpu {

using ParamValue = std::variant<int64_t, double, bool, std::string>;

enum class ParamType { Int, Float, Bool, String };

const char* param_type_name(ParamType type);
std::string format_param_value(const ParamValue& value);

struct ParamSpec {
    std::string path;  // dotted key path from the document's root, e.g. "chip.mxm.rows"
    ParamType type = ParamType::Int;
    std::string description;
    std::optional<ParamValue> default_value;  // none: required, unless derived
    std::string derived_text;                 // how a derived default is computed, e.g. "superlanes * 16"
    std::optional<double> min, max;           // inclusive bounds for Int and Float
};

// "[1, 20]" style text of a parameter's bounds.
std::string param_range_text(const ParamSpec& spec);
// True if `value` (of the spec's type) lies within its bounds.
bool param_in_range(const ParamSpec& spec, const ParamValue& value);

}  // namespace lpu
