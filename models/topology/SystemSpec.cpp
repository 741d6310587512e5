#include "SystemSpec.h"

#include "models/common/Error.h"
#include "models/common/ParamNode.h"
#include "models/common/YamlText.h"
#include "models/linkphy/FecCode.h"
#include "models/linkphy/LinkErrorModel.h"
#include "models/topology/SystemFileReader.h"

namespace lpu {

LinkParams LinkParams::read(ParamNode& n, const LinkParams& d)
{
    LinkParams p;
    p.cable_latency =
        n.param<unsigned>("cable_latency",
                          "cycles from send to receive on the cable, of the sending chip's nominal clock (default: "
                          "the first chip type's c2c.cable_latency; TSP22 measured a mean of 216)")
            .range(0, 1000000)
            .def(d.cable_latency);
    p.serdes_latency =
        n.param<unsigned>("serdes_latency", "cycles the transmitter and receiver add together (default: the first chip "
                                            "type's c2c.serdes_latency)")
            .range(0, 1000000)
            .def(d.serdes_latency);
    p.framing_overhead = n.param<double>("framing_overhead",
                                         "line bits spent on framing, as a fraction of payload bits (reported: about "
                                         "2.5 %, unverified)")
                             .range(0, 1)
                             .def(d.framing_overhead);
    p.fec =
        n.param<std::string>("fec", "forward error correction, Reed-Solomon over 10-bit symbols: kp4 RS(544,514), kr4 "
                                    "RS(528,514), rs(n,k) with 0 < k < n <= 1023, or none")
            .def(d.fec);
    try {
        p.fec = FecCode::parse(p.fec).name();
    } catch (const InputError& e) {
        n.fail("fec", e.what());
    }
    p.fec_latency =
        n.param<unsigned>("fec_latency", "cycles the FEC decoder adds").range(0, 1000000).def(d.fec_latency);
    p.ber = n.param<double>("ber", "pre-FEC bit error rate on the line (KP4 and KR4 correct about 2e-4 to below "
                                   "1e-12)")
                .range(0, 0.5)
                .def(d.ber);
    p.burst_probability = n.param<double>("burst_probability", "probability that a bit error starts a burst")
                              .range(0, 1)
                              .def(d.burst_probability);
    p.burst_bits =
        n.param<unsigned>("burst_bits", "bits a burst spans").range(0, LinkErrorModel::kMaxBurstBits).def(d.burst_bits);
    p.seed =
        n.param<uint64_t>("seed", "seed of this link's bit errors, with the system's seed (default: link_defaults.seed "
                                  "+ the link's index)")
            .range(0, kMaxSeed)
            .def(d.seed);
    return p;
}

SystemSpec parse_system_spec(const std::string& yaml, const std::string& source)
{
    YAML::Node doc;
    try {
        doc = load_yaml(yaml, source, "system");
    } catch (const InputError& e) {  // a syntax error or a broken size, depth or node limit
        throw ConfigError(e.what());
    }
    return SystemFileReader(source).read(doc);
}

SystemSpec load_system_spec(const std::string& path)
{
    std::string text;
    try {
        text = read_yaml_file(path, "system");
    } catch (const InputError& e) {
        throw ConfigError(e.what());
    }
    return parse_system_spec(text, path);
}

}  // namespace lpu
