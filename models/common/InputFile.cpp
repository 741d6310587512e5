#include "InputFile.h"

#include "models/common/Error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

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

// The stream's bytes, or the first max_bytes + 1 of them: read in blocks, so the string holds
// what the file has rather than the limit (a zeroed 1 MiB buffer for a 2 KiB config cost a
// memset and 256 page faults).
std::string read_up_to(std::ifstream& in, size_t max_bytes)
{
    std::string text;
    char block[1 << 16];
    while (text.size() <= max_bytes && in) {
        in.read(block, static_cast<std::streamsize>(std::min(sizeof block, max_bytes + 1 - text.size())));
        text.append(block, static_cast<size_t>(in.gcount()));
    }
    return text;
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what)
{
    std::ifstream in = open_input(path, what);
    return read_up_to(in, std::string().max_size() - 1);
}

std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes,
                            const std::string& limit_text)
{
    std::ifstream in = open_input(path, what);
    std::string text = read_up_to(in, max_bytes);
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
