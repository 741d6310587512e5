#include "NpyReader.h"

#include "models/common/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string_view>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "NpyReader hands out little-endian bytes as host values");

namespace lpu {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// Headers of the dtypes read here are a short dict; refusing huge ones bounds what a broken or
// hostile length field can make us allocate.
constexpr size_t kMaxHeader = 1 << 20;
// numpy itself writes at most 32 dimensions (64 from numpy 2.0).
constexpr size_t kMaxDims = 64;
// Characters of the header a "malformed header" message quotes.
constexpr size_t kHeaderExcerpt = 160;

[[noreturn]] void fail(const std::string& name, const std::string& reason) { throw InputError(name + ": " + reason); }

struct Preamble {
    unsigned major = 0;
    size_t header_offset = 0;  // 10 (v1) or 12 (v2)
    size_t header_len = 0;
};

// `p` holds the first `avail` bytes of a file of `file_size` bytes (avail >= min(file_size, 12)).
Preamble parse_preamble(const uint8_t* p, size_t avail, uint64_t file_size, const std::string& name)
{
    const size_t magic_seen = std::min(avail, kMagicLen);
    if (magic_seen > 0 && std::memcmp(p, kMagic, magic_seen) != 0)
        fail(name, "not a .npy file (bad magic: expected \\x93NUMPY at the start, found " +
                       quote_token(std::string_view(reinterpret_cast<const char*>(p), magic_seen)) + ")");
    if (file_size < 8)
        fail(name, "truncated: " + std::to_string(file_size) + " bytes, shorter than the 8-byte magic and version");
    Preamble pre;
    pre.major = p[6];
    const unsigned minor = p[7];
    if ((pre.major != 1 && pre.major != 2) || minor != 0)
        fail(name, "unsupported .npy format version " + std::to_string(pre.major) + "." + std::to_string(minor) +
                       " (this reader supports 1.0 and 2.0)");
    const size_t len_bytes = pre.major == 1 ? 2 : 4;
    pre.header_offset = 8 + len_bytes;
    if (file_size < pre.header_offset)
        fail(name, "truncated header: " + std::to_string(file_size) + " bytes, the version " +
                       std::to_string(pre.major) + ".0 preamble needs " + std::to_string(pre.header_offset));
    for (size_t i = len_bytes; i-- > 0;)
        pre.header_len = (pre.header_len << 8) | p[8 + i];
    if (pre.header_len > file_size - pre.header_offset)
        fail(name, "truncated header: the header length field says " + std::to_string(pre.header_len) +
                       " bytes but only " + std::to_string(file_size - pre.header_offset) + " follow");
    if (pre.header_len > kMaxHeader)
        fail(name, "malformed header: " + std::to_string(pre.header_len) + " bytes long (refusing more than " +
                       std::to_string(kMaxHeader) + ")");
    return pre;
}

// The header: a Python dict literal such as
//   {'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ending in '\n'. Parsed strictly: exactly these three keys.
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& name) : t_(text), name_(name) {}

    void parse(NpyArray& out)
    {
        skip_ws();
        expect('{', "the header must start with '{'");
        std::optional<std::string> descr;
        std::optional<bool> fortran;
        std::optional<std::vector<size_t>> shape;
        skip_ws();
        while (!at('}')) {
            const size_t key_pos = i_;
            const std::string key = string_literal("a quoted key");
            skip_ws();
            expect(':', "expected ':' after key " + quote_token(key));
            skip_ws();
            if (key == "descr") {
                if (descr)
                    malformed(key_pos, "duplicate key 'descr'");
                if (at('[') || at('{'))
                    fail(name_, "unsupported dtype: structured arrays (descr is a list) are not supported");
                descr = string_literal("a quoted dtype string for 'descr'");
            } else if (key == "fortran_order") {
                if (fortran)
                    malformed(key_pos, "duplicate key 'fortran_order'");
                fortran = boolean();
            } else if (key == "shape") {
                if (shape)
                    malformed(key_pos, "duplicate key 'shape'");
                shape = tuple();
            } else {
                malformed(key_pos,
                          "unknown key " + quote_token(key) + " (expected 'descr', 'fortran_order' and 'shape')");
            }
            skip_ws();
            if (at(',')) {
                ++i_;
                skip_ws();
            } else if (!at('}')) {
                malformed(i_, "expected ',' or '}' after the value of " + quote_token(key));
            }
        }
        ++i_;  // '}'
        skip_ws();
        if (i_ != t_.size())
            malformed(i_, "unexpected text after the closing '}'");
        for (const auto& [present, key] :
             {std::pair{descr.has_value(), "descr"}, std::pair{fortran.has_value(), "fortran_order"},
              std::pair{shape.has_value(), "shape"}})
            if (!present)
                malformed(i_, std::string("missing key '") + key + "'");
        out.descr = *descr;
        out.shape = *shape;
        fortran_ = *fortran;
    }

    bool fortran_order() const { return fortran_; }

