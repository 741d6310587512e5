// One chip's C2C ports as its program sees them (docs/isa.md 3.6): the vectors its Sends put on
// links and the vectors that arrived for its Receives. The system (models/system) connects
// ports to links and moves vectors from one chip's ports to another's between the windows it
// advances the chips in; a port no link connects refuses Sends, and nothing arrives on it.
#pragma once

#include "models/common/AgentId.h"
#include "models/common/ErrorPolicy.h"
#include "models/stream/StreamFile.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace lpu {

// A vector a Send put on its link.
struct C2cSent {
    unsigned port = 0;
    uint64_t cycle = 0;  // the Send's issue cycle, on the sending chip's clock
    VectorRef data;
    AgentId who;  // the Send
};

// A vector waiting in a port for a Receive.
struct C2cArrival {
    uint64_t cycle = 0;  // the receiving chip's first cycle a Receive may take it in
    VectorRef data;
    std::string from;  // the Send that sent it, with its chip and cycle (for reports)
    // Touched by an uncorrectable FEC codeword (docs/link-errors.md): delivered marked, never as good.
    bool poisoned = false;
    std::string poison;  // when poisoned: which vector of which link, how many codewords failed
};

class C2cPorts {
public:
    explicit C2cPorts(unsigned links) : ports_(links) {}

    unsigned links() const { return static_cast<unsigned>(ports_.size()); }
    // The system connects `port` to a link: `far_end` names what is at its other end, and each
    // vector sent occupies the link `busy_cycles` (its serialisation) on this chip's clock.
    void connect(unsigned port, std::string far_end, uint64_t busy_cycles);
    bool connected(unsigned port) const { return ports_.at(port).connected; }
    const std::string& far_end(unsigned port) const { return ports_.at(port).far_end; }
    uint64_t busy_cycles(unsigned port) const { return ports_.at(port).busy_cycles; }
    ErrorPolicy policy() const { return policy_; }
    void set_policy(ErrorPolicy p) { policy_ = p; }

    // A Send of this chip (the C2C slice's executor).
    void send(C2cSent s) { sent_.push_back(std::move(s)); }
    // Every Send since the last call, in issue order (the system).
    std::vector<C2cSent> take_sent();

    // An arrival on `port` (the system, in increasing cycle order per port).
    void arrive(unsigned port, C2cArrival a) { ports_.at(port).inbox.push_back(std::move(a)); }
    std::deque<C2cArrival>& inbox(unsigned port) { return ports_.at(port).inbox; }
    const std::deque<C2cArrival>& inbox(unsigned port) const { return ports_.at(port).inbox; }

private:
    struct Port {
        bool connected = false;
        std::string far_end;
        uint64_t busy_cycles = 0;
        std::deque<C2cArrival> inbox;
    };
    std::vector<Port> ports_;
    std::vector<C2cSent> sent_;
    ErrorPolicy policy_ = ErrorPolicy::fail;
};

}  // namespace lpu
