// Character classes and case for the program text the assembler reads, as the "C" locale
// defines them (lpusim never changes its locale), inline: std::isspace and std::tolower are
// library calls, made for every character of a program of millions of lines.
#pragma once

#include <string>

namespace lpu {

inline bool is_blank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

inline char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lower_ascii(std::string s)
{
    for (char& c : s)
        c = lower_ascii(c);
    return s;
}

}  // namespace lpu
