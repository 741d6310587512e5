#include "ParamSpec.h"

#include <charconv>
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
    if (const double* d = std::get_if<double>(&value)) {
        // The shortest text that reads back as exactly this number: `lpusim config` printed
        // 1234.56789 as 1234.57, so its resolved config was not the one in force (found by the
        // config harness's round trip).
        char text[64];
        const auto res = std::to_chars(text, text + sizeof text, *d);
        return std::string(text, res.ptr);
    }
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
