// NumPy .npy files (format version 1.0), the tensor exchange format of lpusim: what numpy users
// already have. Writing is atomic (temporary file, then rename), so an interrupted or failed
// run never leaves a half-written result where a good one was.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

// Writes a C-order int32 array of `shape`. Throws InputError if the file cannot be written.
void write_npy(const std::string& path, const std::vector<size_t>& shape, const std::vector<int32_t>& data);
void write_npy(const std::string& path, const std::vector<size_t>& shape, const std::vector<int64_t>& data);

// Writes raw little-endian elements with numpy dtype `descr` ("|i1", "|u1", "<i4", ...).
void write_npy_raw(const std::string& path, const char* descr, const std::vector<size_t>& shape,
                   const std::vector<uint8_t>& bytes);

// The whole .npy file write_npy_raw writes, as bytes (to send it elsewhere first).
std::string npy_file_bytes(const char* descr, const std::vector<size_t>& shape, const std::vector<uint8_t>& bytes);

// Writes `text` to `path` atomically. Throws InputError.
void write_file_atomic(const std::string& path, const std::string& text);

// Throws InputError now if `path` could not be written later (its directory is missing or
// read-only), so a long run does not end in a write error. Leaves no file behind.
void check_writable(const std::string& path);

}  // namespace lpu
