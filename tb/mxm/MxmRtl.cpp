#include "MxmRtl.h"

#include "models/common/Error.h"

#include <cstdlib>
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
bool cpu_has_avx2()
{
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}
}  // namespace

bool mxm_rtl_use_avx2(bool avx2_built)
{
    const char* env = std::getenv("LPUSIM_RTL_ISA");
    const std::string want = env ? env : "";
    if (want == "baseline")
        return false;
    if (want.empty())
        return avx2_built && cpu_has_avx2();
    if (want != "avx2")
        throw InputError("LPUSIM_RTL_ISA='" + want + "': expected baseline or avx2 (or unset: AVX2 if the CPU has it)");
    if (!avx2_built)
        throw InputError("LPUSIM_RTL_ISA=avx2, but this build has no AVX2 RTL (CMake option LPUSIM_RTL_AVX2)");
    if (!cpu_has_avx2())
        throw InputError("LPUSIM_RTL_ISA=avx2, but this CPU has no AVX2");
    return true;
}

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
