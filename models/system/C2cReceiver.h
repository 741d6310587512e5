// A chip's C2C port seen from a link: the target that takes each arriving transaction and puts
// its vector into the port's inbox, at the first cycle of the receiving chip's clock at or after
// the arrival time the transaction's delay says (the system's picosecond time base).
#pragma once

#include "models/c2c/C2cPorts.h"
#include "models/spec/ChipClock.h"
#include "models/system/LtTarget.h"

#include <tlm>

#include <cstdint>
#include <string>

namespace lpu {

class C2cReceiver final : public LtTarget {
public:
    // `clock`: the receiving chip's; `link`: the direction it ends, as reports name it.
    C2cReceiver(C2cPorts& ports, unsigned port, ChipClock clock, std::string link);

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;

private:
    C2cPorts& ports_;
    unsigned port_;
    ChipClock clock_;
    std::string link_;
};

}  // namespace lpu
