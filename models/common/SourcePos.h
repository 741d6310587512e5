// Where something came from in an input file: "file:line:col" in messages.
#pragma once

#include <string>

namespace lpu {

struct SourcePos {
    std::string file;
    int line = 0;
    int col = 0;
    std::string text() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

}  // namespace lpu
