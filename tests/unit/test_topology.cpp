// Topology figures (docs/system.md): diameter, mean distance, bisection, port use and degree of
// the shipped systems and of small systems against hand-computed values, and the published checks.
#include "models/topology/Bisection.h"
#include "models/topology/ChipGraph.h"
#include "models/topology/PublishedChecks.h"
#include "models/topology/SystemSpec.h"
#include "models/topology/TopologyFigures.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using lpu::SystemSpec;
using lpu::TopologyFigures;

namespace {

const std::string kSystemsDir = std::string(LPUSIM_CONFIG_DIR) + "/systems";

TopologyFigures shipped(const std::string& name)
{
    return TopologyFigures::of(lpu::load_system_spec(kSystemsDir + "/" + name + ".yaml"));
}

// A custom system of `chips` chips named c0.. and the given links (pairs of chip numbers).
SystemSpec custom(unsigned chips, const std::vector<std::pair<unsigned, unsigned>>& links)
{
    std::string text =
        "version: 1\nsystem:\n  name: c\n  types:\n    t:\n      chip:\n        geometry: {superlanes: 1}\n"
        "  topology: {kind: custom}\n  chips:\n";
    for (unsigned c = 0; c < chips; ++c)
        text += "    c" + std::to_string(c) + ": {}\n";
    text += "  links:\n";
    for (const auto& [a, b] : links)
        text += "    - {a: c" + std::to_string(a) + ", b: c" + std::to_string(b) + "}\n";
    return lpu::parse_system_spec(text, "custom.yaml");
}

SystemSpec ring(unsigned n)
{
    std::vector<std::pair<unsigned, unsigned>> links;
    for (unsigned c = 0; c < n; ++c)
        links.emplace_back(c, (c + 1) % n);
    return custom(n, links);
}

}  // namespace

TEST_CASE("reach bound: chips within k hops of 8-chip nodes with 4 global links per chip", "[topology]")
{
    using lpu::PublishedChecks;
    // 1 + 7 local + 4 global; then each global neighbour's 7 node-mates and 3 further links, and
    // each node-mate's 4 global links; and so on.
    CHECK(PublishedChecks::reach_bound(0, 8, 4) == 1);
    CHECK(PublishedChecks::reach_bound(1, 8, 4) == 12);
    CHECK(PublishedChecks::reach_bound(2, 8, 4) == 1 + 11 + 4 * (7 + 3) + 7 * 4);
    CHECK(PublishedChecks::reach_bound(4, 8, 4) == 4032);   // < 10,440: no wiring has diameter 4
    CHECK(PublishedChecks::reach_bound(5, 8, 4) == 28688);  // > 10,440: counting allows 5
}

TEST_CASE("pair and node figures", "[topology]")
{
    const TopologyFigures pair = shipped("pair");
    CHECK(pair.chips == 2);
    CHECK(pair.links == 1);
    CHECK(pair.diameter == 1);
    CHECK(pair.mean_distance == 1.0);
    CHECK(pair.bisection_links == 1);
    CHECK(pair.ports == 32);
    CHECK(pair.ports_used == 2);
    CHECK(pair.checks.empty());

    const TopologyFigures node = shipped("node-8");
    CHECK(node.chips == 8);
    CHECK(node.links == 28);
    CHECK(node.local_links == 28);
    CHECK(node.diameter == 1);
    CHECK(node.mean_distance == 1.0);
    CHECK(node.distances.pairs == std::vector<uint64_t>{0, 56});
    CHECK(node.bisection_links == 16);  // 4 x 4 across any balanced cut of a complete graph of 8
    CHECK(node.degree_chips == std::map<unsigned, unsigned>{{7, 8}});
    CHECK(node.ports_used_chips == std::map<unsigned, unsigned>{{7, 8}});
    CHECK(node.ports_free_chips == std::map<unsigned, unsigned>{{9, 8}});
    REQUIRE(node.checks.size() == 2);
    CHECK(node.checks[0].pass);
    CHECK(node.checks[0].detail == "1 node of 8 chips, each chip linked to its 7 node-mates");
    CHECK(node.checks[1].pass);
    CHECK(node.checks_pass());
    CHECK(shipped("node-8-tiny").json().find("\"diameter\": 1,") != std::string::npos);
}

TEST_CASE("rings and a 2x2 mesh against hand-computed figures", "[topology]")
{
    for (unsigned n : {4u, 6u, 10u, 16u}) {
        INFO("ring of " << n);
        const TopologyFigures f = TopologyFigures::of(ring(n));
        CHECK(f.diameter == n / 2);
        // Even n: from any chip, two chips at each distance 1 .. n/2 - 1 and one at n/2.
        CHECK(f.mean_distance == Approx(double(n) * n / 4 / (n - 1)));
        CHECK(f.bisection_links == 2);
        CHECK(f.degree_chips == std::map<unsigned, unsigned>{{2, n}});
    }
    const TopologyFigures odd = TopologyFigures::of(ring(7));
    CHECK(odd.diameter == 3);
    CHECK(odd.bisection_links == 2);
    // A 2x2 mesh (a ring of 4 chips, the diagonals 2 hops apart) and a line of 4.
    const TopologyFigures mesh = TopologyFigures::of(custom(4, {{0, 1}, {2, 3}, {0, 2}, {1, 3}}));
    CHECK(mesh.diameter == 2);
    CHECK(mesh.mean_distance == Approx(4.0 / 3));
    CHECK(mesh.distances.pairs == std::vector<uint64_t>{0, 8, 4});
    const TopologyFigures line = TopologyFigures::of(custom(4, {{0, 1}, {1, 2}, {2, 3}}));
    CHECK(line.diameter == 3);
    CHECK(line.bisection_links == 1);
    CHECK(line.mean_distance == Approx((3 * 1 + 2 * 2 + 1 * 3) * 2 / 12.0));
    CHECK(line.degree_chips == std::map<unsigned, unsigned>{{1, 2}, {2, 2}});
}

