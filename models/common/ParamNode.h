// Parameters declared where they are read, in the style of Ramulator 2's param<T>(): one
// statement gives a parameter's key (relative to its unit's node), type, range, default or
// derivation and description, and yields its value:
//
//   p.rows = n.param<unsigned>("rows", "rows K of a plane").range(1, 4096).derived(lanes, "S * G");
//
// A ParamNode is one map of a YAML document (a chip config's `chip.mxm`, or the same keys inside
// a system file). Reading is strict: a value of the wrong type or out of range, a duplicate key,
// a section that is not a map, a missing required key, a broken check and any key no parameter
// read are errors "file:line:col: key.path: reason". They are collected while the document is read
// (a bad value reads as its default meanwhile) and the root's finish() throws the first one in
// file order, as a reader would meet them: a misspelt key is reported as unknown, not as the
// required key it leaves missing. Everything read is recorded, in reading order, in a Config:
// what `lpusim config` prints and what later checks name positions from.
#pragma once

#include "models/common/Config.h"
#include "models/common/ParamSpec.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace lpu {

class ParamNode;

// One parameter being declared: its range, default or derivation, then its value (converting
// the statement to T reads it).
template <class T> class ParamRead {
public:
    ParamRead(ParamNode& node, ParamSpec spec) : node_(node), spec_(std::move(spec)) {}
    ParamRead&& range(double lo, double hi) &&
    {
        spec_.min = lo;
        spec_.max = hi;
        return std::move(*this);
    }
    // The value when the file has none.
    ParamRead&& def(T value) &&
    {
        spec_.default_value = to_value(value);
        return std::move(*this);
    }
    // A default that follows from parameters read before (`text` says how, for `lpusim config`).
    ParamRead&& derived(T value, std::string text) &&
    {
        derived_ = to_value(value);
        spec_.derived_text = std::move(text);
        return std::move(*this);
    }
    // Reads the value (also what converting the statement to T does).
    T value() &&;
    operator T() && { return std::move(*this).value(); }  // NOLINT(google-explicit-constructor)

private:
    static ParamValue to_value(const T& v)
    {
        if constexpr (std::is_same_v<T, bool>)
            return v;
        else if constexpr (std::is_integral_v<T>)
            return static_cast<int64_t>(v);
        else if constexpr (std::is_floating_point_v<T>)
            return static_cast<double>(v);
        else
            return std::string(v);
    }

    ParamNode& node_;
    ParamSpec spec_;
    std::optional<ParamValue> derived_;
};

class ParamNode {
public:
    // The root map of a document already parsed within limits (load_yaml), recording into `record`.
    // `what_top` names the file's expected top-level keys for an empty document.
    static ParamNode root(std::shared_ptr<Config> record, const YAML::Node& doc, const std::string& what_top);

    // Declares and reads the parameter `key` of this node (T: an integer type, double, bool or
    // std::string).
    template <class T> ParamRead<T> param(const std::string& key, const std::string& description)
    {
        ParamSpec spec;
        spec.path = key;
        spec.type = type_of<T>();
        spec.description = description;
        return ParamRead<T>(*this, std::move(spec));
    }
    // The section `key`: a map of further keys (absent: every key takes its default).
    ParamNode section(const std::string& key);
    // The keys of this node in file order, each once: for a map whose keys are names the file
    // chooses (a system's chip types, its chips), each then read with section(name).
    std::vector<std::string> keys() const;
    // The items of the list `key` (absent or empty: none), each a map of keys read like a
    // section, with the path "key[i]". A value that is not a list, or an item that is not a map,
    // is an error.
    std::vector<ParamNode> items(const std::string& key);
    // A broken rule about this node as a whole (a section or list item): "source:line:col: path:
    // reason" at its key (a list item: at the item), or unpositioned when the file has no such node.
    void fail_here(const std::string& reason);
    // Every key under this node in the file is one a parameter or section read (else an error
    // naming the keys allowed here; also for a section that is not a map). On the root, throws
    // ConfigError for the first error of the document, if any.
    void finish();

    // A broken rule about a parameter read before: "source:line:col: path.key: reason" at its
    // value (or "(value is the default)"). Reported when the root finishes.
    void fail(const std::string& key, const std::string& reason);
    // This node's path from the document's root ("chip.mxm"; "" for the root).
    const std::string& path() const { return path_; }
    // Where everything read from this document is recorded.
    const std::shared_ptr<Config>& record() const { return doc_->record; }

private:
    template <class U> friend class ParamRead;
    struct Error {
        bool positioned;  // from a place in the file: reported before errors of defaults
        int line, col;
        size_t seq;
        std::string text;
    };
    // What all nodes of one document share.
    struct Document {
        std::shared_ptr<Config> record;
        std::vector<Error> errors;
    };
    ParamNode(std::shared_ptr<Document> doc, YAML::Node node, std::string path);
    template <class T> static ParamType type_of()
    {
        if constexpr (std::is_same_v<T, bool>)
            return ParamType::Bool;
        else if constexpr (std::is_integral_v<T>)
            return ParamType::Int;
        else if constexpr (std::is_floating_point_v<T>)
            return ParamType::Float;
        else
            return ParamType::String;
    }
    // Reads spec.path under this node (recorded with its full path); the value is already
    // range-checked, so the caller's conversion to T cannot overflow.
    ParamValue read(ParamSpec spec, const std::optional<ParamValue>& derived);
    std::optional<ParamValue> scalar(const ParamSpec& spec, const YAML::Node& value, const YAML::Mark& key_mark) const;
    void check_keys() const;
    void fail_at(const YAML::Mark& mark, const std::string& path, const std::string& reason) const;
    void error(bool positioned, int line, int col, std::string text) const;
    // The value a parameter reads as after an error: its default, else the bottom of its range.
    static ParamValue fallback(const ParamSpec& spec, const std::optional<ParamValue>& derived);
    std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    std::shared_ptr<Document> doc_;
    YAML::Node node_;  // a map, or undefined when absent (or not a map: not_map_)
    std::string path_;
    std::vector<std::string> declared_;  // keys read here, in order
    bool root_ = false;
    bool not_map_ = false;
    YAML::Mark not_map_mark_;
    std::optional<YAML::Mark> key_mark_;  // where the file names this node (none: absent or root)
};

template <class T> T ParamRead<T>::value() &&
{
    const ParamValue v = node_.read(std::move(spec_), derived_);
    if constexpr (std::is_same_v<T, bool>)
        return std::get<bool>(v);
    else if constexpr (std::is_integral_v<T>)
        return static_cast<T>(std::get<int64_t>(v));
    else if constexpr (std::is_floating_point_v<T>)
        return static_cast<T>(std::get<double>(v));
    else
        return std::get<std::string>(v);
}

}  // namespace lpu
