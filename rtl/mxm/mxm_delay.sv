// Copyright lpusim contributors.
//
// mxm_delay: a DEPTH-stage shift register for a narrow packed value.
//
// Used to bring instruction fields (issued in superlane 0 at cycle c) to the MXM's aligned
// cycle c + SUPERLANES, where the staggered operand vectors are complete (docs/isa.md 1.2).
// The value is narrow (a handful of control bits), so a plain packed shift register is the
// cheapest structure both in hardware and in Verilator.

module mxm_delay #(
  parameter int unsigned WIDTH = 1,
  parameter int unsigned DEPTH = 1   // >= 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [WIDTH-1:0] d_i,
  output logic [WIDTH-1:0] q_o
);

  // Stage i holds d_i from i+1 cycles ago; stage DEPTH-1 is the output.
  logic [DEPTH-1:0][WIDTH-1:0] pipe_q;

  if (DEPTH == 1) begin : gen_one
    always_ff @(posedge clk_i) begin
      if (!rst_ni) pipe_q <= '0;
      else         pipe_q <= d_i;
    end
  end else begin : gen_many
    always_ff @(posedge clk_i) begin
      if (!rst_ni) pipe_q <= '0;
      else         pipe_q <= {pipe_q[DEPTH-2:0], d_i};
    end
  end

  assign q_o = pipe_q[DEPTH-1];

endmodule
