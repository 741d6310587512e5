#include "RunWave.h"

#include "models/common/Error.h"
#include "models/common/Npy.h"

namespace lpu {

RunWave::RunWave(const std::filesystem::path& dir, const std::string& stem, const ChipClock& clock,
                 const std::string& title, std::pair<uint64_t, uint64_t> window)
    : vcd(prepare(dir) + "/" + stem + ".vcd"), gtkw((dir / (stem + ".gtkw")).string()), writer(vcd, clock, title)
{
    check_writable(gtkw);
    if (window.first != 0 || window.second != ~uint64_t{0})
        writer.set_window(window.first, window.second);
}

std::string RunWave::prepare(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw InputError(dir.string() + ": cannot create wave directory (" +
                         (ec ? ec.message() : std::string("not a directory")) + ")");
    return dir.string();
}

std::string RunWave::stem_of(const std::string& name)
{
    std::string s = name;
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
            c = '_';
    return s.empty() || s[0] == '.' ? "_" + s : s;
}

void RunWave::complete(uint64_t cycles)
{
    if (!writer.closed())
        writer.end(cycles);
    writer.write_gtkw(gtkw);
}

uint64_t RunWave::complete_failed(const std::string& what, bool this_chip)
{
    const uint64_t cycle = this_chip ? writer.fail(what) : writer.stop(what);
    writer.write_gtkw(gtkw);
    return cycle;
}

}  // namespace lpu
