#include "InputFile.h"

#include "models/common/Error.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lpu {

namespace {

std::ifstream open_input(const std::string& path, const std::string& what)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path + ": is a directory, not a " + what + " file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open " + what + " file");
    return in;
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what)
{
    std::ifstream in = open_input(path, what);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes,
                            const std::string& limit_text)
{
    std::ifstream in = open_input(path, what);
    std::string text(max_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() <= max_bytes)
        return text;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    throw InputError(
        path + ": " +
        (ec ? "more than " + std::to_string(max_bytes) + " bytes, the limit for a " + what + " file"
            : std::to_string(size) + " bytes, more than the " + limit_text + " a " + what + " file may have"));
}

}  // namespace lpu
