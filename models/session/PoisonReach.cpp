#include "PoisonReach.h"

#include "models/common/Json.h"
#include "models/session/ProgramTensors.h"
#include "models/system/Wire.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

namespace lpu {

PoisonReach::PoisonReach(System& system, std::vector<const Program*> programs)
    : system_(system), programs_(std::move(programs)), start_(system.chips())
{
    for (size_t i = 0; i < system_.chips(); ++i)
        if (system_.local(i))
            start_[i] = std::make_unique<MemImage>(system_.chip(i).mem());
}

PoisonReach::~PoisonReach() = default;

std::vector<std::string> PoisonReach::declared(const Program& program, unsigned lanes)
{
    std::set<std::string> blocks;
    std::vector<std::string> names;
    for (const MatrixDecl& m : program.matrices) {
        names.push_back(m.name);
        for (unsigned j = 0; j < m.blocks(lanes); ++j)
            blocks.insert(m.block_name(j));
    }
    for (const TensorDecl& t : program.tensors)
        if (!blocks.count(t.name))
            names.push_back(t.name);
    return names;
}

NpyArray PoisonReach::array(size_t chip, const std::string& name) const
{
    return ProgramTensors(system_.chip(chip), *programs_[chip], "").array(name);
}

void PoisonReach::compare(unsigned threads, RankExchange& exchange)
{
    uint64_t poisoned = 0;
    for (size_t d = 0; d < 2 * system_.spec().links.size(); ++d)
        if (system_.has_direction(d / 2, static_cast<unsigned>(d % 2)))
            poisoned += system_.direction(d / 2, static_cast<unsigned>(d % 2)).stats().phy.vectors_poisoned;
    if (exchange.min(poisoned ? 0 : 1) == 1)
        return;
    ran_again_ = true;
    std::vector<std::vector<Tensor>> first(system_.chips());
    std::vector<std::unique_ptr<MemImage>> after(system_.chips());
    std::vector<ChipRun> runs(system_.chips());
    for (size_t i = 0; i < system_.chips(); ++i) {
        if (!system_.local(i))
            continue;
        if (programs_[i])
            for (const std::string& name : declared(*programs_[i], system_.chip(i).spec().chip.lanes()))
                first[i].push_back({name, array(i, name)});
        after[i] = std::make_unique<MemImage>(system_.chip(i).mem());
        start_[i]->restore(system_.chip(i).mem());
        runs[i].program = programs_[i];
    }
    system_.complement_poisoned(true);
    try {
        system_.run(runs, threads, &exchange);
        for (size_t i = 0; i < system_.chips(); ++i)
            for (const Tensor& t : first[i])
                if (auto f = reached(i, t.name, t.first, array(i, t.name)); !f.first.empty()) {
                    found_.push_back(std::move(f));
                    found_chip_.push_back(i);
                }
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    system_.complement_poisoned(false);
    for (size_t i = 0; i < system_.chips(); ++i)
        if (after[i])
            after[i]->restore(system_.chip(i).mem());
}

std::pair<std::string, std::string> PoisonReach::reached(size_t chip, const std::string& name, const NpyArray& a,
                                                         const NpyArray& b) const
{
    const size_t size = a.item_size(), count = a.count();
    const size_t cols = a.shape.size() == 2 ? a.shape[1] : 1;
    uint64_t elements = 0;
    std::ostringstream first, text;
    for (size_t e = 0; e < count; ++e) {
        if (std::memcmp(a.data.data() + e * size, b.data.data() + e * size, size) == 0)
            continue;
        if (elements < kFirst) {
            first << (elements ? ", " : "") << "[" << e / cols << ", " << e % cols << "]";
            text << " [" << e / cols << "," << e % cols << "]";
        }
        ++elements;
    }
    if (elements == 0)
        return {};
    const std::string& chip_name = system_.spec().chips[chip].name;
    std::ostringstream json;
    json << "{\"chip\": \"" << json_escape(chip_name) << "\", \"tensor\": \"" << json_escape(name)
         << "\", \"elements\": " << elements << ", \"of\": " << count << ", \"first\": [" << first.str() << "]}";
    std::ostringstream line;
    line << chip_name << " " << name << ": " << elements << " of " << count << " elements reached, first" << text.str();
    return {json.str(), line.str()};
}

std::string PoisonReach::mine() const
{
    std::string out;
    for (size_t k = 0; k < found_.size(); ++k) {
        wire::put(out, uint64_t{found_chip_[k]});
        wire::put(out, found_[k].first);
        wire::put(out, found_[k].second);
    }
    return out;
}

void PoisonReach::join(const std::vector<std::string>& parts)
{
    std::vector<std::pair<uint64_t, std::pair<std::string, std::string>>> all;
    for (const std::string& part : parts)
        for (wire::Reader r(part); !r.done();) {
            const uint64_t chip = r.u64();
            std::string json = r.str();
            all.push_back({chip, {std::move(json), r.str()}});
        }
    // Each chip's tensors stay in declaration order: a stable sort by chip.
    std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    all_.clear();
    for (auto& f : all)
        all_.push_back(std::move(f.second));
}

std::string PoisonReach::json() const
{
    std::string out = "[";
    for (size_t k = 0; k < all_.size(); ++k)
        out += (k ? ",\n  " : "\n  ") + all_[k].first;
    return out + (all_.empty() ? "]" : "\n]");
}

std::string PoisonReach::text() const
{
    std::string out;
    for (const auto& f : all_)
        out += f.second + "\n";
    return out;
}

}  // namespace lpu
