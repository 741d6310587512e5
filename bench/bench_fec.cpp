// The link physical layer's throughput: 320-byte vectors through LinkPhy (KP4 or KR4, both decode
// policies) at several bit error rates, and the bare Reed-Solomon encoder and decoder.
// usage: lpusim_bench_fec [CODE [VECTORS]]   (CODE: kp4, kr4, rs(n,k); default kp4 200000)
// prints per rate: codewords and payload Mbit per second of processor time, and the counters
// that explain the cost
#include "models/common/Rng.h"
#include "models/linkphy/FecCode.h"
#include "models/linkphy/LinkPhy.h"
#include "models/linkphy/ReedSolomon.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace lpu;

namespace {

// Processor time, not wall time: the figures hold on a machine shared with other work.
double seconds_since(std::clock_t t0) { return double(std::clock() - t0) / CLOCKS_PER_SEC; }

void bench_link(const FecCode& code, double ber, DecodePolicy policy, size_t vectors)
{
    LinkPhy phy(code, LinkErrorModel(BitErrorParams{ber, 0, 0}, 1, 1), policy);
    std::vector<uint8_t> v(320);
    Rng rng(5);
    for (auto& b : v)
        b = rng.byte();
    ReceivedVector got;
    const std::clock_t t0 = std::clock();
    for (size_t i = 0; i < vectors; ++i) {
        v[i % v.size()] ^= 1;  // not the same vector every time
        phy.send(v);
        while (phy.receive(got)) {
        }
    }
    phy.flush();
    const double sec = seconds_since(t0);
    const LinkPhyCounters& c = phy.counters();
    std::printf("%-6s %-14s ber %-7.0e %9.0f codewords/s %8.1f Mbit/s   corrected %5.1f %%  uncorrectable %5.1f %%\n",
                code.name().c_str(), policy == DecodePolicy::skip_clean ? "skip_clean" : "every_codeword", ber,
                double(c.codewords) / sec, double(vectors) * 2560 / sec / 1e6,
                100.0 * double(c.corrected_codewords) / double(c.codewords),
                100.0 * double(c.uncorrectable_codewords) / double(c.codewords));
}

void bench_codec(const FecCode& code, unsigned errors, unsigned words)
{
    const ReedSolomon& rs = *ReedSolomon::shared(code.n(), code.k());
    Rng rng(3);
    std::vector<uint16_t> word(rs.n());
    for (unsigned i = 0; i < rs.k(); ++i)
        word[i] = static_cast<uint16_t>(rng.below(1024));
    unsigned ok = 0;
    const std::clock_t t0 = std::clock();
    for (unsigned w = 0; w < words; ++w) {
        word[w % rs.k()] ^= 1;
        rs.encode(word.data());
        for (unsigned e = 0; e < errors; ++e)
            word[(w * 7 + e * 37) % rs.n()] ^= static_cast<uint16_t>(1 + e);
        ok += rs.decode(word.data()).ok;
    }
    const double sec = seconds_since(t0);
    std::printf("%-6s encode+decode, %2u symbol errors: %9.0f codewords/s (%.2f us each), %u decoded\n",
                code.name().c_str(), errors, words / sec, sec / words * 1e6, ok);
}

}  // namespace

int main(int argc, char* argv[])
{
    const FecCode code = FecCode::parse(argc > 1 ? argv[1] : "kp4");
    const size_t vectors = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200000;
    if (code.is_none()) {
        std::fprintf(stderr, "usage: %s [kp4|kr4|rs(n,k) [VECTORS]]\n", argv[0]);
        return 2;
    }
    for (unsigned errors : {0u, 1u, 4u, code.t(), code.t() + 1})
        bench_codec(code, errors, 20000);
    for (double ber : {0.0, 1e-6, 1e-5, 1e-4, 2e-4, 1e-3, 3e-3})
        for (DecodePolicy policy : {DecodePolicy::skip_clean, DecodePolicy::every_codeword})
            bench_link(code, ber, policy, vectors);
    return 0;
}
