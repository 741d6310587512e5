// Small helpers every strict YAML loader here shares (chip configs, workloads): where a node is,
// and "did you mean" for a misspelt key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <vector>

namespace lpu {

// "file:line:col" of a node (just "file" when yaml-cpp does not know the position).
std::string yaml_position(const std::string& source, const YAML::Mark& mark);
// Levenshtein distance.
size_t edit_distance(const std::string& a, const std::string& b);
// " (did you mean 'x'?)" for the nearest of `known` at most `max_edits` edits from `word`,
// else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known, size_t max_edits);

}  // namespace lpu
