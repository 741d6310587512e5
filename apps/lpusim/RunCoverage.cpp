#include "RunCoverage.h"

#include "models/common/Error.h"
#include "models/common/Npy.h"
#include "models/session/SystemSession.h"
#include "tb/coverage/CoverageFile.h"

#include <map>

namespace lpu {

RunCoverage::RunCoverage(std::string path, std::string source) : path_(std::move(path)), source_(std::move(source))
{
    if (!path_.empty())  // empty on the ranks that do not write it
        check_writable(path_);
}

CoverageCollector& RunCoverage::collector(size_t chip, const ChipSpec& spec)
{
    if (collectors_.size() <= chip)
        collectors_.resize(chip + 1);
    if (!collectors_[chip])
        collectors_[chip] = std::make_unique<CoverageCollector>(spec);
    return *collectors_[chip];
}

MxmObserver* RunCoverage::mxm(size_t chip, MxmObserver* other)
{
    CoverageCollector* mine = collectors_.at(chip).get();
    if (!other)
        return mine;
    fanouts_.push_back(std::make_unique<MxmObserverFanout>(std::vector<MxmObserver*>{other, mine}));
    return fanouts_.back().get();
}

void RunCoverage::record(CoverageFile& file, std::exception_ptr error) const
{
    if (!error)
        return;
    try {
        std::rethrow_exception(error);
    } catch (const ScheduleError& e) {
        file.record_schedule_error(e.rule());
    } catch (...) {  // other failures have no bin
    }
}

void RunCoverage::write(std::exception_ptr error)
{
    CoverageFile file;
    file.add_source(source_);
    for (const auto& c : collectors_)
        if (c)
            file.add(c->bins(), c->hits());
    record(file, error);
    file.write(path_);
}

void RunCoverage::write_system(SystemSession& session, std::exception_ptr error)
{
    std::string mine;
    for (size_t i = 0; i < collectors_.size(); ++i)
        if (collectors_[i])
            mine += std::to_string(i) + ":" + CoverageFile::encode(collectors_[i]->hits()) + "\n";
    const std::vector<std::string> all = session.exchange().gather(mine);
    if (!session.writer())
        return;
    const SystemSpec& spec = session.system().spec();
    std::map<size_t, std::string> by_chip;
    for (const std::string& part : all)
        for (size_t at = 0; at < part.size();) {
            const size_t colon = part.find(':', at), end = part.find('\n', at);
            by_chip[std::stoul(part.substr(at, colon - at))] = part.substr(colon + 1, end - colon - 1);
            at = end + 1;
        }
    CoverageFile file;
    file.add_source(source_);
    std::map<unsigned, CoverageBins> bins_of_type;  // chips of one type share their bins
    for (const auto& [chip, text] : by_chip) {
        const unsigned type = spec.chips.at(chip).type;
        auto it = bins_of_type.find(type);
        if (it == bins_of_type.end())
            it = bins_of_type.emplace(type, CoverageBins(CoverageGeometry::of(spec.chip_spec(chip)))).first;
        file.add(it->second, CoverageFile::decode(text, it->second.size()));
    }
    record(file, error);
    file.write(path_);
}

}  // namespace lpu
