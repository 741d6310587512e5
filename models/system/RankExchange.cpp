#include "RankExchange.h"

#include "models/common/Error.h"
#include "models/system/Wire.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace lpu {

uint64_t RankExchange::agree_min(uint64_t v, const std::optional<RankFailure>& mine)
{
    std::string bytes;
    wire::put(bytes, v);
    if (mine) {
        wire::put(bytes, mine->first);
        wire::put(bytes, mine->second);
        wire::put(bytes, static_cast<uint64_t>(mine->kind));
        wire::put(bytes, static_cast<uint64_t>(mine->rule));
        wire::put(bytes, mine->what);
    }
    std::optional<RankFailure> chosen;
    uint64_t least = v;
    for (const std::string& s : all_gather(bytes)) {
        wire::Reader r(s);
        least = std::min(least, r.u64());
        if (r.done())
            continue;
        RankFailure f;
        f.first = r.u64();
        f.second = r.u64();
        f.kind = static_cast<RankFailure::Kind>(r.u64());
        f.rule = static_cast<ScheduleRule>(r.u64());
        f.what = r.str();
        if (!chosen || std::tie(f.first, f.second) < std::tie(chosen->first, chosen->second))
            chosen = std::move(f);
    }
    if (!chosen)
        return least;
    agreed_ = chosen;
    switch (chosen->kind) {
    case RankFailure::Kind::Schedule: throw ScheduleError(chosen->rule, chosen->what);
    case RankFailure::Kind::Input: throw InputError(chosen->what);
    case RankFailure::Kind::Check: throw CheckError(chosen->what);
    case RankFailure::Kind::Internal: break;
    }
    throw std::runtime_error(chosen->what);
}

RankFailure rank_failure(std::exception_ptr e, uint64_t first, uint64_t second)
{
    RankFailure f;
    f.first = first;
    f.second = second;
    try {
        std::rethrow_exception(e);
    } catch (const ScheduleError& x) {
        f.kind = RankFailure::Kind::Schedule;
        f.rule = x.rule();
        f.what = x.what();
    } catch (const InputError& x) {
        f.kind = RankFailure::Kind::Input;
        f.what = x.what();
    } catch (const CheckError& x) {
        f.kind = RankFailure::Kind::Check;
        f.what = x.what();
    } catch (const std::exception& x) {
        f.what = x.what();
    }
    return f;
}

}  // namespace lpu
