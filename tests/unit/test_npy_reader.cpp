// The .npy reader: files numpy wrote (committed in tests/data/npy, made by make_npy.py, and
// fresh ones from the installed numpy), round trips through our own writer, a corpus of broken
// files each with its own message, and mutated files that must be rejected, never crash.
#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/common/NpyReader.h"
#include "models/common/Rng.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace lpu;
using namespace lpu::test;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(LPUSIM_CONFIG_DIR) + "/../tests/data/npy/";

std::string file_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void put_file(const std::string& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out);
}

NpyArray parse(const std::string& bytes, const std::string& name = "mem.npy")
{
    return parse_npy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), name);
}

// A .npy file with `dict` as its header (padded as numpy pads it) and `data` after it.
std::string npy(const std::string& dict, const std::string& data, int major = 1)
{
    const size_t pre = major == 1 ? 10 : 12;
    std::string h = dict;
    h.append((64 - (pre + h.size() + 1) % 64) % 64, ' ');
    h += '\n';
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    for (size_t i = 0; i < pre - 8; ++i)
        out += static_cast<char>((h.size() >> (8 * i)) & 0xff);
    return out + h + data;
}

std::string dict(const std::string& descr, const std::string& shape, const std::string& fortran = "False")
{
    return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

// The message parse() rejects `bytes` with; fails the test if it is accepted.
std::string rejection(const std::string& bytes)
{
    try {
        parse(bytes);
    } catch (const InputError& e) {
        return e.what();
    }
    FAIL("accepted");
    return "";
}

}  // namespace

TEST_CASE("files written by numpy read back with their dtype, shape and values", "[npy]")
{
    const NpyArray i1 = read_npy(kData + "int8_3x4.npy");
    CHECK(i1.dtype == NpyDtype::Int8);
    CHECK(i1.descr == "|i1");
    CHECK(i1.shape == std::vector<size_t>{3, 4});
    CHECK(i1.version == 1);
    CHECK(i1.values<int8_t>() == std::vector<int8_t>{-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5});

    CHECK(read_npy(kData + "uint8_6.npy").values<uint8_t>() == std::vector<uint8_t>{0, 1, 127, 128, 254, 255});
    const NpyArray i2 = read_npy(kData + "int16_2x3.npy");
    CHECK(i2.shape_text() == "(2, 3)");
    CHECK(i2.values<int16_t>() == std::vector<int16_t>{-32768, -1, 0, 1, 2, 32767});
    const NpyArray i4 = read_npy(kData + "int32_2x2x2.npy");
    CHECK(i4.shape == std::vector<size_t>{2, 2, 2});
    CHECK(i4.values<int32_t>() == std::vector<int32_t>{INT32_MIN, -1, 0, 1, 2, 3, 4, INT32_MAX});
    CHECK(read_npy(kData + "int64_3.npy").values<int64_t>() == std::vector<int64_t>{INT64_MIN, 0, INT64_MAX});

    // float16 has no C++ type: its raw little-endian bits (0.5, -2, 65504, the nearest to 1/3).
    const NpyArray f2 = read_npy(kData + "float16_4.npy");
    CHECK(f2.dtype == NpyDtype::Float16);
    CHECK(f2.item_size() == 2);
    CHECK(f2.data == std::vector<uint8_t>{0x00, 0x38, 0x00, 0xC0, 0xFF, 0x7B, 0x55, 0x35});
    CHECK(read_npy(kData + "float32_2x2.npy").values<float>() == std::vector<float>{1.5f, -0.25f, 3.0e38f, 1.0e-45f});

    const NpyArray v2 = read_npy(kData + "int32_v2.npy");
    CHECK(v2.version == 2);
    CHECK(v2.shape_text() == "(5,)");
    CHECK(v2.values<int32_t>() == std::vector<int32_t>{0, 1, 2, 3, 4});

    const NpyArray scalar = read_npy(kData + "int32_scalar.npy");
    CHECK(scalar.shape.empty());
    CHECK(scalar.shape_text() == "()");
    CHECK(scalar.values<int32_t>() == std::vector<int32_t>{42});

    const NpyArray empty = read_npy(kData + "int16_0x3.npy");
    CHECK(empty.shape == std::vector<size_t>{0, 3});
    CHECK(empty.count() == 0);
    CHECK(empty.data.empty());
}

