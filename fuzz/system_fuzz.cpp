// The system file loader (topology/SystemFileReader: chip types, generated and listed links, all
// through common/ParamNode), read as if it sat in configs/systems so that `config: ../tiny.yaml`
// finds the shipped chips. An accepted system must be what the loader promises: every link joins
// two different chips on ports their types have, no port twice, every chip reachable; and the
// figures of a small one compute (the 10,440-chip ones take too long per input under ASan).
#include "FuzzTarget.h"

#include "models/topology/SystemSpec.h"
#include "models/topology/TopologyFigures.h"

#include <set>
#include <utility>

namespace {

void check_links(const lpu::SystemSpec& s)
{
    std::set<std::pair<unsigned, unsigned>> used;
    for (const lpu::SystemLink& l : s.links) {
        if (l.a.chip == l.b.chip)
            lpu::fuzz::finding("a link from a chip to itself: " + s.chips[l.a.chip].name);
        for (const lpu::LinkEnd& e : {l.a, l.b}) {
            if (e.chip >= s.chips.size() || e.port >= s.chip_spec(e.chip).c2c.links)
                lpu::fuzz::finding("a link end on a port the chip does not have");
            if (!used.insert({e.chip, e.port}).second)
                lpu::fuzz::finding("port " + std::to_string(e.port) + " of " + s.chips[e.chip].name + " used twice");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    fuzz::expect_input_error([&] {
        const SystemSpec s =
            parse_system_spec(fuzz::text_of(data, size), std::string(LPUSIM_CONFIG_DIR) + "/systems/fuzz.yaml");
        check_links(s);
        constexpr size_t kFiguresUpTo = 1000;  // chips
        if (s.chips.size() > kFiguresUpTo)
            return;
        const TopologyFigures f = TopologyFigures::of(s);
        if (f.distances.unreachable != 0)
            fuzz::finding("an accepted system is not connected");
        (void)f.json();
        (void)f.text();
    });
    return 0;
}
