// Reading an input file whole, as every loader does: a directory, a file that cannot be opened
// or one over the caller's size limit is an InputError "path: reason" (a directory used to read
// as an empty program).
#pragma once

#include <cstddef>
#include <string>

namespace lpu {

// The bytes of `path`; `what` names the kind of file in messages ("config", "program").
std::string read_input_file(const std::string& path, const std::string& what);
// The same, refusing a file over `max_bytes` ("N bytes, more than the LIMIT_TEXT a WHAT file may
// have") after reading at most max_bytes + 1 of it.
std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes,
                            const std::string& limit_text);

}  // namespace lpu
