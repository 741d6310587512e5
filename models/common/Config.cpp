#include "Config.h"

#include "YamlText.h"

#include "Error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace lpu {

namespace {

std::string join(const std::string& section, const std::string& key)
{
    return section.empty() ? key : section + "." + key;
}

}  // namespace

// Walks the YAML tree against the schema. A class so that Config's private state stays
// private to the two of them.
class ConfigLoader {
public:
    ConfigLoader(const ParamSchema& schema, Config& cfg) : schema_(schema), cfg_(cfg) {}

    void load(const YAML::Node& root)
    {
        if (!root.IsDefined() || root.IsNull())
            throw ConfigError(cfg_.source_ + ": empty config (expected a map with 'version' and 'chip')");
        if (!root.IsMap())
            throw ConfigError(yaml_position(cfg_.source_, root.Mark()) + ": top level must be a map of keys");
        walk(root, "");
        resolve_defaults();
        for (const auto& check : schema_.checks())
            check(cfg_);
    }

private:
    [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& path, const std::string& reason)
    {
        throw ConfigError(yaml_position(cfg_.source_, mark) + ": " + path + ": " + reason);
    }

    void walk(const YAML::Node& map, const std::string& section)
    {
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            // Copies: yaml-cpp's iterator yields a temporary, so references into it would dangle.
            const YAML::Node key_node = it->first;
            const YAML::Node value = it->second;
            if (!key_node.IsScalar())
                fail_at(key_node.Mark(), section.empty() ? "(top level)" : section, "keys must be plain names");
            const std::string key = key_node.Scalar();
            const std::string path = join(section, key);
            const std::string shown = join(section, cut_token(key));  // the path as messages echo it
            if (!seen.insert(key).second)
                fail_at(key_node.Mark(), shown, "duplicate key");
            if (const ParamSpec* spec = schema_.find(path)) {
                set_value(*spec, value, key_node.Mark());
            } else if (schema_.is_section(path)) {
                if (!value.IsMap())
                    fail_at(value.Mark(), path, "must be a map (section with keys: " + list(schema_.children(path)) + ")");
                walk(value, path);
            } else {
                fail_at(key_node.Mark(), shown, "unknown key" + suggestion(section, key));
            }
        }
    }

    std::string list(const std::vector<std::string>& keys)
    {
        std::string out;
        for (const auto& k : keys)
            out += (out.empty() ? "" : ", ") + k;
        return out;
    }

    std::string suggestion(const std::string& section, const std::string& key)
    {
        const auto known = schema_.children(section);
        return did_you_mean(key, known, 2) + "; allowed here: " + list(known);
    }

    void set_value(const ParamSpec& spec, const YAML::Node& node, const YAML::Mark& key_mark)
    {
        const YAML::Mark mark = node.Mark();
        if (!node.IsDefined() || node.IsNull())
            fail_at(key_mark, spec.path, "has no value (expected " + std::string(param_type_name(spec.type)) + ")");
        if (!node.IsScalar())
            fail_at(mark, spec.path, std::string("expected a value of type ") + param_type_name(spec.type) +
                                         ", got a " + (node.IsMap() ? "map" : "list"));
        const std::string text = node.Scalar();
        // Quoted scalars are strings: "16" is not the number 16.
        const bool plain = node.Tag() == "?";
        ParamValue value;
        switch (spec.type) {
        case ParamType::Int: {
            int64_t v = 0;
            auto res = std::from_chars(text.data(), text.data() + text.size(), v);
            if (!plain || res.ec != std::errc() || res.ptr != text.data() + text.size())
                fail_at(mark, spec.path, "expected an integer, got " + quote_token(text));
            value = v;
            break;
        }
        case ParamType::Float: {
            // Decimal only (from_chars, not strtod: no hex such as 0x10, no locale, no leading space).
            double v = 0;
            const auto res = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
            if (!plain || res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
                fail_at(mark, spec.path, "expected a number, got " + quote_token(text));
            value = v;
            break;
        }
        case ParamType::Bool:
            if (plain && text == "true")
                value = true;
            else if (plain && text == "false")
                value = false;
            else
                fail_at(mark, spec.path, "expected true or false, got " + quote_token(text));
            break;
        case ParamType::String:
            if (text.empty())
                fail_at(mark, spec.path, "must not be empty");
            // Names are printable ASCII: a control character or a stray byte (found by the config
            // harness) did not survive `lpusim config`'s resolved text, and means nothing in a name.
            if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
                fail_at(mark, spec.path, "must be printable ASCII text, got " + quote_token(text));
            value = text;
            break;
        }
        check_range(spec, value, mark);
        cfg_.entries_[spec.path] = Config::Entry{value, true, mark.line + 1, mark.column + 1};
    }

    void check_range(const ParamSpec& spec, const ParamValue& value, const YAML::Mark& mark)
    {
        double v;
        if (auto i = std::get_if<int64_t>(&value))
            v = static_cast<double>(*i);
        else if (auto f = std::get_if<double>(&value))
            v = *f;
        else
            return;
        const bool below = spec.min && v < *spec.min;
        const bool above = spec.max && v > *spec.max;
        if (below || above)
            fail_at(mark, spec.path, "value " + format_param_value(value) + " out of range " + param_range_text(spec));
    }

    void resolve_defaults()
    {
        // Declaration order lets a derived default depend on earlier parameters.
        for (const auto& spec : schema_.params()) {
            if (cfg_.entries_.count(spec.path))
                continue;
            if (spec.default_value)
                cfg_.entries_[spec.path] = Config::Entry{*spec.default_value, false, 0, 0};
            else if (spec.derived_default)
                cfg_.entries_[spec.path] = Config::Entry{spec.derived_default(cfg_), false, 0, 0};
            else
                throw ConfigError(cfg_.source_ + ": " + spec.path + ": required key is missing (" + spec.description + ")");
        }
    }

    const ParamSchema& schema_;
    Config& cfg_;
};

