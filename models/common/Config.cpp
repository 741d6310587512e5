#include "Config.h"

#include "models/common/Error.h"

#include <yaml-cpp/yaml.h>

#include <sstream>
#include <stdexcept>

namespace lpu {

const Config::Entry& Config::entry(const std::string& path) const
{
    auto it = index_.find(path);
    if (it == index_.end())
        throw std::logic_error("config parameter not read: " + path);
    return entries_[it->second];
}

void Config::add(Entry e)
{
    if (!index_.emplace(e.spec.path, entries_.size()).second)
        throw std::logic_error("config parameter read twice: " + e.spec.path);
    entries_.push_back(std::move(e));
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

std::string Config::describe() const
{
    std::ostringstream os;
    os << "# resolved from " << source_ << "\n";
    std::vector<std::string> open;  // currently open sections
    for (const Entry& e : entries_) {
        const ParamSpec& spec = e.spec;
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
