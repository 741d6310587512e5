// A copy of a chip's SRAM as it is now (every page written so far), to put back later: the
// system session's poison policy runs a system twice from the same start (docs/link-errors.md).
// Costs host memory for the pages the chip has touched, nothing for the rest.
#pragma once

#include "models/mem/MemSystem.h"

#include <cstdint>
#include <vector>

namespace lpu {

class MemImage {
public:
    explicit MemImage(const MemSystem& mem);

    // Puts every page back as it was; pages written since are zeroed (never freed: DMI).
    void restore(MemSystem& mem) const;

private:
    struct Page {
        unsigned slice = 0;
        uint32_t first_word = 0;
        std::vector<uint8_t> bytes;
    };
    std::vector<Page> pages_;  // in (slice, page) order
};

}  // namespace lpu
