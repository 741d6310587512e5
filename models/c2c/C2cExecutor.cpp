#include "C2cExecutor.h"

#include "models/common/Error.h"

namespace lpu {

C2cExecutor::C2cExecutor(const C2cParams& params, C2cPorts& ports)
    : p_(params), ports_(ports), last_send_(ports.links())
{}

std::string C2cExecutor::link_text(unsigned port) const
{
    return ports_.connected(port) ? "link " + std::to_string(port) + " (to " + ports_.far_end(port) + ")"
                                  : "link " + std::to_string(port) + " (not connected)";
}

void C2cExecutor::execute(const Issue& is, ExecContext& ctx)
{
    switch (is.in->op) {
    case Opcode::Send: send(is, ctx); break;
    case Opcode::Receive: receive(is, ctx); break;
    default: ctx.fail(is, ScheduleRule::WrongSlice, "not a C2C instruction");
    }
}

void C2cExecutor::send(const Issue& is, ExecContext& ctx)
{
    const unsigned port = is.slice->unit;
    if (!ports_.connected(port))
        ctx.fail(is, ScheduleRule::C2cNotConnected,
                 "link " + std::to_string(port) + " is not connected to another chip");
    LastSend& last = last_send_[port];
    const uint64_t busy = ports_.busy_cycles(port);
    // A link carries one vector at a time, with no queue in front of it: the schedule must space
    // the Sends by the serialisation time (no back-pressure to wait on, docs/isa.md 3.6).
    if (last.any && is.cycle < last.cycle + busy)
        ctx.fail(is, ScheduleRule::C2cLinkBusy,
                 link_text(port) + " still carries the vector sent in cycle " + std::to_string(last.cycle) + " by " +
                     ctx.describe(last.who) + ": a vector occupies the link " + std::to_string(busy) +
                     " cycles, until cycle " + std::to_string(last.cycle + busy));
    const VectorRef& data = ctx.read(is, is.in->streams.at(0));
    ports_.send(C2cSent{port, is.cycle, data, is.who});
    last = LastSend{true, is.cycle, is.who};
    ++sent_;
}

void C2cExecutor::receive(const Issue& is, ExecContext& ctx)
{
    const unsigned port = is.slice->unit;
    auto& inbox = ports_.inbox(port);
    if (inbox.empty() || inbox.front().cycle > is.cycle) {
        const std::string next =
            inbox.empty() ? "" : "; the next vector arrives in cycle " + std::to_string(inbox.front().cycle);
        ctx.fail(is, ScheduleRule::C2cNothingArrived,
                 "nothing has arrived on " + link_text(port) + " by this cycle" + next);
    }
    C2cArrival a = std::move(inbox.front());
    inbox.pop_front();
    const StreamId to = is.in->streams.at(0);
    const uint64_t lands = is.cycle + p_.receive_latency;
    if (a.poisoned && ports_.policy() == ErrorPolicy::fail)
        ctx.fail(is, ScheduleRule::C2cPoisoned,
                 "the vector from " + a.from + " on " + link_text(port) + " (arrived in cycle " +
                     std::to_string(a.cycle) + ") is poisoned: " + a.poison + "; it was to drive stream " + to.text() +
                     " in cycle " + std::to_string(lands) +
                     " (no wrong data is delivered silently; the poison policy delivers it marked)");
    ctx.drive(is, to, lands, std::move(a.data));
    ++received_;
    poisoned_ += a.poisoned;
}

uint64_t C2cExecutor::next_event() const
{
    uint64_t t = kNever;
    for (unsigned port = 0; port < ports_.links(); ++port)
        if (!ports_.inbox(port).empty())
            t = std::min(t, ports_.inbox(port).front().cycle + p_.receive_window + 1);
    return t;
}

void C2cExecutor::advance(uint64_t cycle)
{
    for (unsigned port = 0; port < ports_.links(); ++port) {
        const auto& inbox = ports_.inbox(port);
        if (inbox.empty() || inbox.front().cycle + p_.receive_window >= cycle)
            continue;
        const C2cArrival& a = inbox.front();
        throw ScheduleError(ScheduleRule::C2cReceiveWindow,
                            "cycle " + std::to_string(cycle) + ": C2C." + std::to_string(port) + ": the vector from " +
                                a.from + " arrived on " + link_text(port) + " in cycle " + std::to_string(a.cycle) +
                                " and no Receive took it by cycle " + std::to_string(a.cycle + p_.receive_window) +
                                " (receive_window " + std::to_string(p_.receive_window) + ")");
    }
}

void C2cExecutor::finish(uint64_t last_cycle, RunStats& stats)
{
    for (unsigned port = 0; port < ports_.links(); ++port)
        if (!ports_.inbox(port).empty())
            throw ScheduleError(ScheduleRule::C2cNeverReceived,
                                "cycle " + std::to_string(last_cycle) + ": C2C." + std::to_string(port) +
                                    ": the run ended with the vector from " + ports_.inbox(port).front().from + " on " +
                                    link_text(port) + " never received");
    stats.c2c_sent += sent_;
    stats.c2c_received += received_;
    stats.c2c_poisoned += poisoned_;
}

}  // namespace lpu
