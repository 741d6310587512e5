// Copyright lpusim contributors.
//
// mxm_valid_skew: re-staggers the result valid bit: chunk s of a result vector is valid s
// cycles after chunk 0 (docs/isa.md section 0). Chunk 0 is the input itself (already a
// register); chunk s >= 1 comes from an (s)-deep shift register.

module mxm_valid_skew #(
  parameter int unsigned SUPERLANES = 2   // >= 2 (the caller bypasses it otherwise)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  valid_i,
  output logic [SUPERLANES-1:0] valid_o
);

  // valid_q[s-1] is valid_i delayed s cycles, s = 1 .. SUPERLANES-1.
  logic [SUPERLANES-2:0] valid_q;

  if (SUPERLANES == 2) begin : gen_one
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_q <= '0;
      else         valid_q <= valid_i;
    end
  end else begin : gen_many
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_q <= '0;
      else         valid_q <= {valid_q[SUPERLANES-3:0], valid_i};
    end
  end

  assign valid_o = {valid_q, valid_i};

endmodule
