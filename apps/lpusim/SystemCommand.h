// `lpusim system`: a system of chips (docs/system.md) loaded from its file, its topology's
// figures and the published checks.
#pragma once

#include <string>
#include <vector>

namespace lpu {

int cmd_system(const std::vector<std::string>& args);

}  // namespace lpu
