// Loading a workload YAML file (docs/workload.md). Strict in the style of the chip config loader
// (models/common/Config.cpp): every key is known, every value has its YAML type (a quoted number
// is a string), and every error is an InputError "file:line:col: where: reason", where `where`
// is the key path inside the workload (`tensors.X.shape`, `layers[2] (act1).a`, `outputs[1]`).
#include "compiler/Workload.h"

#include "models/common/Error.h"
#include "models/common/YamlText.h"
#include "models/vxm/VxmAlu.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

namespace lpu {

namespace {

// Sanity limits, far above any chip's memory, so that a typo cannot ask for terabytes.
constexpr int64_t kMaxDim = int64_t{1} << 24;
constexpr int64_t kMaxElements = int64_t{1} << 28;

struct OpInfo {
    LayerOp op;
    const char* name;
    unsigned operands;               // a, or a and b
    std::vector<std::string> extra;  // the op's own keys besides name, op, a, (b), out
};

const std::vector<OpInfo>& op_table()
{
    static const std::vector<OpInfo> table = {
        {LayerOp::Matmul, "matmul", 2, {}},
        {LayerOp::Add, "add", 2, {}},
        {LayerOp::Sub, "sub", 2, {}},
        {LayerOp::Mul, "mul", 2, {}},
        {LayerOp::Max, "max", 2, {}},
        {LayerOp::Min, "min", 2, {}},
        {LayerOp::Relu, "relu", 1, {}},
        {LayerOp::Gelu, "gelu", 1, {}},
        {LayerOp::Tanh, "tanh", 1, {}},
        {LayerOp::Exp, "exp", 1, {}},
        {LayerOp::Requant, "requant", 1, {"multiplier", "shift", "zero_point", "rounding", "to"}},
        {LayerOp::Convert, "convert", 1, {"to"}},
        {LayerOp::Softmax, "softmax", 1, {"axis"}},
        {LayerOp::RmsNorm, "rms_norm", 1, {"eps", "axis"}},
        {LayerOp::LayerNorm, "layer_norm", 1, {"eps", "axis"}},
        {LayerOp::Transpose, "transpose", 1, {}},
    };
    return table;
}

const OpInfo& op_info(LayerOp op)
{
    for (const auto& info : op_table())
        if (info.op == op)
            return info;
    return op_table().front();  // unreachable: the table lists every LayerOp
}

constexpr TensorType kAllTypes[] = {TensorType::I8, TensorType::U8, TensorType::I32, TensorType::F16, TensorType::F32};

// " (did you mean 'x'?)" for a near miss among `known`, else "": at most 2 edits and at most
// half the word ("eps" is not a typo of "op").
std::string near_miss(const std::string& word, const std::vector<std::string>& known)
{
    return did_you_mean(word, known, std::min<size_t>(2, word.size() / 2));
}

// "a, b, c"; long lists end in ", ... (N in all)" so that a message stays one readable line.
std::string list(const std::vector<std::string>& names, size_t max = 12)
{
    std::string out;
    for (size_t i = 0; i < names.size() && i < max; ++i)
        out += (i ? ", " : "") + cut_token(names[i]);
    if (names.size() > max)
        out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out.empty() ? "none" : out;
}

bool is_identifier(const std::string& s)
{
    auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.empty() || !alpha(s[0]))
        return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c); });
}

