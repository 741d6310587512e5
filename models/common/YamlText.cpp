#include "YamlText.h"

#include <algorithm>
#include <sstream>

namespace lpu {

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
    std::string best;
    size_t best_d = max_edits + 1;
    for (const auto& k : known) {
        const size_t d = edit_distance(word, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

}  // namespace lpu
