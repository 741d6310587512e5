// Lanes wider than a byte travel as byte planes: byte k of every lane on its own stream
// (docs/isa.md 3.4). These move a vector of 32-bit lanes to and from its planes; they are on
// the hot path of every MXM result and VXM operation, so they use SSE2 (every x86-64 has it)
// instead of leaving the choice to the compiler's vectoriser.
#pragma once

#include <cstdint>

namespace lpu {

// words[l] = planes[0][l] | planes[1][l] << 8 | ... for `count` (1 to 4) planes of `n` lanes;
// the bytes above the last plane are 0.
void gather_planes(uint32_t* words, const uint8_t* const* planes, unsigned count, unsigned n);
// plane[l] = byte `byte` (0 to 3) of words[l], for `n` lanes.
void scatter_plane(uint8_t* plane, const uint32_t* words, unsigned byte, unsigned n);

}  // namespace lpu
