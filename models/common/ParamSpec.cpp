#include "ParamSpec.h"

#include <sstream>

namespace lpu {

const char* param_type_name(ParamType type)
{
    switch (type) {
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::Bool: return "bool";
    case ParamType::String: return "string";
    }
    return "?";
}

std::string format_param_value(const ParamValue& value)
{
    std::ostringstream os;
    std::visit(
        [&os](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>)
                os << (v ? "true" : "false");
            else
                os << v;
        },
        value);
    return os.str();
}

std::string param_range_text(const ParamSpec& spec)
{
    std::ostringstream os;
    os << "[";
    if (spec.min)
        os << *spec.min;
    else
        os << "-inf";
    os << ", ";
    if (spec.max)
        os << *spec.max;
    else
        os << "inf";
    os << "]";
    return os.str();
}

bool param_in_range(const ParamSpec& spec, const ParamValue& value)
{
    double v;
    if (const auto* i = std::get_if<int64_t>(&value))
        v = static_cast<double>(*i);
    else if (const auto* f = std::get_if<double>(&value))
        v = *f;
    else
        return true;
    return !(spec.min && v < *spec.min) && !(spec.max && v > *spec.max);
}

}  // namespace lpu
