#include "C2cPorts.h"

#include <utility>

namespace lpu {

void C2cPorts::connect(unsigned port, std::string far_end, uint64_t busy_cycles)
{
    Port& p = ports_.at(port);
    p.connected = true;
    p.far_end = std::move(far_end);
    p.busy_cycles = busy_cycles;
}

std::vector<C2cSent> C2cPorts::take_sent()
{
    std::vector<C2cSent> out;
    out.swap(sent_);
    return out;
}

}  // namespace lpu
