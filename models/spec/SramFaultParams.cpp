#include "SramFaultParams.h"

#include "models/common/Error.h"
#include "models/common/ParamNode.h"
#include "models/common/YamlText.h"

#include <cctype>
#include <regex>
#include <sstream>

namespace lpu {

namespace {

constexpr const char* kFlag = "--sram-faults";
constexpr double kMaxRate = 1e-2;               // beyond: most bits flipped within 100 cycles
constexpr int64_t kMaxSeed = int64_t{1} << 53;  // as a system's seed
constexpr unsigned kBitsPerByte = 8;
constexpr size_t kMaxFlipBits = 64;  // per --sram-flip

bool plain(const std::string& s, bool key)
{
    if (s.empty())
        return false;
    for (const char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (!key && (c == '.' || c == '-' || c == '+'))))
            return false;
    return true;
}

// A non-negative decimal integer no larger than `max`, or InputError "what: reason".
uint64_t number(const std::string& s, uint64_t max, const std::string& what)
{
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos)
        throw InputError(what + ": " + quote_token(s) + " is not a non-negative integer");
    const unsigned long long v = std::stoull(s);
    if (v > max)
        throw InputError(what + ": " + s + " is out of range [0, " + std::to_string(max) + "]");
    return v;
}

}  // namespace

SramFaultParams SramFaultParams::read(ParamNode& n)
{
    SramFaultParams p;
    p.rate = n.param<double>("rate", "probability that a stored SRAM codeword bit (data or check) flips, per bit "
                                     "per cycle; the flip stays until the word is written again")
                 .range(0, kMaxRate)
                 .def(0.0);
    p.seed = n.param<uint64_t>("seed", "seed of the random upsets (each chip of a system mixes in its index)")
                 .range(0, double(kMaxSeed))
                 .def(1);
    const std::string policy =
        n.param<std::string>("policy", "a detected uncorrectable error on a read: fail stops the run naming slice, "
                                       "word and cycle; poison delivers the word as read and counts it")
            .def("fail");
    if (const auto parsed = parse_error_policy(policy))
        p.policy = *parsed;
    else
        n.fail("policy", "unknown policy " + quote_token(policy) + error_policy_choices());
    return p;
}

SramFaultParams SramFaultParams::parse(const std::string& text)
{
    // KEY=VALUE,... as a YAML map, one key a line, read by the declarations above.
    std::string yaml;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (eq == std::string::npos || !plain(key, true) || !plain(value, false))
            throw InputError(std::string(kFlag) +
                             ": expected KEY=VALUE[,KEY=VALUE...] (keys rate, seed, policy), got " + quote_token(item));
        yaml += key + ": " + value + "\n";
    }
    if (yaml.empty())
        throw InputError(std::string(kFlag) + ": expected KEY=VALUE[,KEY=VALUE...] (keys rate, seed, policy)");
    try {
        auto record = std::make_shared<Config>(kFlag);
        ParamNode root = ParamNode::root(record, load_yaml(yaml, kFlag, "option"), "option");
        SramFaultParams p = read(root);
        root.finish();
        return p;
    } catch (const InputError& e) {
        // "--sram-faults:2:7: seed: reason": the line and column are of the text built here.
        static const std::regex position("^--sram-faults:[0-9]+:[0-9]+: ");
        throw InputError(std::regex_replace(std::string(e.what()), position, std::string(kFlag) + ": "));
    }
}

std::string SramFaultParams::text() const
{
    std::ostringstream os;
    os << "rate " << rate << " per bit per cycle, seed " << seed << ", policy " << error_policy_name(policy);
    if (!flips.empty())
        os << ", " << flips.size() << " targeted flip" << (flips.size() == 1 ? "" : "s");
    return os.str();
}

SramFlip SramFlip::parse(const std::string& text, const MemParams& mem)
{
    const std::string what = "--sram-flip " + quote_token(text);
    static const std::regex form("([0-9]+):([0-9]+):([0-9c.+]+)(@([0-9]+))?");
    std::smatch m;
    if (!std::regex_match(text, m, form))
        throw InputError(what + ": expected SLICE:WORD:BIT[+BIT...][@CYCLE], BIT a data bit of the word or cE.J "
                                "(check bit J of ECC word E)");
    SramFlip f;
    f.text = text;
    f.slice = static_cast<unsigned>(number(m[1], mem.slices - 1, what + ": slice"));
    f.word = static_cast<uint32_t>(number(m[2], mem.words_per_slice() - 1, what + ": word"));
    f.cycle = m[5].matched ? number(m[5], uint64_t{1} << 62, what + ": cycle") : 0;
    const unsigned data_bits = mem.word_bytes() * kBitsPerByte, k = mem.ecc.data_bits;
    std::istringstream bits(m[3]);
    for (std::string b; std::getline(bits, b, '+');) {
        Bit bit;
        if (!b.empty() && b[0] == 'c') {
            const auto dot = b.find('.');
            if (dot == std::string::npos || mem.ecc.check_bits() == 0)
                throw InputError(what + ": " + quote_token(b) +
                                 (mem.ecc.check_bits() ? " is not cE.J"
                                                       : " names a check bit, but chip.mem.ecc.scheme "
                                                         "is none"));
            bit.ecc_word =
                static_cast<unsigned>(number(b.substr(1, dot - 1), mem.ecc_words_per_word() - 1, what + ": ECC word"));
            bit.bit =
                k + static_cast<unsigned>(number(b.substr(dot + 1), mem.ecc.check_bits() - 1, what + ": check bit"));
        } else {
            const uint64_t d = number(b, data_bits - 1, what + ": data bit");
            bit.ecc_word = static_cast<unsigned>(d / k);
            bit.bit = static_cast<unsigned>(d % k);
        }
        for (const Bit& o : f.bits)
            if (o.ecc_word == bit.ecc_word && o.bit == bit.bit)
                throw InputError(what + ": bit " + quote_token(b) + " named twice");
        f.bits.push_back(bit);
        if (f.bits.size() > kMaxFlipBits)
            throw InputError(what + ": more than " + std::to_string(kMaxFlipBits) + " bits");
    }
    if (f.bits.empty())
        throw InputError(what + ": no bits");
    return f;
}

}  // namespace lpu