private:
    [[noreturn]] void malformed(size_t pos, const std::string& what) const
    {
        fail(name_, "malformed header: " + what + " at offset " + std::to_string(pos) + " of " +
                        quote_token(t_, kHeaderExcerpt));
    }
    bool at(char c) const { return i_ < t_.size() && t_[i_] == c; }
    void expect(char c, const std::string& what)
    {
        if (!at(c))
            malformed(i_, i_ < t_.size() ? what : what + " (the header ends early)");
        ++i_;
    }
    void skip_ws()
    {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
            ++i_;
    }
    std::string string_literal(const std::string& what)
    {
        if (!at('\'') && !at('"'))
            malformed(i_, "expected " + what);
        const char quote = t_[i_];
        const size_t start = ++i_;
        while (i_ < t_.size() && t_[i_] != quote) {
            if (t_[i_] == '\n')
                malformed(start - 1, "unterminated string");
            if (t_[i_] == '\\')
                malformed(i_, "backslash escapes are not supported in strings");
            ++i_;
        }
        if (i_ == t_.size())
            malformed(start - 1, "unterminated string");
        return std::string(t_.substr(start, i_++ - start));
    }
    bool boolean()
    {
        for (const auto& [word, value] :
             {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
            if (t_.substr(i_, word.size()) == word) {
                i_ += word.size();
                return value;
            }
        }
        malformed(i_, "fortran_order must be True or False");
    }
    size_t dimension()
    {
        if (at('-'))
            malformed(i_, "negative dimension in 'shape'");
        if (i_ >= t_.size() || t_[i_] < '0' || t_[i_] > '9')
            malformed(i_, "expected a non-negative integer in 'shape'");
        size_t v = 0;
        const size_t start = i_;
        while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') {
            const size_t digit = static_cast<size_t>(t_[i_] - '0');
            if (v > (std::numeric_limits<size_t>::max() - digit) / 10)
                malformed(start, "dimension in 'shape' is too large");
            v = v * 10 + digit;
            ++i_;
        }
        return v;
    }
    std::vector<size_t> tuple()
    {
        const size_t open = i_;
        expect('(', "'shape' must be a tuple such as (3, 4) or (5,)");
        std::vector<size_t> dims;
        skip_ws();
        bool trailing_comma = false;
        while (!at(')')) {
            if (dims.size() == kMaxDims)
                malformed(i_, "'shape' has more than " + std::to_string(kMaxDims) + " dimensions");
            dims.push_back(dimension());
            skip_ws();
            trailing_comma = false;
            if (at(',')) {
                ++i_;
                trailing_comma = true;
                skip_ws();
            } else if (!at(')')) {
                malformed(i_, "expected ',' or ')' in 'shape'");
            }
        }
        ++i_;  // ')'
        // Python: (5) is the integer 5, not a tuple; numpy rejects it, and so do we.
        if (dims.size() == 1 && !trailing_comma)
            malformed(open, "'shape' (" + std::to_string(dims[0]) + ") is not a tuple (a 1-d shape is written (" +
                                std::to_string(dims[0]) + ",))");
        return dims;
    }

    std::string_view t_;
    const std::string& name_;
    size_t i_ = 0;
    bool fortran_ = false;
};

// The dtype of a descr string, or a rejection that says why.
NpyDtype dtype_of(const std::string& descr, const std::string& name)
{
    static const char* supported = "supported: int8 '|i1', uint8 '|u1', int16 '<i2', int32 '<i4', int64 '<i8', "
                                   "float16 '<f2', float32 '<f4'";
    std::optional<NpyDtype> type;
    if (descr.size() == 3) {
        const std::string code = descr.substr(1);
        if (code == "i1")
            type = NpyDtype::Int8;
        else if (code == "u1")
            type = NpyDtype::UInt8;
        else if (code == "i2")
            type = NpyDtype::Int16;
        else if (code == "i4")
            type = NpyDtype::Int32;
        else if (code == "i8")
            type = NpyDtype::Int64;
        else if (code == "f2")
            type = NpyDtype::Float16;
        else if (code == "f4")
            type = NpyDtype::Float32;
    }
    const char order = descr.empty() ? '?' : descr[0];
    if (!type || std::string("<>|=").find(order) == std::string::npos)
        fail(name, "unsupported dtype " + quote_token(descr) + " (" + supported + ")");
    if (npy_dtype_size(*type) == 1)
        return *type;  // byte order means nothing for one-byte elements
    if (order == '>')
        fail(name, "big-endian dtype " + quote_token(descr) + " is not supported (save it little-endian: a.astype('<" +
                       descr.substr(1) + "'))");
    if (order != '<')
        fail(name,
             "dtype " + quote_token(descr) + " does not say its byte order (expected '<" + descr.substr(1) + "')");
    return *type;
}

