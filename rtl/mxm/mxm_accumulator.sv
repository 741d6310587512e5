// Copyright lpusim contributors.
//
// mxm_accumulator: ACC_SLOTS int32 accumulator vectors. An ACC in its aligned cycle takes the
// product at the end of the product pipeline (the ABC issued ARRAY_LATENCY cycles before it)
// and sets or adds it into slot acc_slot_i, wrapping modulo 2^32. With emit, the new slot value
// is loaded into the result register (stage 1 of the ACC_LATENCY-stage result pipeline).
//
// The slots are a memory written in loops, hence (as in mxm_array) private to one process and
// written with blocking assignments after they are read.
//
// Tracing: the vector ports and the result register behind res_data_o are excluded from
// waveforms (tracing_off), like the slots. Each is a copy of a net of mxm_plane (prod_data,
// res1_data), which is traced; Verilator does not alias unpacked-array port copies across the
// hierarchy, so tracing every copy would multiply the FST cost for no extra information.

module mxm_accumulator #(
  parameter  int unsigned COLS      = 16,
  parameter  int unsigned ACC_SLOTS = 4,
  localparam int unsigned SlotW     = (ACC_SLOTS > 1) ? $clog2(ACC_SLOTS) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // ACC in its aligned cycle
  input  logic             acc_valid_i,
  input  logic [SlotW-1:0] acc_slot_i,
  input  logic             acc_add_i,
  input  logic             acc_emit_i,
  // product of the ABC issued ARRAY_LATENCY cycles before the ACC
  /* verilator tracing_off */
  input  logic [31:0]      prod_data_i [COLS],
  /* verilator tracing_on */
  // result register: the emitted slot value of the ACC aligned in the previous cycle
  output logic             res_valid_o,
  /* verilator tracing_off */
  output logic [31:0]      res_data_o [COLS]
  /* verilator tracing_on */
);

  // Power-of-two storage: acc_slot_i always addresses a real entry, so Verilator emits no
  // out-of-range guard in the update loop. Synthesis drops the padding (never read).
  localparam int unsigned SlotsP = 1 << SlotW;
  localparam int unsigned ColsP  = 1 << $clog2(COLS);

  logic        res_valid_q;
  /* verilator tracing_off */
  logic [31:0] res_q [COLS];
  /* verilator tracing_on */

  always_ff @(posedge clk_i) begin : p_acc
    /* verilator tracing_off */
    logic [31:0] acc_q [SlotsP][ColsP];
    logic [31:0] upd_d [ColsP];   // new slot value (combinational)
    int unsigned n;        // per-cycle loop
    int unsigned rj, rn;   // reset loops
    /* verilator tracing_on */
    // Unconditional first assignments: Verilator then makes these C++ locals (V3Localize).
    // The reset loops use their own variables so that these assignments stay live.
    n  = 0;
    rj = 0;
    rn = 0;
    if (!rst_ni) begin
      for (rj = 0; rj < SlotsP; rj++) begin
        for (rn = 0; rn < ColsP; rn++) acc_q[rj][rn] = '0;
      end
      res_valid_q <= 1'b0;
      res_q       <= '{default: '0};
    end else begin
      res_valid_q <= acc_valid_i & acc_emit_i;
      if (acc_valid_i) begin
        if (acc_add_i) begin
          for (n = 0; n < COLS; n++) upd_d[n] = acc_q[acc_slot_i][n] + prod_data_i[n];
        end else begin
          for (n = 0; n < COLS; n++) upd_d[n] = prod_data_i[n];
        end
        for (n = 0; n < COLS; n++) acc_q[acc_slot_i][n] = upd_d[n];
        if (acc_emit_i) res_q <= upd_d[0:COLS-1];
      end
    end
  end

  assign res_valid_o = res_valid_q;
  assign res_data_o  = res_q;

endmodule
