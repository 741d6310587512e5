// `lpusim asm`, `lpusim disasm` and `lpusim run`: programs for the whole chip.
#pragma once

#include <string>
#include <vector>

namespace lpu {

int cmd_asm(const std::vector<std::string>& args);
int cmd_disasm(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);

}  // namespace lpu