TEST_CASE("files numpy writes but the reader does not support are refused with the fix", "[npy]")
{
    CHECK_THROWS_WITH(read_npy(kData + "fortran_int8_2x3.npy"),
                      kData + "fortran_int8_2x3.npy: fortran_order is True: only C-order arrays are supported "
                              "(save np.ascontiguousarray(a))");
    CHECK_THROWS_WITH(read_npy(kData + "bigendian_int32.npy"),
                      kData + "bigendian_int32.npy: big-endian dtype '>i4' is not supported (save it little-endian: "
                              "a.astype('<i4'))");
    CHECK_THROWS_WITH(read_npy(kData + "float64_3.npy"),
                      Catch::Contains("float64_3.npy: unsupported dtype '<f8' (supported: int8 '|i1'"));
}

TEST_CASE("asking for the wrong element type is an error, not a reinterpretation", "[npy]")
{
    const NpyArray a = read_npy(kData + "int32_v2.npy");
    CHECK_THROWS_WITH(a.values<float>(), kData + "int32_v2.npy: holds int32 ('<i4'), expected float32");
    CHECK_THROWS_AS(a.values<int16_t>(), InputError);
}

TEST_CASE("the installed numpy's files of every dtype, shape and version read back exactly", "[npy][numpy]")
{
    // Fresh random files from /usr/bin/python3's numpy (the interpreter the project's scripts
    // use): each .npy next to its raw C-order bytes and its shape.
    TempDir dir("lpusim-npy");
    const std::string script = R"PY(
import sys, numpy as np
rng = np.random.default_rng(5)
out = sys.argv[1]
n = 0
for dt in ['i1', 'u1', '<i2', '<i4', '<i8', '<f2', '<f4']:
    for shape in [(), (1,), (7,), (3, 5), (2, 0, 4), (2, 3, 4, 5), (300, 17)]:
        for version in [(1, 0), (2, 0)]:
            if dt[-2] in 'iu':
                a = rng.integers(-2**62, 2**62, size=shape).astype(np.dtype(dt))
            else:
                a = (rng.standard_normal(shape) * 1000).astype(np.dtype(dt))
            a = np.array(a, dtype=np.dtype(dt)).reshape(shape)  # an ndarray even for shape ()
            with open(f'{out}/{n}.npy', 'wb') as f:
                np.lib.format.write_array(f, a, version=version)
            open(f'{out}/{n}.raw', 'wb').write(a.tobytes(order='C'))
            open(f'{out}/{n}.txt', 'w').write(np.dtype(dt).name + ' ' + ' '.join(map(str, shape)))
            n += 1
print(n)
)PY";
    put_file(dir / "gen.py", script);
    const std::string cmd = "/usr/bin/python3 " + (dir / "gen.py") + " " + dir.path.string() + " > " + (dir / "n");
    REQUIRE(std::system(cmd.c_str()) == 0);
    const int n = std::stoi(file_bytes(dir / "n"));
    REQUIRE(n == 7 * 7 * 2);
    for (int i = 0; i < n; ++i) {
        const std::string base = dir / std::to_string(i);
        INFO(base + ".npy: " + file_bytes(base + ".txt"));
        const NpyArray a = read_npy(base + ".npy");
        std::istringstream want(file_bytes(base + ".txt"));
        std::string dtype;
        want >> dtype;
        std::vector<size_t> shape;
        for (size_t d; want >> d;)
            shape.push_back(d);
        CHECK(npy_dtype_name(a.dtype) == dtype);
        CHECK(a.shape == shape);
        CHECK(a.version == (i % 2 == 0 ? 1u : 2u));
        const std::string raw = file_bytes(base + ".raw");
        CHECK(std::string(a.data.begin(), a.data.end()) == raw);
    }
}

TEST_CASE("round trip through write_npy", "[npy]")
{
    TempDir dir("lpusim-npy");
    const std::vector<int32_t> v32{INT32_MIN, -7, 0, 9, INT32_MAX, 123456};
    write_npy(dir / "a.npy", {2, 3}, v32);
    const NpyArray a = read_npy(dir / "a.npy");
    CHECK(a.shape == std::vector<size_t>{2, 3});
    CHECK(a.values<int32_t>() == v32);

    write_npy(dir / "b.npy", {6}, v32);
    CHECK(read_npy(dir / "b.npy").shape_text() == "(6,)");

    const std::vector<int64_t> v64{INT64_MIN, -1, INT64_MAX};
    write_npy(dir / "c.npy", {3, 1}, v64);
    CHECK(read_npy(dir / "c.npy").values<int64_t>() == v64);

    write_npy(dir / "d.npy", {4, 0, 2}, std::vector<int32_t>{});
    CHECK(read_npy(dir / "d.npy").count() == 0);
}

