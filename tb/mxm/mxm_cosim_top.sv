// Copyright lpusim contributors.
//
// mxm_cosim_top: Verilator top for co-simulating rtl/mxm/mxm_plane against the lpusim model.
// It passes every mxm_plane pin through under the same name and adds testbench-only pins that
// put the checker's view into the waveform next to the RTL:
//   tb_cycle_i      the testbench's cycle number,
//   tb_exp_*_i      what the reference model expects on res_valid_o / res_data_o this cycle,
//   tb_mismatch_o   per chunk: expected and actual valid differ, or both valid and a lane differs,
//   cfg_o           the parameters this model was built with, read back at the start of a run
//                   to prove the RTL matches the model's configuration.

module mxm_cosim_top #(
  parameter  int unsigned SUPERLANES    = 1,
  parameter  int unsigned SL_LANES      = 16,
  parameter  int unsigned ROWS          = 16,
  parameter  int unsigned COLS          = 16,
  parameter  int unsigned ACC_SLOTS     = 4,
  parameter  int unsigned INSTALL_ROWS  = 16,
  parameter  int unsigned ARRAY_LATENCY = 1,
  parameter  int unsigned ACC_LATENCY   = 1,
  localparam int unsigned RowW          = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int unsigned SlotW         = (ACC_SLOTS > 1) ? $clog2(ACC_SLOTS) : 1
) (
  // mxm_plane pins
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  lw_valid_i,
  input  logic                  lw_signed_i,
  input  logic [RowW-1:0]       lw_row_i,
  input  logic                  iw_valid_i,
  input  logic                  abc_valid_i,
  input  logic                  abc_signed_i,
  input  logic                  acc_valid_i,
  input  logic [SlotW-1:0]      acc_slot_i,
  input  logic                  acc_add_i,
  input  logic                  acc_emit_i,
  input  logic [7:0]            lw_data_i  [COLS],
  input  logic [7:0]            abc_data_i [ROWS],
  output logic [SUPERLANES-1:0] res_valid_o,
  output logic [31:0]           res_data_o [COLS],
  // testbench observation pins
  // verilator lint_off UNUSED
  input  logic [63:0]           tb_cycle_i,  // only shown in the waveform, never read
  // verilator lint_on UNUSED
  input  logic [SUPERLANES-1:0] tb_exp_valid_i,
  input  logic [31:0]           tb_exp_data_i [COLS],
  output logic [SUPERLANES-1:0] tb_mismatch_o,
  output logic [31:0]           cfg_o [8]
);

  mxm_plane #(
    .SUPERLANES    (SUPERLANES),
    .SL_LANES      (SL_LANES),
    .ROWS          (ROWS),
    .COLS          (COLS),
    .ACC_SLOTS     (ACC_SLOTS),
    .INSTALL_ROWS  (INSTALL_ROWS),
    .ARRAY_LATENCY (ARRAY_LATENCY),
    .ACC_LATENCY   (ACC_LATENCY)
  ) u_mxm_plane (
    .clk_i,
    .rst_ni,
    .lw_valid_i,
    .lw_signed_i,
    .lw_row_i,
    .iw_valid_i,
    .abc_valid_i,
    .abc_signed_i,
    .acc_valid_i,
    .acc_slot_i,
    .acc_add_i,
    .acc_emit_i,
    .lw_data_i,
    .abc_data_i,
    .res_valid_o,
    .res_data_o
  );

  // Chunk s mismatches if the valids differ, or both are valid and any lane of it differs.
  always_comb begin
    tb_mismatch_o = tb_exp_valid_i ^ res_valid_o;
    for (int unsigned s = 0; s < SUPERLANES; s++) begin
      if (tb_exp_valid_i[s] && res_valid_o[s]) begin
        for (int unsigned g = 0; g < SL_LANES; g++) begin
          if (tb_exp_data_i[s * SL_LANES + g] != res_data_o[s * SL_LANES + g]) begin
            tb_mismatch_o[s] = 1'b1;
          end
        end
      end
    end
  end

  assign cfg_o[0] = 32'(SUPERLANES);
  assign cfg_o[1] = 32'(SL_LANES);
  assign cfg_o[2] = 32'(ROWS);
  assign cfg_o[3] = 32'(COLS);
  assign cfg_o[4] = 32'(ACC_SLOTS);
  assign cfg_o[5] = 32'(INSTALL_ROWS);
  assign cfg_o[6] = 32'(ARRAY_LATENCY);
  assign cfg_o[7] = 32'(ACC_LATENCY);

endmodule