bool is_workload_name(const std::string& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

const char* node_kind(const YAML::Node& n)
{
    if (n.IsMap())
        return "map";
    if (n.IsSequence())
        return "list";
    return "scalar";
}

bool is_plain(const YAML::Node& n) { return n.Tag() == "?"; }  // unquoted scalar

std::string shape_of(int64_t rows, int64_t cols, int dims)
{
    return dims == 1 ? "[" + std::to_string(cols) + "]"
                     : "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
}

std::string describe(const WorkloadTensor& t)
{
    return quote_token(t.name) + " is " + t.shape_text() + " " + tensor_type_name(t.type);
}

std::optional<VxmType> vxm_type_of(TensorType t)
{
    switch (t) {
    case TensorType::I8: return VxmType::I8;
    case TensorType::I32: return VxmType::I32;
    case TensorType::F16: return VxmType::F16;
    case TensorType::F32: return VxmType::F32;
    case TensorType::U8: break;  // the VXM has no unsigned arithmetic type
    }
    return std::nullopt;
}

// A key and its value in a YAML map.
struct Entry {
    YAML::Node key, value;
};
using Fields = std::map<std::string, Entry>;

class WorkloadLoader {
public:
    explicit WorkloadLoader(std::string source) : source_(std::move(source))
    {
        wl_.source = source_;
        dir_ = std::filesystem::path(source_).parent_path();
    }

    Workload load(const YAML::Node& root)
    {
        if (!root.IsDefined() || root.IsNull())
            throw InputError(source_ + ": empty workload (expected 'version: 1' and a 'workload' map)");
        if (!root.IsMap())
            fail(root.Mark(), "(top level)", "must be a map with 'version' and 'workload'");
        Fields top = fields(root, "(top level)", "", {"version", "workload"}, "allowed here");
        const Entry& version = require(top, "version", root, "(top level)");
        const int64_t v = integer(version, "version", "an integer");
        if (v != 1)
            fail(version.value.Mark(), "version",
                 "unsupported version " + std::to_string(v) + " (this build reads version 1)");
        const Entry& body = require(top, "workload", root, "(top level)");
        if (!body.value.IsMap())
            fail(body.value.IsNull() ? body.key.Mark() : body.value.Mark(), "workload",
                 "must be a map with name, tensors, layers and outputs");
        load_body(body.value);
        return std::move(wl_);
    }

private:
    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& where, const std::string& reason) const
    {
        throw InputError(yaml_position(source_, mark) + ": " + where + ": " + reason);
    }

    static std::string join(const std::string& prefix, const std::string& key)
    {
        return prefix.empty() ? key : prefix + "." + key;
    }

    // The keys of `map`, each checked: a plain name, not repeated, one of `allowed`. `where` names
    // the map itself, `prefix` starts its children's paths.
    // `hint`, if given, explains an unknown key in more words (e.g. which ops take it).
    Fields fields(const YAML::Node& map, const std::string& where, const std::string& prefix,
                  const std::vector<std::string>& allowed, const std::string& allowed_label,
                  const std::function<std::string(const std::string&)>& hint = {}) const
    {
        Fields out;
        for (auto it = map.begin(); it != map.end(); ++it) {
            // Copies: yaml-cpp's iterator yields a temporary.
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (!key.IsScalar())
                fail(key.Mark(), where, "keys must be plain names");
            const std::string name = key.Scalar();
            const std::string path = join(prefix, cut_token(name));
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                const std::string more = hint ? hint(name) : "";
                fail(key.Mark(), path,
                     "unknown key" + (more.empty() ? near_miss(name, allowed) : more) + "; " + allowed_label + ": " +
                         list(allowed, 99));
            }
            if (!out.emplace(name, Entry{key, value}).second)
                fail(key.Mark(), path, "duplicate key");
        }
        return out;
    }

    const Entry& require(const Fields& f, const std::string& key, const YAML::Node& map, const std::string& where) const
    {
        auto it = f.find(key);
        if (it == f.end())
            fail(map.Mark(), where, "missing required key " + quote_token(key));
        return it->second;
    }

    static const Entry* find(const Fields& f, const std::string& key)
    {
        auto it = f.find(key);
        return it == f.end() ? nullptr : &it->second;
    }

    // The scalar text of a value; `expected` says what it should be ("an integer", ...).
    std::string scalar(const Entry& e, const std::string& where, const std::string& expected) const
    {
        if (!e.value.IsDefined() || e.value.IsNull())
            fail(e.key.Mark(), where, "has no value (expected " + expected + ")");
        if (!e.value.IsScalar())
            fail(e.value.Mark(), where, "expected " + expected + ", got a " + node_kind(e.value));
        return e.value.Scalar();
    }

    std::string string(const Entry& e, const std::string& where, const std::string& expected) const
    {
        std::string text = scalar(e, where, expected);
        if (text.empty())
            fail(e.value.Mark(), where, "must not be empty");
        return text;
    }

    void check_plain_number(const Entry& e, const std::string& where, const std::string& expected,
                            const std::string& text) const
    {
        if (!is_plain(e.value))
            fail(e.value.Mark(), where,
                 "expected " + expected + ", got the quoted string \"" + cut_token(text) +
                     "\" (a quoted number is not a number)");
    }

    int64_t integer(const Entry& e, const std::string& where, const std::string& expected) const
    {
        const std::string text = scalar(e, where, expected);
        check_plain_number(e, where, expected, text);
        int64_t v = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), v);
        if (res.ec != std::errc() || res.ptr != text.data() + text.size())
            fail(e.value.Mark(), where, "expected " + expected + ", got " + quote_token(text));
        return v;
    }

    int64_t integer_in(const Entry& e, const std::string& where, int64_t lo, int64_t hi,
                       const std::string& expected) const
    {
        const int64_t v = integer(e, where, expected);
        if (v < lo || v > hi)
            fail(e.value.Mark(), where,
                 std::to_string(v) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
        return v;
    }

    uint64_t seed(const Entry& e, const std::string& where) const
    {
        const std::string expected = "a non-negative integer";
        const std::string text = scalar(e, where, expected);
        check_plain_number(e, where, expected, text);
        uint64_t v = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), v);
        if (res.ec != std::errc() || res.ptr != text.data() + text.size())
            fail(e.value.Mark(), where, "expected " + expected + " below 2^64, got " + quote_token(text));
        return v;
    }

    double number(const Entry& e, const std::string& where) const
    {
        const std::string text = scalar(e, where, "a number");
        check_plain_number(e, where, "a number", text);
        // Decimal only, as in chip configs (from_chars, not strtod: no hex floats such as 0x1p-3,
        // no locale, and no number that ends at an embedded NUL byte).
        double v = 0;
        const auto res = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
        if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
            fail(e.value.Mark(), where, "expected a finite number, got " + quote_token(text));
        return v;
    }

    TensorType type(const Entry& e, const std::string& where) const
    {
        const std::string text = scalar(e, where, "a type (i8, u8, i32, f16 or f32)");
        for (TensorType t : kAllTypes)
            if (text == tensor_type_name(t))
                return t;
        fail(e.value.Mark(), where, "unknown type " + quote_token(text) + " (expected i8, u8, i32, f16 or f32)");
    }

    void load_body(const YAML::Node& body)
    {
        Fields f = fields(body, "workload", "", {"name", "seed", "tensors", "layers", "outputs"}, "allowed here");
        const Entry& name = require(f, "name", body, "workload");
        wl_.name = string(name, "name", "a name of letters, digits, '_' and '-'");
        if (!is_workload_name(wl_.name))
            fail(name.value.Mark(), "name", quote_token(wl_.name) + " is not a name of letters, digits, '_' and '-'");
        if (const Entry* s = find(f, "seed"))
            wl_.seed = seed(*s, "seed");

        const Entry& tensors = require(f, "tensors", body, "workload");
        if (!tensors.value.IsMap())
            fail(tensors.value.IsNull() ? tensors.key.Mark() : tensors.value.Mark(), "tensors",
                 "must be a map of tensor names to {shape, type}");
        for (auto it = tensors.value.begin(); it != tensors.value.end(); ++it)
            load_tensor(it->first, it->second);

        const Entry& layers = require(f, "layers", body, "workload");
        if (!layers.value.IsSequence() || layers.value.size() == 0)
            fail(layers.value.IsNull() ? layers.key.Mark() : layers.value.Mark(), "layers",
                 "must be a non-empty list of layers ({name, op, a, ..., out})");
        for (size_t i = 0; i < layers.value.size(); ++i)
            load_layer(layers.value, i);

        const Entry& outputs = require(f, "outputs", body, "workload");
        if (!outputs.value.IsSequence() || outputs.value.size() == 0)
            fail(outputs.value.IsNull() ? outputs.key.Mark() : outputs.value.Mark(), "outputs",
                 "must be a non-empty list of tensor names");
        for (size_t i = 0; i < outputs.value.size(); ++i)
            load_output(outputs.value[i], i);
    }

    void load_tensor(const YAML::Node& key, const YAML::Node& value)
    {
        if (!key.IsScalar())
            fail(key.Mark(), "tensors", "tensor names must be plain names");
        WorkloadTensor t;
        t.name = key.Scalar();
        t.pos = pos(key.Mark());
        const std::string where = "tensors." + cut_token(t.name);
        if (!is_identifier(t.name))
            fail(key.Mark(), where, quote_token(t.name) + " is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        if (const WorkloadTensor* first = tensor(t.name))
            fail(key.Mark(), where, "duplicate tensor (first declared at " + first->pos.text() + ")");
        if (!value.IsMap())
            fail(value.IsNull() ? key.Mark() : value.Mark(), where,
                 std::string("expected a map {shape: [...], type: ...}, got ") +
                     (value.IsNull() ? "nothing" : std::string("a ") + node_kind(value)));
        Fields f = fields(value, where, where, {"shape", "type", "file", "seed"}, "allowed here");

        const Entry& shape = require(f, "shape", value, where);
        load_shape(shape, where + ".shape", t);
        t.type = type(require(f, "type", value, where), where + ".type");

        const Entry* file = find(f, "file");
        const Entry* own_seed = find(f, "seed");
        if (file && own_seed)
            fail(own_seed->key.Mark(), where + ".seed", "a tensor has either 'file' or 'seed', not both");
        if (file) {
            t.source = WorkloadTensor::Source::File;
            const std::filesystem::path p = string(*file, where + ".file", "a .npy path");
            t.file = (p.is_absolute() || dir_.empty() ? p : dir_ / p).string();
        } else {
            t.source = WorkloadTensor::Source::Random;
            t.seed = own_seed ? seed(*own_seed, where + ".seed") : workload_tensor_seed(wl_.seed, t.name);
        }
        add_tensor(std::move(t));
    }

    void load_shape(const Entry& e, const std::string& where, WorkloadTensor& t) const
    {
        const std::string expected = "a list of 1 or 2 positive integers ([cols] or [rows, cols])";
        if (!e.value.IsDefined() || e.value.IsNull())
            fail(e.key.Mark(), where, "has no value (expected " + expected + ")");
        if (!e.value.IsSequence())
            fail(e.value.Mark(), where, "expected " + expected + ", got a " + node_kind(e.value));
        const size_t n = e.value.size();
        if (n != 1 && n != 2)
            fail(e.value.Mark(), where, "expected " + expected + ", got " + std::to_string(n) + " entries");
        int64_t dim[2] = {1, 1};
        for (size_t i = 0; i < n; ++i) {
            const std::string w = where + "[" + std::to_string(i) + "]";
            const YAML::Node item = e.value[i];
            const Entry entry{e.key, item};
            dim[i] = integer(entry, w, "a positive integer");
            if (dim[i] < 1)
                fail(item.Mark(), w, "expected a positive integer, got " + std::to_string(dim[i]));
            if (dim[i] > kMaxDim)
                fail(item.Mark(), w, std::to_string(dim[i]) + " is above the limit 2^24");
        }
        t.dims = static_cast<int>(n);
        t.rows = n == 2 ? dim[0] : 1;
        t.cols = n == 2 ? dim[1] : dim[0];
        if (t.elements() > kMaxElements)
            fail(e.value.Mark(), where, t.shape_text() + " has more than 2^28 elements");
    }

    WorkloadPos pos(const YAML::Mark& m) const { return WorkloadPos{source_, m.line + 1, m.column + 1}; }

    // Where an undefined operand comes from, for the message: a later layer, or nowhere.
    std::string undefined_reason(const std::string& name, const YAML::Node& layers, size_t index) const
    {
        for (size_t j = index + 1; j < layers.size(); ++j) {
            const YAML::Node l = layers[j];
            if (!l.IsMap())
                continue;
            const YAML::Node out = l["out"];
            if (out.IsDefined() && out.IsScalar() && out.Scalar() == name) {
                const YAML::Node n = l["name"];
                const std::string label = n.IsDefined() && n.IsScalar() ? " (" + cut_token(n.Scalar()) + ")" : "";
                return "tensor " + quote_token(name) + " is produced later, by layers[" + std::to_string(j) + "]" +
                       label + ": layers run in the order listed";
            }
        }
        std::vector<std::string> known;
        for (const auto& t : wl_.tensors)
            known.push_back(t.name);
        return "tensor " + quote_token(name) + " is not defined" + near_miss(name, known) +
               "; defined so far: " + list(known);
    }

    // A layer's operands as they are checked: the tensors, where each is named in the file, and
    // the layer's place in messages ("layers[2] (act1)") and its op's name.
    struct Operands {
        std::vector<const WorkloadTensor*> in;
        std::vector<YAML::Mark> mark;
        std::string where, op;
    };

    void load_layer(const YAML::Node& layers, size_t index)
    {
        const YAML::Node node = layers[index];
        const std::string at = "layers[" + std::to_string(index) + "]";
        if (!node.IsMap())
            fail(node.Mark(), at, std::string("expected a map {name, op, a, ..., out}, got a ") + node_kind(node));
        // The name and op come first: every other message names the layer, and the op decides
        // which keys are allowed.
        Fields all;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (key.IsScalar())
                all.emplace(key.Scalar(), Entry{key, value});
        }
        WorkloadLayer layer;
        layer.pos = pos(node.Mark());
        layer.name = layer_name(all, node, at);
        const std::string where = at + " (" + layer.name + ")";
        const OpInfo& info = layer_op(all, node, where);
        layer.op = info.op;
        const Fields f = layer_fields(node, info, at, where);

        Operands ops{{}, {}, where, info.name};
        for (const char* k : {"a", "b"}) {
            if (k[0] == 'b' && info.operands < 2)
                break;
            const Entry& e = require(f, k, node, where);
            const std::string w = where + "." + k;
            const std::string tname = string(e, w, "a tensor name");
            const WorkloadTensor* t = tensor(tname);
            if (!t)
                fail(e.value.Mark(), w, undefined_reason(tname, layers, index));
            layer.inputs.push_back(tname);
            ops.in.push_back(t);
            ops.mark.push_back(e.value.Mark());
        }

        const Entry& out_entry = require(f, "out", node, where);
        layer.output = new_output(out_entry, where);
        WorkloadTensor out = infer(layer, node, f, ops);
        out.name = layer.output;
        out.source = WorkloadTensor::Source::Layer;
        out.pos = pos(out_entry.value.Mark());
        if (out.elements() > kMaxElements)
            fail(out_entry.value.Mark(), where + ".out",
                 "the result " + out.shape_text() + " has more than 2^28 elements");
        layer_index_.emplace(layer.name, wl_.layers.size());
        wl_.layers.push_back(layer);
        add_tensor(std::move(out));
    }

    // The layer's name: an identifier no earlier layer has.
    std::string layer_name(const Fields& all, const YAML::Node& node, const std::string& at) const
    {
        const Entry& name = require(all, "name", node, at);
        const std::string text = string(name, at + ".name", "a layer name");
        if (!is_identifier(text))
            fail(name.value.Mark(), at + ".name", quote_token(text) + " is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        if (const auto j = layer_index_.find(text); j != layer_index_.end())
            fail(name.value.Mark(), at + " (" + cut_token(text) + ").name",
                 "duplicate layer name (also layers[" + std::to_string(j->second) + "] at " +
                     wl_.layers[j->second].pos.text() + ")");
        return text;
    }

    const OpInfo& layer_op(const Fields& all, const YAML::Node& node, const std::string& where) const
    {
        const Entry& op_entry = require(all, "op", node, where);
        const std::string op_text = string(op_entry, where + ".op", "an op name");
        std::vector<std::string> op_names;
        for (const auto& o : op_table()) {
            op_names.push_back(o.name);
            if (op_text == o.name)
                return o;
        }
        fail(op_entry.value.Mark(), where + ".op",
             "unknown op " + quote_token(op_text) + near_miss(op_text, op_names) + "; ops: " + list(op_names, 99));
    }

    // The layer's keys, checked against its op's; a key of another op says which ops take it.
    Fields layer_fields(const YAML::Node& node, const OpInfo& info, const std::string& at,
                        const std::string& where) const
    {
        std::vector<std::string> allowed = {"name", "op", "a"};
        if (info.operands == 2)
            allowed.push_back("b");
        allowed.push_back("out");
        allowed.insert(allowed.end(), info.extra.begin(), info.extra.end());
        auto other_ops = [&](const std::string& key) {
            std::vector<std::string> ops;
            for (const auto& o : op_table())
                if ((key == "b" && o.operands == 2) || std::find(o.extra.begin(), o.extra.end(), key) != o.extra.end())
                    ops.push_back(o.name);
            return ops.empty() ? std::string()
                               : " for " + std::string(info.name) + " (it belongs to " + list(ops, 99) + ")";
        };
        return fields(node, at, where, allowed, std::string("allowed for ") + info.name, other_ops);
    }

    // The layer's output: an identifier no tensor has yet.
    std::string new_output(const Entry& out_entry, const std::string& where) const
    {
        const std::string output = string(out_entry, where + ".out", "a new tensor name");
        if (!is_identifier(output))
            fail(out_entry.value.Mark(), where + ".out",
                 quote_token(output) + " is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        if (const WorkloadTensor* old = tensor(output)) {
            std::string from = "declared under tensors at " + old->pos.text();
            for (size_t j = 0; j < wl_.layers.size(); ++j)
                if (wl_.layers[j].output == output)
                    from = "produced by layers[" + std::to_string(j) + "] (" + cut_token(wl_.layers[j].name) + ") at " +
                           old->pos.text();
            fail(out_entry.value.Mark(), where + ".out",
                 "tensor " + quote_token(output) + " already exists (" + from +
                     "); every layer needs a new output name");
        }
        return output;
    }

    // Operand `operand` (0: a, 1: b) must be as `types` says.
    void need(const Operands& o, bool ok, size_t operand, const std::string& types) const
    {
        if (!ok)
            fail(o.mark[operand], o.where + (operand ? ".b" : ".a"),
                 o.op + " needs " + types + ", " + describe(*o.in[operand]));
    }

    // Checks the operands' types and shapes against the op, reads the op's own keys into
    // `layer`, and returns the result tensor's shape and type.
    WorkloadTensor infer(WorkloadLayer& layer, const YAML::Node& node, const Fields& f, const Operands& o) const
    {
        const WorkloadTensor& a = *o.in[0];
        WorkloadTensor out;
        out.rows = a.rows;
        out.cols = a.cols;
        out.dims = a.dims;
        out.type = a.type;
        switch (layer.op) {
        case LayerOp::Matmul: infer_matmul(o, out); break;
        case LayerOp::Add:
        case LayerOp::Sub:
        case LayerOp::Mul:
        case LayerOp::Max:
        case LayerOp::Min: check_binary(layer.op, o); break;
        case LayerOp::Relu: {
            const auto vt = vxm_type_of(a.type);
            need(o, vt && vxm_supports(VxmUnaryOp::Relu, *vt), 0,
                 "a type the VXM computes relu in (i8, i32, f16, f32)");
            break;
        }
        case LayerOp::Tanh:
        case LayerOp::Exp: need(o, a.type == TensorType::F16 || a.type == TensorType::F32, 0, "f16 or f32"); break;
        case LayerOp::Gelu:
        case LayerOp::Softmax:
        case LayerOp::RmsNorm:
        case LayerOp::LayerNorm: need(o, a.type == TensorType::F32, 0, "f32"); break;
        case LayerOp::Transpose:
            out.rows = a.cols;
            out.cols = a.rows;
            out.dims = 2;
            break;
        case LayerOp::Requant:
            need(o, a.type == TensorType::I32, 0, "i32");
            read_requant(layer, node, f, o.where);
            out.type = layer.to;
            break;
        case LayerOp::Convert:
            layer.to = type(require(f, "to", node, o.where), o.where + ".to");
            out.type = layer.to;
            break;
        }
        read_reduction_keys(layer, f, o.where);
        return out;
    }

    void infer_matmul(const Operands& o, WorkloadTensor& out) const
    {
        const WorkloadTensor &a = *o.in[0], &b = *o.in[1];
        // The MXM multiplies integer bytes (i8, u8, mixed) or fp16 by fp16.
        auto byte = [](TensorType t) { return t == TensorType::I8 || t == TensorType::U8; };
        const bool f16 = a.type == TensorType::F16;
        need(o, byte(a.type) || f16, 0, "i8, u8 or f16 operands");
        if (f16)
            need(o, b.type == TensorType::F16, 1, "an f16 b with an f16 a");
        else
            need(o, byte(b.type), 1, "an i8 or u8 b with an i8 or u8 a");
        if (a.cols != b.rows)
            fail(o.mark[1], o.where + ".b",
                 "inner dimensions differ: a " + describe(a) + ", b " + describe(b) + " (a's columns " +
                     std::to_string(a.cols) + " must equal b's rows " + std::to_string(b.rows) + ")");
        out.rows = a.rows;
        out.cols = b.cols;
        out.dims = 2;
        out.type = f16 ? TensorType::F32 : TensorType::I32;
    }

    // add, sub, mul, max, min: a type the VXM computes the op in, b of a's type and shape or one row.
    void check_binary(LayerOp op, const Operands& o) const
    {
        const WorkloadTensor &a = *o.in[0], &b = *o.in[1];
        const auto vt = vxm_type_of(a.type);
        need(o, vt && vxm_supports(layer_binary_op(op), *vt), 0,
             "a type the VXM computes " + o.op + " in (i8, i32, f16, f32)");
        if (b.type != a.type)
            fail(o.mark[1], o.where + ".b",
                 o.op + " needs both operands of one type: a " + describe(a) + ", b " + describe(b));
        const bool same = b.rows == a.rows && b.cols == a.cols;
        const bool row = b.rows == 1 && b.cols == a.cols;
        if (!same && !row)
            fail(o.mark[1], o.where + ".b",
                 o.op + " needs b of a's shape " + a.shape_text() + " or one row [" + std::to_string(a.cols) + "], " +
                     describe(b));
    }

    void read_requant(WorkloadLayer& layer, const YAML::Node& node, const Fields& f, const std::string& where) const
    {
        VxmRequant& rq = layer.requant;
        const int64_t i32_min = std::numeric_limits<int32_t>::min(), i32_max = std::numeric_limits<int32_t>::max();
        rq.multiplier = static_cast<int32_t>(
            integer_in(require(f, "multiplier", node, where), where + ".multiplier", i32_min, i32_max, "an integer"));
        rq.shift =
            static_cast<unsigned>(integer_in(require(f, "shift", node, where), where + ".shift", 0, 63, "an integer"));
        if (const Entry* zp = find(f, "zero_point"))
            rq.zero_point =
                static_cast<int32_t>(integer_in(*zp, where + ".zero_point", i32_min, i32_max, "an integer"));
        if (const Entry* r = find(f, "rounding"))
            rq.rounding = rounding(*r, where + ".rounding");
        layer.to = TensorType::I8;
        if (const Entry* to = find(f, "to")) {
            layer.to = type(*to, where + ".to");
            if (layer.to != TensorType::I8 && layer.to != TensorType::U8)
                fail(to->value.Mark(), where + ".to",
                     std::string("requant produces i8 or u8, not ") + tensor_type_name(layer.to));
        }
        rq.out_unsigned = layer.to == TensorType::U8;
    }

    VxmRounding rounding(const Entry& e, const std::string& where) const
    {
        const std::string text = string(e, where, "a rounding mode");
        std::vector<std::string> modes;
        for (VxmRounding m : {VxmRounding::HalfEven, VxmRounding::HalfAway, VxmRounding::HalfUp, VxmRounding::Floor}) {
            modes.push_back(vxm_rounding_name(m));
            if (text == vxm_rounding_name(m))
                return m;
        }
        fail(e.value.Mark(), where,
             "unknown rounding " + quote_token(text) + near_miss(text, modes) +
                 "; expected half_even, half_away, half_up or floor");
    }

    // softmax, rms_norm, layer_norm: the axis, and the eps of the norms.
    void read_reduction_keys(WorkloadLayer& layer, const Fields& f, const std::string& where) const
    {
        if (layer.op == LayerOp::Softmax || layer.op == LayerOp::RmsNorm || layer.op == LayerOp::LayerNorm) {
            // The reduction axis: 1 (the default) along each row, 0 down each column.
            layer.axis = 1;
            if (const Entry* e = find(f, "axis"))
                layer.axis = static_cast<int>(integer_in(*e, where + ".axis", 0, 1, "0 or 1"));
        }
        if (layer.op == LayerOp::RmsNorm || layer.op == LayerOp::LayerNorm) {
            if (const Entry* e = find(f, "eps")) {
                layer.eps = number(*e, where + ".eps");
                const std::string text = e->value.Scalar();
                if (!(layer.eps > 0))
                    fail(e->value.Mark(), where + ".eps", "must be > 0, got " + text);
                // The lowering adds float(eps): it must stay a positive finite binary32.
                const float e32 = static_cast<float>(layer.eps);
                if (e32 == 0.0f)
                    fail(e->value.Mark(), where + ".eps",
                         text + " is 0 in f32 (the lowering adds float(eps)); the smallest is about 1.4e-45");
                if (!std::isfinite(e32))
                    fail(e->value.Mark(), where + ".eps", text + " overflows f32 (the lowering adds float(eps))");
            }
        }
    }

    void load_output(const YAML::Node& node, size_t index)
    {
        const std::string where = "outputs[" + std::to_string(index) + "]";
        const std::string name = string(Entry{node, node}, where, "a tensor name");
        const auto it = tensor_index_.find(name);
        if (it == tensor_index_.end()) {
            std::vector<std::string> known;
            for (const auto& t : wl_.tensors)
                known.push_back(t.name);
            fail(node.Mark(), where,
                 "tensor " + quote_token(name) + " does not exist" + near_miss(name, known) +
                     "; tensors: " + list(known));
        }
        WorkloadTensor& t = wl_.tensors[it->second];
        if (t.output)
            fail(node.Mark(), where, "tensor " + quote_token(name) + " is listed twice");
        t.output = true;
        wl_.outputs.push_back(name);
    }

    // Name lookups in constant time: a workload of 10,000 layers took seconds with linear
    // searches (found while sizing the YAML node limit).
    const WorkloadTensor* tensor(const std::string& name) const
    {
        const auto it = tensor_index_.find(name);
        return it == tensor_index_.end() ? nullptr : &wl_.tensors[it->second];
    }
    void add_tensor(WorkloadTensor t)
    {
        tensor_index_.emplace(t.name, wl_.tensors.size());
        wl_.tensors.push_back(std::move(t));
    }

    std::string source_;
    std::filesystem::path dir_;
    Workload wl_;
    std::unordered_map<std::string, size_t> tensor_index_;  // name -> index in wl_.tensors
    std::unordered_map<std::string, size_t> layer_index_;   // name -> index in wl_.layers
};

}  // namespace