// Fills dtype and checks everything but the data size.
void check_header(NpyArray& a, const HeaderParser& hp)
{
    a.dtype = dtype_of(a.descr, a.source);
    if (hp.fortran_order())
        fail(a.source, "fortran_order is True: only C-order arrays are supported (save np.ascontiguousarray(a))");
}

// Bytes the data must have; rejects shapes whose size overflows.
uint64_t data_bytes(const NpyArray& a)
{
    uint64_t n = a.item_size();
    for (size_t d : a.shape) {
        if (d != 0 && n > std::numeric_limits<uint64_t>::max() / d)
            fail(a.source, "shape " + a.shape_text() + " of " + npy_dtype_name(a.dtype) + " is too large");
        n *= d;
    }
    return n;
}

void check_data_size(const NpyArray& a, uint64_t need, uint64_t have)
{
    const std::string what = "shape " + a.shape_text() + " of " + npy_dtype_name(a.dtype);
    if (have < need)
        fail(a.source, "truncated data: " + what + " needs " + std::to_string(need) + " bytes, the file has " +
                           std::to_string(have) + " after the header");
    if (have > need)
        fail(a.source, std::to_string(have - need) + " unexpected bytes after the data (" + what + " is " +
                           std::to_string(need) + " bytes): the file is longer than its header says");
}

NpyArray parse_all_but_data(const uint8_t* prefix, size_t prefix_len, uint64_t file_size, const std::string& name,
                            const std::function<std::string(const Preamble&)>& read_header, uint64_t& data_offset,
                            uint64_t& need)
{
    const Preamble pre = parse_preamble(prefix, prefix_len, file_size, name);
    const std::string header = read_header(pre);
    NpyArray a;
    a.source = name;
    a.version = pre.major;
    HeaderParser hp(header, name);
    hp.parse(a);
    check_header(a, hp);
    need = data_bytes(a);
    data_offset = pre.header_offset + pre.header_len;
    check_data_size(a, need, file_size - data_offset);
    return a;
}

}  // namespace

const char* npy_dtype_name(NpyDtype dtype)
{
    switch (dtype) {
    case NpyDtype::Int8: return "int8";
    case NpyDtype::UInt8: return "uint8";
    case NpyDtype::Int16: return "int16";
    case NpyDtype::Int32: return "int32";
    case NpyDtype::Int64: return "int64";
    case NpyDtype::Float16: return "float16";
    case NpyDtype::Float32: return "float32";
    }
    return "?";
}

size_t npy_dtype_size(NpyDtype dtype)
{
    switch (dtype) {
    case NpyDtype::Int8:
    case NpyDtype::UInt8: return 1;
    case NpyDtype::Int16:
    case NpyDtype::Float16: return 2;
    case NpyDtype::Int32:
    case NpyDtype::Float32: return 4;
    case NpyDtype::Int64: return 8;
    }
    return 1;
}

size_t NpyArray::count() const
{
    size_t n = 1;
    for (size_t d : shape)
        n *= d;
    return n;
}

std::string NpyArray::shape_text() const
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1)
        s += ",";
    return s + ")";
}

void NpyArray::check_dtype(NpyDtype wanted) const
{
    if (wanted != dtype)
        throw InputError(source + ": holds " + npy_dtype_name(dtype) + " (" + quote_token(descr) + "), expected " +
                         npy_dtype_name(wanted));
}

NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& name)
{
    uint64_t offset = 0, need = 0;
    NpyArray a = parse_all_but_data(
        bytes, std::min<size_t>(size, 12), size, name,
        [&](const Preamble& pre) {
            return std::string(reinterpret_cast<const char*>(bytes) + pre.header_offset, pre.header_len);
        },
        offset, need);
    a.data.assign(bytes + offset, bytes + offset + need);
    return a;
}

NpyArray read_npy(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        fail(path, "is a directory, not a .npy file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    in.seekg(0, std::ios::beg);
    if (end < 0 || !in)
        fail(path, "cannot determine the file size");
    const auto file_size = static_cast<uint64_t>(end);
    const auto read = [&](char* dst, uint64_t n) {
        if (n != 0 && !in.read(dst, static_cast<std::streamsize>(n)))
            fail(path, "read error");
    };

    uint8_t prefix[12] = {};
    const size_t prefix_len = static_cast<size_t>(std::min<uint64_t>(file_size, sizeof prefix));
    read(reinterpret_cast<char*>(prefix), prefix_len);
    uint64_t offset = 0, need = 0;
    NpyArray a = parse_all_but_data(
        prefix, prefix_len, file_size, path,
        [&](const Preamble& pre) {
            std::string header(pre.header_len, '\0');
            in.clear();
            in.seekg(static_cast<std::streamoff>(pre.header_offset));
            read(header.data(), header.size());
            return header;
        },
        offset, need);
    a.data.resize(need);
    in.seekg(static_cast<std::streamoff>(offset));
    read(reinterpret_cast<char*>(a.data.data()), need);
    return a;
}

}  // namespace lpu
