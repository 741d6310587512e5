#include "MxmRtl.h"

#include "models/common/Error.h"

#include <sstream>

namespace lpu {

namespace {
std::vector<uint32_t> expected_values(const MxmParams& p)
{
    std::vector<uint32_t> v;
    for (const auto& kv : p.rtl_parameters())
        v.push_back(kv.second);
    return v;
}

std::string describe(const MxmParams& p, const std::vector<uint32_t>& values)
{
    std::ostringstream os;
    const auto names = p.rtl_parameters();
    for (size_t i = 0; i < names.size() && i < values.size(); ++i)
        os << (i ? " " : "") << names[i].first << "=" << values[i];
    return os.str();
}
}  // namespace

std::unique_ptr<MxmRtl> make_mxm_rtl(const MxmParams& params, const ChipClock& clock, bool trace)
{
    const std::vector<uint32_t> want = expected_values(params);
    std::ostringstream available;
    for (const auto& v : mxm_rtl_variants()) {
        auto rtl = v.make(clock, trace);
        const std::vector<uint32_t> got = rtl->parameters();
        if (got == want)
            return rtl;
        available << "\n  " << v.name << " (" << v.config << "): " << describe(params, got);
    }
    throw InputError("no Verilated MXM matches this config (" + params.summary() + "); RTL variants in this build:" +
                     available.str() + "\nAdd the config to the CMake option LPUSIM_RTL_CONFIGS and rebuild.");
}

}  // namespace lpu
