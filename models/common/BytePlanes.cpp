#include "BytePlanes.h"

#include <emmintrin.h>

namespace lpu {

namespace {

constexpr unsigned kStep = 16;  // lanes per SSE2 register of bytes

__m128i load16(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

}  // namespace

void gather_planes(uint32_t* words, const uint8_t* const* planes, unsigned count, unsigned n)
{
    const uint8_t* p[4] = {};
    for (unsigned k = 0; k < count && k < 4; ++k)
        p[k] = planes[k];
    unsigned l = 0;
    for (; l + kStep <= n; l += kStep) {
        __m128i b[4];
        for (unsigned k = 0; k < 4; ++k)
            b[k] = p[k] ? load16(p[k] + l) : _mm_setzero_si128();
        // Interleave bytes 0/1 and 2/3 into 16-bit halves, then the halves into 32-bit lanes.
        const __m128i lo01 = _mm_unpacklo_epi8(b[0], b[1]), hi01 = _mm_unpackhi_epi8(b[0], b[1]);
        const __m128i lo23 = _mm_unpacklo_epi8(b[2], b[3]), hi23 = _mm_unpackhi_epi8(b[2], b[3]);
        auto* out = reinterpret_cast<__m128i*>(words + l);
        _mm_storeu_si128(out + 0, _mm_unpacklo_epi16(lo01, lo23));
        _mm_storeu_si128(out + 1, _mm_unpackhi_epi16(lo01, lo23));
        _mm_storeu_si128(out + 2, _mm_unpacklo_epi16(hi01, hi23));
        _mm_storeu_si128(out + 3, _mm_unpackhi_epi16(hi01, hi23));
    }
    for (; l < n; ++l) {
        uint32_t w = 0;
        for (unsigned k = 0; k < 4; ++k)
            w |= p[k] ? uint32_t{p[k][l]} << (8 * k) : 0u;
        words[l] = w;
    }
}

void scatter_plane(uint8_t* plane, const uint32_t* words, unsigned byte, unsigned n)
{
    const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(8 * byte)), low = _mm_set1_epi32(0xff);
    unsigned l = 0;
    for (; l + kStep <= n; l += kStep) {
        const auto* in = reinterpret_cast<const __m128i*>(words + l);
        __m128i w[4];
        for (unsigned i = 0; i < 4; ++i)
            w[i] = _mm_and_si128(_mm_srl_epi32(_mm_loadu_si128(in + i), shift), low);
        // Each 32-bit lane holds 0..255, so the saturating packs keep it exactly.
        const __m128i halves = _mm_packus_epi16(_mm_packs_epi32(w[0], w[1]), _mm_packs_epi32(w[2], w[3]));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(plane + l), halves);
    }
    for (; l < n; ++l)
        plane[l] = static_cast<uint8_t>(words[l] >> (8 * byte));
}

}  // namespace lpu