TEST_CASE("Fiduccia-Mattheyses refinement finds a ring's 2-link cut from the worst halving", "[topology]")
{
    const SystemSpec s = ring(16);
    const lpu::ChipGraph g(s);
    std::vector<uint8_t> alternate(16);
    for (unsigned c = 0; c < 16; ++c)
        alternate[c] = c % 2;
    const lpu::Bisection b = lpu::Bisection::refine(g, alternate);
    CHECK(b.start_links == 16);
    CHECK(b.links == 2);
    unsigned ones = 0;
    for (uint8_t side : b.side)
        ones += side;
    CHECK(ones == 8);
}

TEST_CASE("rack figures", "[topology]")
{
    const TopologyFigures rack = shipped("rack-72");
    CHECK(rack.chips == 72);
    CHECK(rack.links == 396);
    CHECK(rack.local_links == 252);
    CHECK(rack.intra_rack_links == 144);
    CHECK(rack.diameter == 3);
    CHECK(rack.distances.pairs == std::vector<uint64_t>{0, 792, 3528, 792});
    CHECK(rack.mean_distance == 2.0);
    CHECK(rack.degree_chips == std::map<unsigned, unsigned>{{11, 72}});
    CHECK(rack.ports_used_chips == std::map<unsigned, unsigned>{{11, 72}});
    CHECK(rack.bisection_links <= rack.halving_links);
    CHECK(rack.checks_pass());
}

TEST_CASE("the 10,440-chip Dragonfly: sizes, degree, diameter as achieved", "[topology]")
{
    const TopologyFigures f = shipped("dragonfly-10440");
    CHECK(f.chips == 10440);
    CHECK(f.links == 57420);
    CHECK(f.local_links == 145 * 9 * 28);
    CHECK(f.intra_rack_links == 145 * 72);
    CHECK(f.inter_rack_links == 145 * 144 / 2);
    CHECK(f.degree_chips == std::map<unsigned, unsigned>{{11, 10440}});
    CHECK(f.ports_used_chips == std::map<unsigned, unsigned>{{11, 10440}});
    CHECK(f.ports_free_chips == std::map<unsigned, unsigned>{{5, 10440}});
    CHECK(f.distances.unreachable == 0);
    // The best diameter found (docs/system.md, "The 5-hop check"): 6, not the published 5.
    CHECK(f.diameter == 6);
    CHECK(f.distances.pairs[6] == 17795850);
    CHECK(f.mean_distance == Approx(4.8653).epsilon(1e-4));
    REQUIRE(f.checks.size() == 3);
    CHECK(f.checks[0].pass);
    CHECK(f.checks[1].pass);
    CHECK_FALSE(f.checks[2].pass);
    CHECK(f.checks[2].detail.rfind("diameter 6 hops by breadth-first search from all 10440 chips: 17795850 of "
                                   "108983160 ordered pairs are more than 5 hops apart. With 8-chip nodes and 4 "
                                   "global links per chip a chip reaches at most 4032 chips within 4 hops, so 5 is "
                                   "the least any wiring could reach; counting allows 5 (at most 28688 within 5 hops)",
                                   0) == 0);
    CHECK_FALSE(f.checks_pass());
    const TopologyFigures global4 = shipped("dragonfly-10440-global4");
    CHECK(global4.diameter == 6);
    CHECK(global4.mean_distance < f.mean_distance);
    CHECK(global4.inter_rack_links == 145 * 144);
}

TEST_CASE("a small Dragonfly meets the 5-hop check", "[topology]")
{
    const TopologyFigures f = shipped("dragonfly-4-tiny");
    CHECK(f.chips == 288);
    CHECK(f.inter_rack_links == 6 * 48);
    CHECK(f.diameter == 4);
    CHECK(f.degree_chips == std::map<unsigned, unsigned>{{11, 288}});  // no parallel links half way round
    CHECK(f.checks_pass());
    CHECK(f.checks[2].detail == "diameter 4 hops by breadth-first search from all 288 chips");
}

TEST_CASE("published checks fail for the reason they say", "[topology]")
{
    const std::string base = "version: 1\nsystem:\n  name: x\n  types:\n    t: {config: ../tsp-v1.yaml}\n  topology:\n";
    auto figures = [&](const std::string& topology) {
        return TopologyFigures::of(lpu::parse_system_spec(base + topology, kSystemsDir + "/x.yaml"));
    };
    const TopologyFigures wide = figures("    kind: rack\n    intra_rack_links: 8\n");
    CHECK(wide.checks[0].pass);
    CHECK_FALSE(wide.checks[1].pass);
    CHECK(wide.checks[1].detail == "n0.c0 has 7 local and 8 global links");
    const TopologyFigures small = figures("    kind: node\n    chips: 4\n");
    CHECK_FALSE(small.checks[0].pass);
    CHECK(small.checks[0].detail == "nodes of 4 chips, fully connected (published: 8)");
    CHECK(small.diameter == 1);
}

TEST_CASE("same file, same figures", "[topology]")
{
    for (const char* name : {"ring-6", "rack-72", "dragonfly-4-tiny"}) {
        INFO(name);
        CHECK(shipped(name).json() == shipped(name).json());
        CHECK(shipped(name).text() == shipped(name).text());
    }
}
