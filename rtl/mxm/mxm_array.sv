// Copyright lpusim contributors.
//
// mxm_array: the weight-stationary ROWS x COLS array. Holds both weight buffers (shadow,
// written by LW; active, used by ABC), performs the row-group install copy, and computes the
// product p[n] = sum_k a[k] * W_active[k][n] of an aligned ABC into the product register
// (stage 1 of the ARRAY_LATENCY-stage product pipeline).
//
// Why one process holds both buffers and the MAC: the buffers are large (ROWS x COLS) and are
// written in loops, which Verilator only supports with blocking assignments (BLKLOOPINIT).
// A blocking-written memory is race-free only when every read of it happens in the same
// process, ordered before the write. Within this process the order per clock edge is:
//   1. MAC reads the active buffer   (an ABC aligned with an install step sees the old rows)
//   2. install copies shadow->active (reads the shadow before this edge's LW writes it)
//   3. LW writes the shadow buffer
// which is exactly the timing of docs/isa.md 1.2. In hardware the buffers are the per-PE weight
// registers of the array, so keeping them with the MACs is also the natural partitioning.
//
// Why the loops look the way they do (Verilator speed, measured): k outer / n inner over
// contiguous rows with a local accumulation vector, unsigned loop indices assigned
// unconditionally at the top of the process (they become C++ locals with computable trip
// counts) and power-of-two storage (no bounds guards): g++ vectorises the inner loop.
//
// Tracing: the vector ports and the product register behind prod_data_o are excluded from
// waveforms (tracing_off), like the weight buffers. Each is a copy of a net of mxm_plane
// (lw_data_al, abc_data_al, prod1_data), which is traced; Verilator does not alias
// unpacked-array port copies across the hierarchy, so tracing every copy would multiply the
// FST cost for no extra information.

module mxm_array #(
  parameter  int unsigned ROWS         = 16,
  parameter  int unsigned COLS         = 16,
  parameter  int unsigned INSTALL_ROWS = 16,
  localparam int unsigned RowW         = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int unsigned Groups       = (ROWS + INSTALL_ROWS - 1) / INSTALL_ROWS,
  localparam int unsigned GroupW       = (Groups > 1) ? $clog2(Groups) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // LW in its aligned cycle: shadow row lw_row_i := lw_data_i
  input  logic              lw_valid_i,
  input  logic              lw_signed_i,
  input  logic [RowW-1:0]   lw_row_i,
  /* verilator tracing_off */
  input  logic [7:0]        lw_data_i [COLS],
  /* verilator tracing_on */
  // install step: copy row group inst_group_i from shadow to active
  input  logic              inst_valid_i,
  input  logic [GroupW-1:0] inst_group_i,
  // ABC in its aligned cycle
  input  logic              abc_valid_i,
  input  logic              abc_signed_i,
  /* verilator tracing_off */
  input  logic [7:0]        abc_data_i [ROWS],
  /* verilator tracing_on */
  // product register: the product of the ABC aligned in the previous cycle
  output logic              prod_valid_o,
  /* verilator tracing_off */
  output logic [31:0]       prod_data_o [COLS]
  /* verilator tracing_on */
);

  // Power-of-two storage: the row index (lw_row_i) then always addresses a real entry, so the
  // generated C++ has no out-of-range guards. Synthesis drops the padding (never read).
  localparam int unsigned RowsP = 1 << RowW;
  localparam int unsigned ColsP = 1 << $clog2(COLS);

  logic        prod_valid_q;
  /* verilator tracing_off */
  logic [31:0] prod_q [COLS];
  /* verilator tracing_on */

  always_ff @(posedge clk_i) begin : p_array
    /* verilator tracing_off */
    // Weights are stored sign- or zero-extended to 9 bits, so the MAC is a single signed
    // multiply whatever the LW/ABC signedness.
    logic signed [8:0] shadow_q [RowsP][ColsP];
    logic signed [8:0] active_q [RowsP][ColsP];
    logic [31:0]       sum_d    [ColsP];   // combinational dot products (not a register)
    logic [31:0]       a_k;                // activation k, extended to 32 bits
    int unsigned       k, n, q, row;      // per-cycle loops
    int unsigned       rk, rn;            // reset loops
    /* verilator tracing_on */
    // Unconditional first assignments: Verilator then makes these C++ locals (V3Localize).
    // The reset loops use their own variables so that these assignments stay live.
    k   = 0;
    n   = 0;
    q   = 0;
    row = 0;
    a_k = '0;
    rk  = 0;
    rn  = 0;
    if (!rst_ni) begin
      for (rk = 0; rk < RowsP; rk++) begin
        for (rn = 0; rn < ColsP; rn++) begin
          shadow_q[rk][rn] = '0;
          active_q[rk][rn] = '0;
        end
      end
      prod_valid_q <= 1'b0;
      prod_q       <= '{default: '0};
    end else begin
      prod_valid_q <= abc_valid_i;
      // 1. MAC, only when an ABC is aligned (the product register holds otherwise).
      if (abc_valid_i) begin
        for (n = 0; n < ColsP; n++) sum_d[n] = '0;
        for (k = 0; k < ROWS; k++) begin
          a_k = abc_signed_i ? 32'(signed'(abc_data_i[k])) : 32'(abc_data_i[k]);
          for (n = 0; n < COLS; n++) sum_d[n] = sum_d[n] + a_k * 32'(active_q[k][n]);
        end
        prod_q <= sum_d[0:COLS-1];
      end
      // 2. Install step.
      if (inst_valid_i) begin
        for (q = 0; q < INSTALL_ROWS; q++) begin
          row = 32'(inst_group_i) * INSTALL_ROWS + q;
          if (row < ROWS) begin
            for (n = 0; n < COLS; n++) active_q[row][n] = shadow_q[row][n];
          end
        end
      end
      // 3. LW.
      if (lw_valid_i) begin
        for (n = 0; n < COLS; n++) begin
          shadow_q[lw_row_i][n] = {lw_signed_i & lw_data_i[n][7], lw_data_i[n]};
        end
      end
    end
  end

  assign prod_valid_o = prod_valid_q;
  assign prod_data_o  = prod_q;

endmodule
