#include "StreamId.h"

namespace lpu {

std::string StreamId::text() const { return "s" + std::to_string(index) + (dir == StreamDir::East ? "e" : "w"); }

}  // namespace lpu