TEST_CASE("broken files are rejected, each with its own reason", "[npy][errors]")
{
    const std::string data48(48, '\x01');  // (3, 4) int32
    const std::string good = npy(dict("<i4", "(3, 4)"), data48);
    REQUIRE(parse(good).count() == 12);
    const auto starts = [](const std::string& text) { return Catch::StartsWith("mem.npy: " + text); };

    struct Case {
        const char* what;
        std::string bytes;
        std::string message;  // the message starts with "mem.npy: " + this
    };
    std::string bad_magic = good;
    bad_magic[5] = 'X';
    std::string v3 = good;
    v3[6] = 3;
    std::string v11 = good;
    v11[7] = 1;
    std::string long_header = good;
    long_header[9] = 1;  // header length 118 + 256: more than the file holds

    const std::vector<Case> cases = {
        {"empty file", "", "truncated: 0 bytes, shorter than the 8-byte magic and version"},
        {"bad magic", bad_magic, "not a .npy file (bad magic: expected \\x93NUMPY at the start, found '\\x93NUMPX')"},
        {"text file", "hello world\n", "not a .npy file (bad magic"},
        {"short magic", std::string("\x93NUM", 4), "truncated: 4 bytes"},
        {"no version", good.substr(0, 7), "truncated: 7 bytes"},
        {"version 3.0", v3, "unsupported .npy format version 3.0 (this reader supports 1.0 and 2.0)"},
        {"version 1.1", v11, "unsupported .npy format version 1.1"},
        {"no header length", good.substr(0, 9), "truncated header: 9 bytes, the version 1.0 preamble needs 10"},
        {"header cut short", good.substr(0, 40),
         "truncated header: the header length field says 118 bytes but only 30 follow"},
        {"header length too long", long_header,
         "truncated header: the header length field says 374 bytes but only 166 follow"},
        {"data cut short", good.substr(0, good.size() - 8),
         "truncated data: shape (3, 4) of int32 needs 48 bytes, the file has 40 after the header"},
        {"trailing garbage", good + "junk",
         "4 unexpected bytes after the data (shape (3, 4) of int32 is 48 bytes): the file is longer than its header "
         "says"},
        {"fortran order", npy(dict("<i4", "(3, 4)", "True"), data48), "fortran_order is True"},
        {"big-endian", npy(dict(">i2", "(24,)"), data48), "big-endian dtype '>i2' is not supported"},
        {"no byte order on a wide type", npy(dict("|i4", "(3, 4)"), data48),
         "dtype '|i4' does not say its byte order (expected '<i4')"},
        {"unsupported dtype", npy(dict("<f8", "(6,)"), data48), "unsupported dtype '<f8'"},
        {"unsigned 32-bit", npy(dict("<u4", "(12,)"), data48), "unsupported dtype '<u4'"},
        {"object dtype", npy(dict("|O", "(6,)"), data48), "unsupported dtype '|O'"},
        {"structured dtype", npy("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (12,), }", data48),
         "unsupported dtype: structured arrays (descr is a list) are not supported"},
        {"missing key", npy("{'descr': '<i4', 'fortran_order': False, }", data48),
         "malformed header: missing key 'shape'"},
        {"unknown key", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), 'x': 1}", data48),
         "malformed header: unknown key 'x' (expected 'descr', 'fortran_order' and 'shape') at offset 58"},
        {"duplicate key", npy("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (3, 4)}", data48),
         "malformed header: duplicate key 'descr'"},
        {"not a dict", npy("['<i4', False, (3, 4)]", data48), "malformed header: the header must start with '{'"},
        {"unclosed dict", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4)", data48),
         "malformed header: expected ',' or '}' after the value of 'shape'"},
        {"text after the dict", npy(dict("<i4", "(3, 4)") + " x", data48),
         "malformed header: unexpected text after the closing '}'"},
        {"quote in the wrong place", npy("{'descr: '<i4'}", data48),
         "malformed header: expected ':' after key 'descr: '"},
        {"unterminated string", npy("{'descr': '<i4", data48), "malformed header: unterminated string at offset 10"},
        {"escape in a string", npy("{'descr': '<i\\4'}", data48),
         "malformed header: backslash escapes are not supported"},
        {"bad boolean", npy(dict("<i4", "(3, 4)", "false"), data48),
         "malformed header: fortran_order must be True or False"},
        {"shape not a tuple", npy(dict("<i4", "[3, 4]"), data48),
         "malformed header: 'shape' must be a tuple such as (3, 4) or (5,)"},
        {"one-element shape without comma", npy(dict("<i4", "(12)"), data48),
         "malformed header: 'shape' (12) is not a tuple (a 1-d shape is written (12,))"},
        {"negative dimension", npy(dict("<i4", "(-3, 4)"), data48), "malformed header: negative dimension in 'shape'"},
        {"non-integer dimension", npy(dict("<i4", "(3.0, 4)"), data48),
         "malformed header: expected ',' or ')' in 'shape'"},
        {"huge dimension", npy(dict("<i4", "(99999999999999999999999,)"), data48),
         "malformed header: dimension in 'shape' is too large"},
        {"size overflow", npy(dict("<i4", "(1099511627776, 1099511627776)"), data48),
         "shape (1099511627776, 1099511627776) of int32 is too large"},
        {"size mismatch", npy(dict("<i4", "(3, 5)"), data48), "truncated data: shape (3, 5) of int32 needs 60 bytes"},
        {"header with a NUL", npy(dict("<i4", "(3, 4)") + std::string(1, '\0'), data48),
         "malformed header: unexpected text after the closing '}' at offset 59 of '{'descr': '<i4', 'fortran_order': "
         "False, 'shape': (3, 4), }\\x00"},
    };
    TempDir dir("lpusim-npy");
    for (const Case& c : cases) {
        INFO(c.what);
        CHECK_THROWS_WITH(parse(c.bytes), starts(c.message));
        // The file reader takes its own path through the bytes (it streams the data): same verdict.
        put_file(dir / "mem.npy", c.bytes);
        try {
            read_npy(dir / "mem.npy");
            FAIL("read_npy accepted it");
        } catch (const InputError& e) {
            const std::string m = e.what();
            CHECK(m.substr(m.find("mem.npy: ")) == rejection(c.bytes));
        }
    }
}

