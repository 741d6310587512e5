// Copyright lpusim contributors.
//
// mxm_chunk_delay: delays each SL_LANES-wide chunk of a vector by a chunk-dependent number of
// cycles. This is how the MXM converts between the superlane stagger of the chip (chunk s of a
// vector travels s cycles behind chunk 0, docs/isa.md section 0) and whole vectors:
//
//   ALIGN = 1: chunk c is delayed SUPERLANES - c cycles. The chunks of an operand issued at c
//              (chunk s present at c + s) all appear together at the aligned cycle c + S.
//              Every chunk goes through the output register.
//   ALIGN = 0: chunk c is delayed c cycles (re-stagger of a result vector). Chunk 0 passes
//              straight through (it comes from a register already); chunks >= 1 end in the
//              output register. Needs SUPERLANES >= 2 (the caller bypasses it otherwise).
//
// Structure: instead of a shift register per chunk (sum over chunks of delay * lanes register
// moves per cycle), the last HistDepth input vectors live in a small circular history, and
// chunk c reads the entry written d cycles ago into the output register. Per cycle that is one
// vector written and one vector read, independent of SUPERLANES.
//
// Tracing: the vector ports and the output register are excluded from waveforms
// (tracing_off). Each is a copy of a net of mxm_plane (lw_data_al, abc_data_al, res_data_o),
// which is traced; Verilator does not alias unpacked-array port copies across the hierarchy,
// so tracing every copy would multiply the FST cost for no extra information.

module mxm_chunk_delay #(
  parameter int unsigned SUPERLANES = 1,
  parameter int unsigned SL_LANES   = 16,
  parameter int unsigned WIDTH      = 8,
  parameter bit          ALIGN      = 1'b1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  /* verilator tracing_off */
  input  logic [WIDTH-1:0] data_i [SUPERLANES*SL_LANES],
  output logic [WIDTH-1:0] data_o [SUPERLANES*SL_LANES]
  /* verilator tracing_on */
);

  localparam int unsigned Lanes     = SUPERLANES * SL_LANES;
  // Largest delay served from the history (total delay minus the output register):
  // align SUPERLANES - 1 (chunk 0), re-skew SUPERLANES - 2 (last chunk). At least 1 entry.
  localparam int unsigned HistDepth = (SUPERLANES > 1) ? SUPERLANES - 1 : 1;
  localparam int unsigned PtrW      = (HistDepth > 1) ? $clog2(HistDepth) : 1;
  // Storage is padded to powers of two so that the variable-index writes below need no
  // out-of-range guard in Verilator's C++ (the guard uses a member temporary and stops g++
  // from vectorising the copy loops). Synthesis removes the padding, which is never read.
  localparam int unsigned HistP     = 1 << PtrW;
  localparam int unsigned LanesP    = 1 << $clog2(Lanes);
  localparam int unsigned FirstReg  = ALIGN ? 0 : 1;  // first chunk that is registered

  logic [PtrW-1:0]  wr_ptr_q;  // history entry written this cycle (the oldest one)
  /* verilator tracing_off */
  logic [WIDTH-1:0] data_q [Lanes];
  /* verilator tracing_on */

  always_ff @(posedge clk_i) begin : p_hist
    // The history and the loop temporaries are private to this process: they are written with
    // blocking assignments (Verilator does not support non-blocking writes to arrays inside
    // loops, BLKLOOPINIT) and read only here, before they are written, so there is no race.
    /* verilator tracing_off */
    logic [WIDTH-1:0] hist_q [HistP][LanesP];
    logic [WIDTH-1:0] out_d  [LanesP];
    int unsigned      c, l, d;        // per-cycle loops
    logic [PtrW-1:0]  idx;            // history entry read for chunk c
    int unsigned      ri, rl;         // reset loops
    /* verilator tracing_on */
    // The per-cycle loops run unconditionally, before any branch, so that their variables are
    // first written at the top level of the process: Verilator then turns them into C++ locals
    // (V3Localize), which g++ needs to vectorise the copies.
    c   = 0;
    l   = 0;
    d   = 0;
    idx = '0;
    ri  = 0;
    rl  = 0;
    // Read side: chunk c takes the input of d cycles ago (d = 0: this cycle's input).
    if (!ALIGN) begin
      // Unregistered lanes (re-skew chunk 0) hold zero rather than a stale value.
      for (l = 0; l < SL_LANES; l++) out_d[l] = '0;
    end
    for (c = FirstReg; c < SUPERLANES; c++) begin
      d   = ALIGN ? SUPERLANES - 1 - c : c - 1;
      idx = PtrW'((32'(wr_ptr_q) >= d) ? 32'(wr_ptr_q) - d : 32'(wr_ptr_q) + HistDepth - d);
      if (d == 0) begin
        for (l = c * SL_LANES; l < (c + 1) * SL_LANES; l++) out_d[l] = data_i[l];
      end else begin
        for (l = c * SL_LANES; l < (c + 1) * SL_LANES; l++) out_d[l] = hist_q[idx][l];
      end
    end
    // Write side: this cycle's input replaces the oldest history entry.
    for (l = 0; l < Lanes; l++) hist_q[wr_ptr_q][l] = data_i[l];

    if (!rst_ni) begin
      for (ri = 0; ri < HistP; ri++) begin
        for (rl = 0; rl < LanesP; rl++) hist_q[ri][rl] = '0;
      end
      wr_ptr_q <= '0;
      data_q   <= '{default: '0};
    end else begin
      wr_ptr_q <= (32'(wr_ptr_q) == HistDepth - 1) ? '0 : wr_ptr_q + 1'b1;
      data_q   <= out_d[0:Lanes-1];
    end
  end

  if (ALIGN) begin : gen_align
    assign data_o = data_q;
  end else begin : gen_skew
    for (genvar l = 0; l < Lanes; l++) begin : gen_lane
      if (l < SL_LANES) begin : gen_pass
        assign data_o[l] = data_i[l];
      end else begin : gen_reg
        assign data_o[l] = data_q[l];
      end
    end
  end

endmodule
