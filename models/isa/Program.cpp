#include "Program.h"

#include <algorithm>

namespace lpu {

bool is_program_name(const std::string& name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return c > ' ' && c < 0x7f && c != ',' && c != ';' && c != '#'; });
}

const MatrixDecl* Program::matrix(const std::string& name) const
{
    for (const auto& m : matrices)
        if (m.name == name)
            return &m;
    return nullptr;
}

const TensorDecl* Program::tensor(const std::string& name) const
{
    for (const auto& t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

size_t Program::instruction_count() const
{
    size_t n = 0;
    for (const auto& q : queues)
        n += q.size();
    return n;
}

}  // namespace lpu
