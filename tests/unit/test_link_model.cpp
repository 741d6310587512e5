// Another link model behind a link direction (docs/architecture.md, "A link model"): a model
// installed with LinkDirection::set_model receives every transaction a Send makes, with the
// Send's time as its delay, and decides what reaches the far port and when; the chips see
// exactly that.
#include "models/system/LtTarget.h"
#include "models/system/System.h"

#include <catch2/catch.hpp>

#include "ChipTestSupport.h"

using namespace lpu;
using namespace lpu::test;

namespace {

// A slower, lossy cable: the direction's own latency plus `extra_ps`, and byte 0 inverted.
class SlowLossyCable final : public LtTarget {
public:
    SlowLossyCable(LinkDirection& d, uint64_t extra_ps) : d_(d), extra_ps_(extra_ps) {}
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override
    {
        ++seen;
        delay += sc_core::sc_time::from_value(d_.timing().latency_ps + extra_ps_);
        trans.get_data_ptr()[0] ^= 0xff;
        d_.receiver().b_transport(trans, delay);
    }
    unsigned seen = 0;

private:
    LinkDirection& d_;
    uint64_t extra_ps_;
};

SystemSpec pair()
{
    SystemSpec s;
    s.name = "pair";
    s.types.push_back({"tiny", tiny()});
    s.chips = {{"c0", 0, 0}, {"c1", 0, 0}};
    SystemLink l;
    l.a = {0, 0};
    l.b = {1, 0};
    s.links.push_back(l);
    return s;
}

// c0 sends word 0 of `a` in cycle 6; c1 receives in cycle `recv` and writes word 0 of `b`.
std::string run(uint64_t recv, uint64_t extra_ps, std::vector<uint8_t>* b = nullptr)
{
    System sys(pair());
    SlowLossyCable cable(sys.direction(0, 0), extra_ps);
    sys.direction(0, 0).set_model(&cable);
    const Program p0 = assemble(".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n Read 0, s0e\n.queue C2C.0\n NOP 6\n"
                                " Send s0e\n",
                                "p0.s", tiny());
    const Program p1 =
        assemble(".tensor b MEM_E43 0 1 i8\n.queue C2C.0\n NOP " + std::to_string(recv) +
                     "\n Receive s0w\n.queue MEM_E43\n NOP " + std::to_string(recv + 5) + "\n Write 0, s0w\n",
                 "p1.s", tiny());
    std::vector<uint8_t> a(16);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<uint8_t>(7 * i + 1);
    sys.chip(0).load_tensor(*p0.tensor("a"), a);
    try {
        sys.run({ChipRun{&p0, {}, nullptr}, ChipRun{&p1, {}, nullptr}});
    } catch (const ScheduleError& e) {
        return e.what();
    }
    CHECK(cable.seen == 1);
    if (b)
        *b = sys.chip(1).dump_tensor(*p1.tensor("b"));
    return "";
}

}  // namespace

TEST_CASE("a link model behind a direction decides what arrives and when", "[system]")
{
    System sys(pair());
    const uint64_t sent_ps = sys.clock(0).start_ps(6);
    const uint64_t latency_ps = sys.direction(0, 0).timing().latency_ps;
    const uint64_t extra_ps = 50 * tiny().chip.period_ps();
    const uint64_t own = sys.clock(1).first_cycle_at(sent_ps + latency_ps);
    const uint64_t slow = sys.clock(1).first_cycle_at(sent_ps + latency_ps + extra_ps);
    REQUIRE(slow > own + 32);  // beyond the receive window: the schedule must follow the model

    std::vector<uint8_t> b;
    REQUIRE(run(slow, extra_ps, &b) == "");
    for (size_t i = 0; i < b.size(); ++i)
        CHECK(b[i] == static_cast<uint8_t>(i == 0 ? ~(7 * i + 1) : 7 * i + 1));
    // Received when the direction alone would deliver: nothing has arrived yet.
    CHECK_THAT(run(own, extra_ps), Catch::Contains("nothing has arrived on link 0") &&
                                       Catch::Contains("the next vector arrives in cycle " + std::to_string(slow)));
}
