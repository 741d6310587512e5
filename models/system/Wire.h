// The bytes ranks exchange (models/system/RankExchange.h): integers little-endian, strings with
// their length first. Only lpusim's own processes of one build read what they write.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace lpu::wire {

inline void put(std::string& out, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out += static_cast<char>(v >> (8 * i));
}

inline void put(std::string& out, const std::string& s)
{
    put(out, static_cast<uint64_t>(s.size()));
    out += s;
}

// Reads what put() wrote, in order; a short buffer is a logic error (a mismatched build).
class Reader {
public:
    explicit Reader(const std::string& in) : in_(in) {}
    bool done() const { return pos_ == in_.size(); }
    uint64_t u64()
    {
        need(8);
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
        pos_ += 8;
        return v;
    }
    std::string str()
    {
        const uint64_t n = u64();
        need(n);
        std::string s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }

private:
    void need(uint64_t n) const
    {
        if (in_.size() - pos_ < n)
            throw std::logic_error("rank exchange: message cut short");
    }
    const std::string& in_;
    size_t pos_ = 0;
};

}  // namespace lpu::wire
