#include "MxmStimulusDriver.h"

namespace lpu {

MxmStimulusDriver::MxmStimulusDriver(sc_core::sc_module_name name, MxmStimulus& stimulus, sc_core::sc_time period,
                                     uint64_t quantum, std::function<void()> on_done)
    : sc_module(name), socket("socket"), stimulus_(stimulus), period_(period), quantum_(quantum),
      on_done_(std::move(on_done))
{
    SC_THREAD(run);
}

void MxmStimulusDriver::run()
{
    // Members, not locals: a run that stops early (sc_stop on a divergence) never resumes this
    // thread, and its locals would never be destroyed.
    tlm::tlm_generic_payload& trans = trans_;
    auto* ext = new MxmInstrExtension;  // owned by `trans`
    trans.set_extension(ext);
    std::vector<MxmOp>& ops = ops_;
    bool more = true;
    while (more) {
        // Everything up to two quanta ahead of now: the RTL side, one quantum behind at most,
        // never waits for an instruction.
        const uint64_t now = sc_core::sc_time_stamp().value() / period_.value();
        while (more && (ops.empty() || ops.back().cycle < now + 2 * quantum_)) {
            more = stimulus_.next_cycle(ops);
        }
        for (MxmOp& op : ops) {
            ext->instr = op.instr;
            trans.set_command(tlm::TLM_WRITE_COMMAND);
            trans.set_address(0);
            trans.set_data_ptr(op.data.empty() ? nullptr : op.data.data());
            trans.set_data_length(static_cast<unsigned>(op.data.size()));
            trans.set_streaming_width(static_cast<unsigned>(op.data.size()));
            trans.set_byte_enable_ptr(nullptr);
            trans.set_dmi_allowed(false);
            trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_core::sc_time delay =
                sc_core::sc_time::from_value(period_.value() * op.cycle) - sc_core::sc_time_stamp();
            if (log_)
                *log_ << "I " << op.cycle << " #" << op.instr.id << " " << op.instr.disasm() << "\n";
            socket->b_transport(trans, delay);
            ++sent_;
            if (trans.get_response_status() != tlm::TLM_OK_RESPONSE) {
                error_ = error_source_ ? error_source_() : "";
                if (error_.empty())
                    error_ = "instruction #" + std::to_string(op.instr.id) + " '" + op.instr.disasm() + "' at cycle " +
                             std::to_string(op.cycle) + " was refused";
                on_done_();
                sc_core::sc_stop();
                return;
            }
        }
        ops.clear();
        if (more)
            wait(period_ * static_cast<double>(quantum_));
    }
    on_done_();
}

}  // namespace lpu
