#include "MemImage.h"

#include <cstring>

namespace lpu {

MemImage::MemImage(const MemSystem& mem)
{
    const MemParams& p = mem.params();
    for (unsigned s = 0; s < p.slices; ++s)
        for (uint32_t page = 0; page < p.pages_per_slice(); ++page) {
            const uint32_t first = page * p.page_words;
            if (const uint8_t* bytes = mem.slice(s).find(first))
                pages_.push_back(Page{s, first, std::vector<uint8_t>(bytes, bytes + p.page_bytes())});
        }
}

void MemImage::restore(MemSystem& mem) const
{
    const MemParams& p = mem.params();
    size_t next = 0;
    for (unsigned s = 0; s < p.slices; ++s)
        for (uint32_t page = 0; page < p.pages_per_slice(); ++page) {
            const uint32_t first = page * p.page_words;
            SramSlice& slice = mem.slice(s);
            if (next < pages_.size() && pages_[next].slice == s && pages_[next].first_word == first) {
                std::memcpy(slice.touch(first), pages_[next].bytes.data(), pages_[next].bytes.size());
                ++next;
            } else if (slice.find(first)) {
                std::memset(slice.touch(first), 0, p.page_bytes());
            }
        }
}

}  // namespace lpu
