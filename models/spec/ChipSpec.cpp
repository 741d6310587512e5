#include "ChipSpec.h"

#include "models/common/Error.h"
#include "models/common/ParamNode.h"
#include "models/common/YamlText.h"

namespace lpu {

ChipSpec ChipSpec::read(ParamNode& n)
{
    ChipSpec s;
    s.chip = ChipParams::read(n);
    ParamNode mxm = n.section("mxm");
    s.mxm = MxmParams::read(mxm, s.chip);
    ParamNode mem = n.section("mem");
    s.mem = MemParams::read(mem, s.chip);
    ParamNode streams = n.section("streams");
    s.stream = StreamParams::read(streams);
    ParamNode c2c = n.section("c2c");
    s.c2c = C2cParams::read(c2c);
    ParamNode icu = n.section("icu");
    s.icu = IcuParams::read(icu);
    ParamNode vxm = n.section("vxm");
    s.vxm = VxmSliceParams::read(vxm);
    ParamNode sxm = n.section("sxm");
    s.sxm = SxmSliceParams::read(sxm);
    n.finish();
    s.config = n.record();
    s.path = n.path();
    return s;
}

ChipSpec parse_chip_spec(const std::string& yaml, const std::string& source)
{
    YAML::Node doc;
    try {
        doc = load_yaml(yaml, source, "config");
    } catch (const InputError& e) {  // a syntax error or a broken size, depth or node limit
        throw ConfigError(e.what());
    }
    auto record = std::make_shared<Config>(source);
    ParamNode root = ParamNode::root(record, doc, "config (expected a map with 'version' and 'chip')");
    root.param<int64_t>("version", "config format version (this build reads version 1)").range(1, 1).value();
    ParamNode chip = root.section("chip");
    ChipSpec spec = ChipSpec::read(chip);
    root.finish();
    return spec;
}

ChipSpec load_chip_spec(const std::string& path)
{
    std::string text;
    try {
        text = read_yaml_file(path, "config");
    } catch (const InputError& e) {
        throw ConfigError(e.what());
    }
    return parse_chip_spec(text, path);
}

}  // namespace lpu
