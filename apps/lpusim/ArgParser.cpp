#include "ArgParser.h"

#include "models/common/Error.h"

#include <sstream>

namespace lpu {

uint64_t parse_u64(const std::string& text, const std::string& what)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError(what + ": " + quote_token(text) + " is not a non-negative integer");
    try {
        return std::stoull(text);
    } catch (const std::out_of_range&) {
        throw UsageError(what + ": " + quote_token(text) + " is too large");
    }
}

ArgParser::ArgParser(std::string usage, std::string description)
    : usage_(std::move(usage)), description_(std::move(description))
{}

void ArgParser::add_flag(const std::string& name, const std::string& help)
{
    options_.push_back({name, "", help, "", false, false});
}

void ArgParser::add_option(const std::string& name, const std::string& value_name, const std::string& help,
                           const std::string& default_text)
{
    options_.push_back({name, value_name, help, default_text, true, false});
}

void ArgParser::add_repeatable(const std::string& name, const std::string& value_name, const std::string& help)
{
    options_.push_back({name, value_name, help + " (may be repeated)", "", true, true});
}

void ArgParser::add_positional(const std::string& name, const std::string& help)
{
    positional_specs_.emplace_back(name, help);
}

const ArgParser::Option* ArgParser::find(const std::string& name) const
{
    for (const auto& o : options_)
        if (o.name == name)
            return &o;
    return nullptr;
}

bool ArgParser::parse(const std::vector<std::string>& args)
{
    for (size_t i = 0; i < args.size(); ++i) {
        // "-o FILE" is the usual spelling of "--output FILE" wherever there is an output.
        const std::string& a = args[i] == "-o" && find("output") ? std::string("--output") : args[i];
        if (a == "--help" || a == "-h")
            return false;
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), value;
            const auto eq = name.find('=');
            const bool inline_value = eq != std::string::npos;
            if (inline_value) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            const Option* o = find(name);
            if (!o)
                throw UsageError("unknown option " + quote_token("--" + name) + " (see --help)");
            if (values_.count(name) && !o->repeatable)
                throw UsageError("option " + quote_token("--" + name) + " given twice");
            if (!o->takes_value) {
                if (inline_value)
                    throw UsageError("option " + quote_token("--" + name) + " takes no value");
                values_[name] = "";
                continue;
            }
            if (!inline_value) {
                if (i + 1 >= args.size())
                    throw UsageError("option " + quote_token("--" + name) + " needs a value " + o->value_name);
                value = args[++i];
            }
            if (value.empty())
                throw UsageError("option " + quote_token("--" + name) + " needs a non-empty value " + o->value_name);
            values_[name] = value;
            if (o->repeatable)
                repeated_[name].push_back(value);
            continue;
        }
        if (!a.empty() && a[0] == '-' && a != "-")
            throw UsageError("unknown option " + quote_token(a) + " (see --help)");
        if (positionals_.size() >= positional_specs_.size())
            throw UsageError("unexpected argument " + quote_token(a) + " (see --help)");
        positionals_.push_back(a);
    }
    return true;
}

std::string ArgParser::get(const std::string& name, const std::string& fallback) const
{
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> ArgParser::get_all(const std::string& name) const
{
    auto it = repeated_.find(name);
    return it == repeated_.end() ? std::vector<std::string>() : it->second;
}

uint64_t ArgParser::get_u64(const std::string& name, uint64_t fallback) const
{
    return has(name) ? parse_u64(get(name), "--" + name) : fallback;
}

std::pair<uint64_t, uint64_t> ArgParser::get_range(const std::string& name) const
{
    const std::string v = get(name);
    const auto colon = v.find(':');
    if (colon == std::string::npos)
        throw UsageError("--" + name + ": expected FROM:TO, got " + quote_token(v));
    const uint64_t from = parse_u64(v.substr(0, colon), "--" + name + " FROM");
    const uint64_t to = parse_u64(v.substr(colon + 1), "--" + name + " TO");
    if (from > to)
        throw UsageError("--" + name + ": FROM " + std::to_string(from) + " is after TO " + std::to_string(to));
    return {from, to};
}

std::string ArgParser::help() const
{
    std::ostringstream os;
    os << "usage: " << usage_ << "\n\n" << description_ << "\n";
    if (!positional_specs_.empty()) {
        os << "\narguments:\n";
        for (const auto& [n, h] : positional_specs_)
            os << "  " << n << "\n      " << h << "\n";
    }
    os << "\noptions:\n";
    for (const auto& o : options_) {
        os << "  --" << o.name << (o.takes_value ? " " + o.value_name : "") << "\n      " << o.help;
        if (!o.default_text.empty())
            os << " (default: " << o.default_text << ")";
        os << "\n";
    }
    os << "  --help\n      show this help\n";
    return os.str();
}

}  // namespace lpu
