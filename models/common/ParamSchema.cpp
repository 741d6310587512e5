#include "ParamSchema.h"

#include <cassert>
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

ParamSpec ParamSpec::integer(std::string path, std::string description)
{
    ParamSpec s;
    s.path = std::move(path);
    s.type = ParamType::Int;
    s.description = std::move(description);
    return s;
}

ParamSpec ParamSpec::number(std::string path, std::string description)
{
    ParamSpec s = integer(std::move(path), std::move(description));
    s.type = ParamType::Float;
    return s;
}

ParamSpec ParamSpec::string(std::string path, std::string description)
{
    ParamSpec s = integer(std::move(path), std::move(description));
    s.type = ParamType::String;
    return s;
}

ParamSpec&& ParamSpec::def(ParamValue value) &&
{
    default_value = std::move(value);
    return std::move(*this);
}

ParamSpec&& ParamSpec::range(double lo, double hi) &&
{
    min = lo;
    max = hi;
    return std::move(*this);
}

ParamSpec&& ParamSpec::derived(std::function<ParamValue(const Config&)> fn, std::string text) &&
{
    derived_default = std::move(fn);
    derived_text = std::move(text);
    return std::move(*this);
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

void ParamSchema::add(ParamSpec spec)
{
    assert(!index_.count(spec.path) && "parameter declared twice");
    index_[spec.path] = params_.size();
    params_.push_back(std::move(spec));
}

void ParamSchema::add_check(ConfigCheck check) { checks_.push_back(std::move(check)); }

const ParamSpec* ParamSchema::find(const std::string& path) const
{
    auto it = index_.find(path);
    return it == index_.end() ? nullptr : &params_[it->second];
}

bool ParamSchema::is_section(const std::string& path) const
{
    const std::string prefix = path + ".";
    auto it = index_.lower_bound(prefix);
    return it != index_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> ParamSchema::children(const std::string& section) const
{
    const std::string prefix = section.empty() ? "" : section + ".";
    std::vector<std::string> out;
    for (const auto& p : params_) {
        if (p.path.compare(0, prefix.size(), prefix) != 0)
            continue;
        std::string rest = p.path.substr(prefix.size());
        std::string child = rest.substr(0, rest.find('.'));
        bool seen = false;
        for (const auto& c : out)
            seen = seen || c == child;
        if (!seen)
            out.push_back(child);
    }
    return out;
}

}  // namespace lpu