Config Config::load_string(const std::string& yaml, const std::string& name, const ParamSchema& schema)
{
    Config cfg;
    cfg.source_ = name;
    YAML::Node root;
    try {
        root = load_yaml(yaml, name, "config");
    } catch (const InputError& e) {  // a syntax error or a broken size, depth or node limit
        throw ConfigError(e.what());
    }
    ConfigLoader(schema, cfg).load(root);
    return cfg;
}

Config Config::load_file(const std::string& path, const ParamSchema& schema)
{
    std::string text;
    try {
        text = read_yaml_file(path, "config");
    } catch (const InputError& e) {
        throw ConfigError(e.what());
    }
    return load_string(text, path, schema);
}

const Config::Entry& Config::entry(const std::string& path) const
{
    auto it = entries_.find(path);
    if (it == entries_.end())
        throw std::logic_error("config parameter not declared: " + path);
    return it->second;
}

int64_t Config::get_int(const std::string& path) const { return std::get<int64_t>(entry(path).value); }
double Config::get_float(const std::string& path) const { return std::get<double>(entry(path).value); }
bool Config::get_bool(const std::string& path) const { return std::get<bool>(entry(path).value); }
const std::string& Config::get_string(const std::string& path) const
{
    return std::get<std::string>(entry(path).value);
}

void Config::fail(const std::string& path, const std::string& reason) const
{
    const Entry& e = entry(path);
    std::ostringstream os;
    os << source_;
    if (e.from_file)
        os << ":" << e.line << ":" << e.col;
    os << ": " << path << ": " << reason;
    if (!e.from_file)
        os << " (value is the default)";
    throw ConfigError(os.str());
}

namespace {

// A value as YAML that loads back to it: a string the way yaml-cpp's emitter writes it (plain
// when that reads back the same, else quoted: a name such as "a: b #c" or "~").
std::string yaml_value(const ParamValue& value)
{
    if (const std::string* s = std::get_if<std::string>(&value)) {
        YAML::Emitter out;
        out << *s;
        return out.c_str();
    }
    return format_param_value(value);
}

}  // namespace

std::string Config::describe(const ParamSchema& schema) const
{
    std::ostringstream os;
    os << "# resolved from " << source_ << "\n";
    std::vector<std::string> open;  // currently open sections
    for (const auto& spec : schema.params()) {
        std::vector<std::string> parts;
        std::stringstream ss(spec.path);
        for (std::string p; std::getline(ss, p, '.');)
            parts.push_back(p);
        size_t common = 0;
        while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common])
            ++common;
        open.resize(common);
        for (size_t i = common; i + 1 < parts.size(); ++i) {
            os << std::string(2 * i, ' ') << parts[i] << ":\n";
            open.push_back(parts[i]);
        }
        const Entry& e = entry(spec.path);
        std::ostringstream line;
        line << std::string(2 * (parts.size() - 1), ' ') << parts.back() << ": " << yaml_value(e.value);
        std::string l = line.str();
        if (l.size() < 36)
            l += std::string(36 - l.size(), ' ');
        os << l << "  # " << param_type_name(spec.type);
        if (spec.min || spec.max)
            os << " " << param_range_text(spec);
        os << "; " << spec.description << " [";
        if (e.from_file)
            os << "file line " << e.line;
        else if (spec.default_value)
            os << "default";
        else
            os << "default: " << spec.derived_text;
        os << "]\n";
    }
    return os.str();
}

}  // namespace lpu
