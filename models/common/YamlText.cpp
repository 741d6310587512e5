#include "YamlText.h"

#include "models/common/Error.h"
#include "models/common/InputFile.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lpu {

namespace {

// Counts nodes and nesting as the parser reports them, and stops it at the first broken limit,
// before any tree exists.
class LimitCheck : public YAML::EventHandler {
public:
    LimitCheck(const std::string& source, const std::string& what) : source_(source), what_(what) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override
    {
        node(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        open(mark);
    }
    void OnSequenceEnd() override { --depth_; }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        open(mark);
    }
    void OnMapEnd() override { --depth_; }

private:
    void node(const YAML::Mark& mark)
    {
        if (++nodes_ > kYamlMaxNodes)
            throw InputError(yaml_position(source_, mark) + ": more than " + std::to_string(kYamlMaxNodes) +
                             " YAML nodes (keys, values, maps and lists): the limit for a " + what_ + " file");
    }
    void open(const YAML::Mark& mark)
    {
        node(mark);
        if (++depth_ > kYamlMaxDepth)
            throw InputError(yaml_position(source_, mark) + ": nesting deeper than " + std::to_string(kYamlMaxDepth) +
                             " levels (maps and lists inside each other)");
    }

    const std::string& source_;
    const std::string& what_;
    size_t nodes_ = 0;
    unsigned depth_ = 0;
};

std::string too_large(uint64_t bytes, const std::string& what)
{
    return std::to_string(bytes) + " bytes, more than the " + std::to_string(kYamlMaxBytes) + " (1 MiB) a " + what +
           " file may have";
}

}  // namespace

std::string read_yaml_file(const std::string& path, const std::string& what)
{
    // Never more than the limit and one byte: a 50 MB file is refused without reading it.
    return read_input_file(path, what, kYamlMaxBytes, std::to_string(kYamlMaxBytes) + " (1 MiB)");
}

YAML::Node load_yaml(const std::string& text, const std::string& source, const std::string& what)
{
    if (text.size() > kYamlMaxBytes)
        throw InputError(source + ": " + too_large(text.size(), what));
    try {
        std::istringstream events(text);
        YAML::Parser parser(events);
        LimitCheck check(source, what);
        parser.HandleNextDocument(check);  // YAML::Load, below, reads the first document too
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(yaml_position(source, e.mark) + ": YAML syntax error: " + e.msg);
    }
}

std::string yaml_position(const std::string& source, const YAML::Mark& mark)
{
    std::ostringstream os;
    os << source;
    if (mark.line >= 0)
        os << ":" << mark.line + 1 << ":" << mark.column + 1;
    return os.str();
}

size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& known, size_t max_edits)
{
    // No hint for a word longer than any name a person types: comparing two near-equal 500 kB
    // names costs 2.5e11 steps (found by the long-token inputs, fuzz/hostile_inputs.py).
    if (word.size() > kMaxHintLength)
        return "";
    std::string best;
    size_t best_d = max_edits + 1;
    for (const auto& k : known) {
        // The distance is at least the difference in length: skip those without computing it,
        // so that a huge word costs nothing (edit_distance is |word| x |k|).
        const size_t gap = word.size() > k.size() ? word.size() - k.size() : k.size() - word.size();
        if (gap > max_edits)
            continue;
        const size_t d = edit_distance(word, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best.empty() ? "" : " (did you mean " + quote_token(best) + "?)";
}

}  // namespace lpu
