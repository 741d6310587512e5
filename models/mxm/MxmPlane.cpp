#include "MxmPlane.h"

#include "models/common/Error.h"

namespace lpu {

uint64_t transaction_cycle(const sc_core::sc_time& delay, const sc_core::sc_time& period)
{
    const sc_core::sc_time t = sc_core::sc_time_stamp() + delay;
    const uint64_t ticks = t.value();
    const uint64_t per = period.value();
    if (ticks % per != 0)
        throw InputError("transaction at " + t.to_string() + " is not on a clock edge (period " + period.to_string() +
                         ")");
    return ticks / per;
}

MxmPlane::MxmPlane(sc_core::sc_module_name name, const MxmParams& params, sc_core::sc_time period)
    : sc_module(name), instr_socket("instr_socket"), result_socket("result_socket"), core_(params), period_(period)
{
    instr_socket.register_b_transport(this, &MxmPlane::b_transport);
    result_trans_.set_extension(result_ext_);  // the payload owns and frees it
}

void MxmPlane::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
    MxmInstrExtension* ext = nullptr;
    trans.get_extension(ext);
    if (!ext || trans.get_command() != tlm::TLM_WRITE_COMMAND) {
        error_ = "MXM: transaction is not an MXM instruction write";
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    bool emitted = false;
    try {
        const uint64_t cycle = transaction_cycle(delay, period_);
        emitted = core_.issue(ext->instr, cycle, trans.get_data_ptr(), trans.get_data_length(), result_);
        if (observer_) {
            observer_->on_issue(0, ext->instr, cycle, trans.get_data_ptr(), trans.get_data_length());
            if (ext->instr.op == MxmOpcode::ACC)
                observer_->on_accumulate(0, core_.last_accumulate());
            if (emitted)
                observer_->on_result(0, result_);
        }
    } catch (const std::exception& e) {
        error_ = e.what();
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    if (!emitted)
        return;
    result_ext_->result = &result_;
    result_trans_.set_command(tlm::TLM_WRITE_COMMAND);
    result_trans_.set_address(result_.slot);
    result_trans_.set_data_ptr(reinterpret_cast<unsigned char*>(result_.values.data()));
    result_trans_.set_data_length(static_cast<unsigned>(result_.values.size() * sizeof(int32_t)));
    result_trans_.set_streaming_width(result_trans_.get_data_length());
    result_trans_.set_byte_enable_ptr(nullptr);
    result_trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time result_delay =
        sc_core::sc_time::from_value(period_.value() * result_.first_cycle) - sc_core::sc_time_stamp();
    result_socket->b_transport(result_trans_, result_delay);
}

}  // namespace lpu
