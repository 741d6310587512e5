// Where something came from in an input file: "file:line:col" in messages.
#pragma once

#include <memory>
#include <string>

namespace lpu {

// A file's name, shared by every position in it: a program's instructions each hold a position,
// and a copy of the path in each cost a heap block and tens of bytes per instruction.
class SourceFile {
public:
    SourceFile() = default;
    SourceFile(std::string name) : name_(std::make_shared<const std::string>(std::move(name))) {}
    SourceFile(const char* name) : SourceFile(std::string(name)) {}
    const std::string& name() const
    {
        static const std::string none;
        return name_ ? *name_ : none;
    }

private:
    std::shared_ptr<const std::string> name_;
};

struct SourcePos {
    SourceFile file;
    int line = 0;
    int col = 0;
    std::string text() const { return file.name() + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

}  // namespace lpu
