// Small helpers every strict YAML loader here shares (chip configs, workloads): reading and parsing
// within limits, where a node is, and "did you mean" for a misspelt key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <vector>

namespace lpu {

// What a YAML input may hold, checked before its tree is built (docs/fuzzing.md): yaml-cpp needs
// about 500 bytes and 4 us per node, so a 50 MB file of a 13 M-item list took 6.4 GiB and 49 s
// before the loader could say its key was unknown. The shipped configs are under 0.5 KB with 3
// levels, the largest example workload 3.6 KB, about 400 nodes and 5 levels: each limit is over
// 100 times what they use, and bounds a hostile file to well under a second and 100 MB.
inline constexpr size_t kYamlMaxBytes = size_t{1} << 20;  // 1 MiB
inline constexpr unsigned kYamlMaxDepth = 64;             // maps and lists inside each other
inline constexpr size_t kYamlMaxNodes = 100000;           // scalars, maps, lists, aliases, nulls

// The whole file at `path`, which must be a readable file of at most kYamlMaxBytes. `what` names
// the kind of file in messages ("config", "workload"). Throws InputError "path: reason".
std::string read_yaml_file(const std::string& path, const std::string& what);
// Parses the first document of `text` (named `source` in messages) after checking its size,
// nesting depth and node count against the limits above. Throws InputError
// "source:line:col: reason" for a YAML syntax error or a broken limit.
YAML::Node load_yaml(const std::string& text, const std::string& source, const std::string& what);

// "file:line:col" of a node (just "file" when yaml-cpp does not know the position).
std::string yaml_position(const std::string& source, const YAML::Mark& mark);
// Levenshtein distance.
size_t edit_distance(const std::string& a, const std::string& b);
// " (did you mean 'x'?)" for the nearest of `known` at most `max_edits` edits from `word`,
// else "" (always for a word longer than kMaxHintLength).
inline constexpr size_t kMaxHintLength = 100;
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known, size_t max_edits);

}  // namespace lpu
