#include "Npy.h"

#include "models/common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace lpu {

namespace {

std::string header(const char* descr, const std::vector<size_t>& shape)
{
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i)
        dims += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1)
        dims += ",";  // numpy writes (3,) and (3, 4)
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Magic (6) + version (2) + header length (2) + dict, padded with spaces and a newline to
    // a multiple of 64 bytes, as numpy does.
    size_t total = 10 + dict.size() + 1;
    dict.append((64 - total % 64) % 64, ' ');
    dict += '\n';
    std::string h("\x93NUMPY\x01\x00", 8);
    h += static_cast<char>(dict.size() & 0xff);
    h += static_cast<char>(dict.size() >> 8);
    return h + dict;
}

template <typename T>
void write_array(const std::string& path, const char* descr, const std::vector<size_t>& shape,
                 const std::vector<T>& data)
{
    size_t count = 1;
    for (size_t d : shape)
        count *= d;
    if (count != data.size())
        throw std::logic_error("write_npy: shape does not match data size");
    std::string bytes = header(descr, shape);
    bytes.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));  // little-endian host
    write_file_atomic(path, bytes);
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw InputError(path + ": write failed");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        throw InputError(path + ": cannot replace (" + why + ")");
    }
}

void check_writable(const std::string& path)
{
    // rename() over a directory fails only after the run: refuse it now (found by fuzzing).
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path + ": is a directory, not a file to write");
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    std::ofstream probe(tmp, std::ios::binary | std::ios::trunc);
    if (!probe)
        throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
    probe.close();
    std::remove(tmp.c_str());
}

std::string npy_file_bytes(const char* descr, const std::vector<size_t>& shape, const std::vector<uint8_t>& bytes)
{
    return header(descr, shape) + std::string(bytes.begin(), bytes.end());
}

void write_npy_raw(const std::string& path, const char* descr, const std::vector<size_t>& shape,
                   const std::vector<uint8_t>& bytes)
{
    write_file_atomic(path, npy_file_bytes(descr, shape, bytes));
}

void write_npy(const std::string& path, const std::vector<size_t>& shape, const std::vector<int32_t>& data)
{
    write_array(path, "<i4", shape, data);
}

void write_npy(const std::string& path, const std::vector<size_t>& shape, const std::vector<int64_t>& data)
{
    write_array(path, "<i8", shape, data);
}

}  // namespace lpu
