// A stream register operand (docs/isa.md section 2): its direction and index, "s5e" / "s17w".
#pragma once

#include <cstdint>
#include <string>

namespace lpu {

enum class StreamDir : uint8_t { East, West };

struct StreamId {
    StreamDir dir = StreamDir::East;
    unsigned index = 0;

    // Assembly spelling: "s5e" / "s17w".
    std::string text() const;
};

}  // namespace lpu
