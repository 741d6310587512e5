#include "C2cReceiver.h"

#include "models/system/C2cExtension.h"

#include <memory>
#include <utility>

namespace lpu {

C2cReceiver::C2cReceiver(C2cPorts& ports, unsigned port, ChipClock clock, std::string link)
    : ports_(ports), port_(port), clock_(clock), link_(std::move(link))
{}

void C2cReceiver::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    C2cArrival a;
    a.cycle = clock_.first_cycle_at(delay.value());
    const unsigned char* data = trans.get_data_ptr();
    a.data = std::make_shared<Vector>(data, data + trans.get_data_length());
    if (const C2cExtension* ext = trans.get_extension<C2cExtension>()) {
        a.from = ext->from;
        a.poisoned = ext->poisoned;
        if (a.poisoned)
            a.poison = "vector " + std::to_string(ext->seq) + " of " + link_ + ", " +
                       std::to_string(ext->uncorrectable) + " of its codewords uncorrectable";
    }
    ports_.arrive(port_, std::move(a));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace lpu
