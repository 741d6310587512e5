#include "ParamNode.h"

#include "models/common/Error.h"
#include "models/common/YamlText.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace lpu {

namespace {

std::string list(const std::vector<std::string>& keys)
{
    std::string out;
    for (const auto& k : keys)
        out += (out.empty() ? "" : ", ") + k;
    return out;
}

}  // namespace

ParamNode::ParamNode(std::shared_ptr<Document> doc, YAML::Node node, std::string path)
    : doc_(std::move(doc)), node_(std::move(node)), path_(std::move(path))
{}

ParamNode ParamNode::root(std::shared_ptr<Config> record, const YAML::Node& doc, const std::string& what_top)
{
    const std::string& source = record->source();
    if (!doc.IsDefined() || doc.IsNull())
        throw ConfigError(source + ": empty " + what_top);
    if (!doc.IsMap())
        throw ConfigError(yaml_position(source, doc.Mark()) + ": top level must be a map of keys");
    ParamNode n(std::make_shared<Document>(Document{std::move(record), {}}), doc, "");
    n.root_ = true;
    n.check_keys();
    return n;
}

void ParamNode::error(bool positioned, int line, int col, std::string text) const
{
    doc_->errors.push_back({positioned, line, col, doc_->errors.size(), std::move(text)});
}

void ParamNode::fail_at(const YAML::Mark& mark, const std::string& path, const std::string& reason) const
{
    error(true, mark.line, mark.column, yaml_position(doc_->record->source(), mark) + ": " + path + ": " + reason);
}

void ParamNode::fail(const std::string& key, const std::string& reason)
{
    const Config::Entry& e = doc_->record->entry(join(key));
    try {
        doc_->record->fail(join(key), reason);
    } catch (const ConfigError& c) {
        error(e.from_file, e.line - 1, e.col - 1, c.what());
    }
}

ParamValue ParamNode::fallback(const ParamSpec& spec, const std::optional<ParamValue>& derived)
{
    if (spec.default_value)
        return *spec.default_value;
    if (derived)
        return *derived;
    switch (spec.type) {
    case ParamType::Int: return static_cast<int64_t>(spec.min.value_or(0));
    case ParamType::Float: return spec.min.value_or(0);
    case ParamType::Bool: return false;
    case ParamType::String: return std::string("?");
    }
    return int64_t{0};
}

// Keys must be plain names, each once: checked before any value is read.
void ParamNode::check_keys() const
{
    std::set<std::string> seen;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        // Copies: yaml-cpp's iterator yields a temporary, so references into it would dangle.
        const YAML::Node key_node = it->first;
        if (!key_node.IsScalar())
            fail_at(key_node.Mark(), path_.empty() ? "(top level)" : path_, "keys must be plain names");
        if (!seen.insert(key_node.Scalar()).second)
            fail_at(key_node.Mark(), join(cut_token(key_node.Scalar())), "duplicate key");
    }
}

ParamNode ParamNode::section(const std::string& key)
{
    declared_.push_back(key);
    ParamNode child(doc_, YAML::Node(), join(key));
    if (node_.IsMap()) {
        for (auto it = node_.begin(); it != node_.end(); ++it) {
            const YAML::Node key_node = it->first;
            if (key_node.Scalar() != key)
                continue;
            const YAML::Node value = it->second;
            child.key_mark_ = key_node.Mark();
            if (value.IsMap()) {
                child.node_ = value;
                child.check_keys();
            } else {
                // Reported by the section's finish(), which knows its keys.
                child.not_map_ = true;
                child.not_map_mark_ = value.Mark();
            }
        }
    }
    return child;
}

std::vector<std::string> ParamNode::keys() const
{
    std::vector<std::string> out;
    std::set<std::string> seen;  // a duplicate key is already an error (check_keys); read it once
    for (auto it = node_.begin(); node_.IsMap() && it != node_.end(); ++it) {
        const YAML::Node key_node = it->first;
        if (key_node.IsScalar() && seen.insert(key_node.Scalar()).second)
            out.push_back(key_node.Scalar());
    }
    return out;
}

std::vector<ParamNode> ParamNode::items(const std::string& key)
{
    declared_.push_back(key);
    std::vector<ParamNode> out;
    std::optional<YAML::Node> found;
    // The first `key` only: a second one is already an error (check_keys), its items not read.
    for (auto it = node_.begin(); node_.IsMap() && it != node_.end() && !found; ++it)
        if (it->first.Scalar() == key)
            found.emplace(it->second);
    if (!found || found->IsNull())
        return out;
    const YAML::Node value = *found;
    if (!value.IsSequence()) {
        fail_at(value.Mark(), join(key), "must be a list of maps");
        return out;
    }
    size_t i = 0;
    for (auto it = value.begin(); it != value.end(); ++it, ++i) {
        const YAML::Node item = *it;
        ParamNode child(doc_, YAML::Node(), join(key) + "[" + std::to_string(i) + "]");
        child.key_mark_ = item.Mark();
        if (item.IsMap()) {
            child.node_ = item;
            child.check_keys();
        } else {
            child.not_map_ = true;  // reported by the item's finish(), which knows its keys
            child.not_map_mark_ = item.Mark();
        }
        out.push_back(std::move(child));
    }
    return out;
}

