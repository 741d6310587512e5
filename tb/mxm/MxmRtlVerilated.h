// MxmRtl over one Verilated model class `Top` (a Vmxm_<variant>[_avx2] that Verilator generated
// from tb/mxm/mxm_cosim_top.sv). A template rather than generated code so that the builds of one
// variant for different instruction sets (cmake/VerilateMxm.cmake) share every line of it; the
// generated tb/mxm/MxmRtlVariant.cpp.in only instantiates it and picks the build at run time.
#pragma once

#include "tb/mxm/MxmRtl.h"

#include <verilated.h>
#include <verilated_fst_c.h>

#include <iterator>
#include <memory>
#include <string>

namespace lpu {

template <class Top> class MxmRtlVerilated final : public MxmRtl {
public:
    // `variant` and `isa` are static strings (the config name, the instruction set of the build).
    MxmRtlVerilated(const char* variant, const char* isa, const ChipClock& clock, bool trace)
        : variant_(variant), isa_(isa), clock_(clock)
    {
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->traceEverOn(trace);  // must precede the model's construction
        top_ = std::make_unique<Top>(ctx_.get(), "mxm");
        top_->clk_i = 0;
        top_->rst_ni = 0;
        top_->eval();
    }
    ~MxmRtlVerilated() override
    {
        close_trace();
        top_->final();
    }
    MxmRtlVerilated(const MxmRtlVerilated&) = delete;
    MxmRtlVerilated& operator=(const MxmRtlVerilated&) = delete;

    const char* variant() const override { return variant_; }
    const char* isa() const override { return isa_; }

    std::vector<uint32_t> parameters() override
    {
        top_->eval();
        return std::vector<uint32_t>(std::begin(top_->cfg_o), std::end(top_->cfg_o));
    }

    void reset(unsigned cycles) override
    {
        top_->rst_ni = 0;
        for (unsigned i = 0; i < cycles; ++i) {
            top_->clk_i = 1;
            top_->eval();
            top_->clk_i = 0;
            top_->eval();
        }
        top_->rst_ni = 1;
        top_->eval();
    }

    void cycle(uint64_t t, const MxmPinsIn& in, MxmPinsOut& out) override
    {
        Top& m = *top_;
        m.clk_i = 1;
        m.eval();
        drive(t, in);
        m.eval();
        if (fst_)
            fst_->dump(clock_.start_ps(t));
        out.res_valid = m.res_valid_o;
        out.tb_mismatch = m.tb_mismatch_o;
        out.res_data.resize(std::size(m.res_data_o));
        for (size_t n = 0; n < out.res_data.size(); ++n)
            out.res_data[n] = static_cast<int32_t>(m.res_data_o[n]);
        m.clk_i = 0;
        m.eval();
        if (fst_)
            fst_->dump(clock_.start_ps(t) + clock_.period_fs / 2000);
    }

    void open_trace(const std::string& fst_path) override
    {
        close_trace();
        fst_ = std::make_unique<VerilatedFstC>();
        top_->trace(fst_.get(), 99);
        fst_->open(fst_path.c_str());
    }

    void close_trace() override
    {
        if (fst_) {
            fst_->close();
            fst_.reset();
        }
    }

private:
    void drive(uint64_t t, const MxmPinsIn& in)
    {
        Top& m = *top_;
        m.lw_valid_i = in.lw_valid;
        m.lw_signed_i = in.lw_signed;
        m.lw_row_i = in.lw_row;
        m.iw_valid_i = in.iw_valid;
        m.abc_valid_i = in.abc_valid;
        m.abc_signed_i = in.abc_signed;
        m.acc_valid_i = in.acc_valid;
        m.acc_slot_i = in.acc_slot;
        m.acc_add_i = in.acc_add;
        m.acc_emit_i = in.acc_emit;
        for (size_t n = 0; n < in.lw_data.size(); ++n)
            m.lw_data_i[n] = in.lw_data[n];
        for (size_t k = 0; k < in.abc_data.size(); ++k)
            m.abc_data_i[k] = in.abc_data[k];
        m.tb_cycle_i = t;
        m.tb_exp_valid_i = in.tb_exp_valid;
        for (size_t n = 0; n < in.tb_exp_data.size(); ++n)
            m.tb_exp_data_i[n] = in.tb_exp_data[n];
    }

    const char* variant_;
    const char* isa_;
    ChipClock clock_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Top> top_;
    std::unique_ptr<VerilatedFstC> fst_;
};

}  // namespace lpu
