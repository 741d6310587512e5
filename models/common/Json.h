// Text for JSON output (stats, traces, reports).
#pragma once

#include <string>

namespace lpu {

// `s` as the inside of a JSON string: quotes and backslashes escaped (the names and assembly
// text lpusim writes hold no control characters).
inline std::string json_escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

}  // namespace lpu