void ParamNode::fail_here(const std::string& reason)
{
    if (key_mark_)
        fail_at(*key_mark_, path_, reason);
    else
        error(false, 0, 0, doc_->record->source() + ": " + path_ + ": " + reason);
}

void ParamNode::finish()
{
    if (not_map_)
        fail_at(not_map_mark_, path_, "must be a map (section with keys: " + list(declared_) + ")");
    for (auto it = node_.begin(); node_.IsMap() && it != node_.end(); ++it) {
        const YAML::Node key_node = it->first;
        const std::string key = key_node.Scalar();
        bool known = false;
        for (const auto& d : declared_)
            known = known || d == key;
        if (!known && key_node.IsScalar())
            fail_at(key_node.Mark(), join(cut_token(key)),
                    "unknown key" + did_you_mean(key, declared_, 2) + "; allowed here: " + list(declared_));
    }
    if (!root_ || doc_->errors.empty())
        return;
    // The first in file order; errors about defaults (no position) after them, in reading order.
    const auto first = std::min_element(doc_->errors.begin(), doc_->errors.end(), [](const Error& a, const Error& b) {
        if (a.positioned != b.positioned)
            return a.positioned;
        if (a.positioned && (a.line != b.line || a.col != b.col))
            return a.line != b.line ? a.line < b.line : a.col < b.col;
        return a.seq < b.seq;
    });
    throw ConfigError(first->text);
}

ParamValue ParamNode::read(ParamSpec spec, const std::optional<ParamValue>& derived)
{
    declared_.push_back(spec.path);
    spec.path = join(spec.path);
    Config::Entry e{spec, {}, false, 0, 0};
    bool found = false;
    if (node_.IsMap()) {
        const std::string key = spec.path.substr(path_.empty() ? 0 : path_.size() + 1);
        for (auto it = node_.begin(); it != node_.end() && !found; ++it) {
            const YAML::Node key_node = it->first;
            if (key_node.Scalar() != key)
                continue;
            const YAML::Node value = it->second;
            const std::optional<ParamValue> v = scalar(spec, value, key_node.Mark());
            e.value = v ? *v : fallback(spec, derived);
            e.from_file = true;
            e.line = value.Mark().line + 1;
            e.col = value.Mark().column + 1;
            found = true;
        }
    }
    if (!found) {
        e.value = fallback(spec, derived);
        if (!spec.default_value && !derived)
            error(false, 0, 0,
                  doc_->record->source() + ": " + spec.path + ": required key is missing (" + spec.description + ")");
    }
    doc_->record->add(e);
    return e.value;
}

std::optional<ParamValue> ParamNode::scalar(const ParamSpec& spec, const YAML::Node& node,
                                            const YAML::Mark& key_mark) const
{
    const YAML::Mark mark = node.Mark();
    if (!node.IsDefined() || node.IsNull()) {
        fail_at(key_mark, spec.path, "has no value (expected " + std::string(param_type_name(spec.type)) + ")");
        return std::nullopt;
    }
    if (!node.IsScalar()) {
        fail_at(mark, spec.path,
                std::string("expected a value of type ") + param_type_name(spec.type) + ", got a " +
                    (node.IsMap() ? "map" : "list"));
        return std::nullopt;
    }
    const std::string text = node.Scalar();
    // Quoted scalars are strings: "16" is not the number 16.
    const bool plain = node.Tag() == "?";
    ParamValue value;
    switch (spec.type) {
    case ParamType::Int: {
        int64_t v = 0;
        const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
        if (!plain || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
            fail_at(mark, spec.path, "expected an integer, got " + quote_token(text));
            return std::nullopt;
        }
        value = v;
        break;
    }
    case ParamType::Float: {
        // Decimal only (from_chars, not strtod: no hex such as 0x10, no locale, no leading space).
        double v = 0;
        const auto res = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
        if (!plain || res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v)) {
            fail_at(mark, spec.path, "expected a number, got " + quote_token(text));
            return std::nullopt;
        }
        value = v;
        break;
    }
    case ParamType::Bool:
        if (!plain || (text != "true" && text != "false")) {
            fail_at(mark, spec.path, "expected true or false, got " + quote_token(text));
            return std::nullopt;
        }
        value = text == "true";
        break;
    case ParamType::String:
        if (text.empty()) {
            fail_at(mark, spec.path, "must not be empty");
            return std::nullopt;
        }
        // Names are printable ASCII: a control character or a stray byte (found by the config
        // harness) did not survive `lpusim config`'s resolved text, and means nothing in a name.
        if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
            fail_at(mark, spec.path, "must be printable ASCII text, got " + quote_token(text));
            return std::nullopt;
        }
        value = text;
        break;
    }
    if (!param_in_range(spec, value)) {
        fail_at(mark, spec.path, "value " + format_param_value(value) + " out of range " + param_range_text(spec));
        return std::nullopt;
    }
    return value;
}

}  // namespace lpu