const char* layer_op_name(LayerOp op) { return op_info(op).name; }

VxmBinaryOp layer_binary_op(LayerOp op)
{
    static const std::map<LayerOp, VxmBinaryOp> kBinary{{LayerOp::Add, VxmBinaryOp::Add},
                                                        {LayerOp::Sub, VxmBinaryOp::Sub},
                                                        {LayerOp::Mul, VxmBinaryOp::Mul},
                                                        {LayerOp::Max, VxmBinaryOp::Max},
                                                        {LayerOp::Min, VxmBinaryOp::Min}};
    return kBinary.at(op);
}

std::string WorkloadTensor::shape_text() const { return shape_of(rows, cols, dims); }

const WorkloadTensor* Workload::tensor(const std::string& tensor_name) const
{
    for (const auto& t : tensors)
        if (t.name == tensor_name)
            return &t;
    return nullptr;
}

uint64_t workload_tensor_seed(uint64_t workload_seed, const std::string& tensor_name)
{
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a 64 offset basis
    for (unsigned char c : tensor_name) {
        h ^= c;
        h *= 0x100000001B3ull;  // FNV-1a 64 prime
    }
    return h ^ workload_seed;
}

Workload load_workload_string(const std::string& yaml, const std::string& name)
{
    const YAML::Node root = load_yaml(yaml, name, "workload");
    try {
        return WorkloadLoader(name).load(root);
    } catch (const YAML::Exception& e) {  // not expected: the loader only reads what it checked
        throw InputError(yaml_position(name, e.mark) + ": " + e.msg);
    }
}

Workload load_workload(const std::string& path) { return load_workload_string(read_yaml_file(path, "workload"), path); }

}  // namespace lpu
