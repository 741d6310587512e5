// `lpusim compile`: a workload (YAML) to a statically scheduled program with its exact
// predicted cycle count (compiler/, docs/compiler.md).
#pragma once

#include <string>
#include <vector>

namespace lpu {

int cmd_compile(const std::vector<std::string>& args);

}  // namespace lpu
