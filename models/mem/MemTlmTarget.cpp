#include "MemTlmTarget.h"

namespace lpu {

MemTlmTarget::MemTlmTarget(sc_core::sc_module_name name, MemSystem& mem) : sc_module(name), socket("socket")
{
    socket.bind(mem);
}

}  // namespace lpu