TEST_CASE("a huge header length is refused before allocating it", "[npy][errors]")
{
    // A version 2.0 header may claim up to 4 GiB; one above 1 MiB is refused even if present.
    std::string big = npy(dict("<i4", "(3,)") + std::string((1 << 20) + 100, ' '), std::string(12, '\0'), 2);
    CHECK_THROWS_WITH(parse(big), "mem.npy: malformed header: 1048756 bytes long (refusing more than 1048576)");
}

TEST_CASE("files that cannot be read name the path", "[npy][errors]")
{
    CHECK_THROWS_WITH(read_npy("/nonexistent/x.npy"), "/nonexistent/x.npy: cannot open (No such file or directory)");
    TempDir dir("lpusim-npy");
    CHECK_THROWS_WITH(read_npy(dir.path.string()), dir.path.string() + ": is a directory, not a .npy file");
}

TEST_CASE("every truncation and random corruption of a valid file is rejected or read, never a crash", "[npy][fuzz]")
{
    std::string data;
    for (int i = 0; i < 30; ++i)
        data += static_cast<char>(i * 7);
    const std::vector<std::string> seeds = {npy(dict("<i2", "(3, 5)"), data), npy(dict("|u1", "(2, 15)"), data, 2),
                                            npy(dict("<f2", "(15,)"), data)};
    const auto outcome = [](const std::string& bytes) {
        try {
            const NpyArray a = parse(bytes);
            // Whatever is accepted is consistent with its own header.
            return a.data.size() == a.count() * a.item_size() ? 1 : 2;
        } catch (const InputError&) {
            return 0;
        }
        // Anything else (std::bad_alloc, std::out_of_range, ...) escapes and fails the test.
    };
    for (const std::string& good : seeds) {
        REQUIRE(outcome(good) == 1);
        for (size_t n = 0; n < good.size(); ++n)
            REQUIRE(outcome(good.substr(0, n)) == 0);  // every proper prefix is truncated
    }
    Rng rng(2024);
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string bytes = seeds[rng.below(seeds.size())];
        const auto edits = 1 + rng.below(4);
        for (uint64_t e = 0; e < edits; ++e) {
            const size_t at = rng.below(bytes.size());
            switch (rng.below(4)) {
            case 0: bytes[at] = static_cast<char>(rng.byte()); break;                       // flip a byte
            case 1: bytes[at] = static_cast<char>(bytes[at] ^ (1 << rng.below(8))); break;  // flip a bit
            case 2: bytes.erase(at, 1 + rng.below(3)); break;                               // delete
            default: bytes.insert(at, 1 + rng.below(3), static_cast<char>(rng.byte()));     // insert
            }
            if (bytes.empty())
                break;
        }
        const int r = outcome(bytes);
        REQUIRE(r != 2);
        (r == 1 ? accepted : rejected)++;
    }
    // Mostly rejections; the accepted ones are data-byte flips.
    CHECK(rejected > 10000);
    CHECK(accepted > 100);
}
