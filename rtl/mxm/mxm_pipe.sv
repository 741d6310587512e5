// Copyright lpusim contributors.
//
// mxm_pipe: DEPTH register stages for a vector with a valid bit (DEPTH = 0: wires). Used for
// the product pipeline stages after the product register (ARRAY_LATENCY - 1) and the result
// pipeline stages after the accumulator's result register (ACC_LATENCY - 1). A stage only
// loads data when the stage before it is valid: an idle pipeline costs nothing.
//
// Tracing: the vector ports are excluded from waveforms (tracing_off). Each is a copy of a
// net of mxm_plane (prod1_data/prod_data, res1_data/res_data), which is traced; Verilator does
// not alias unpacked-array port copies across the hierarchy, so tracing every copy would
// multiply the FST cost for no extra information. The stage registers stay traced.

module mxm_pipe #(
  parameter int unsigned DEPTH = 1,
  parameter int unsigned LANES = 16,
  parameter int unsigned WIDTH = 32
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             valid_i,
  /* verilator tracing_off */
  input  logic [WIDTH-1:0] data_i [LANES],
  /* verilator tracing_on */
  output logic             valid_o,
  /* verilator tracing_off */
  output logic [WIDTH-1:0] data_o [LANES]
  /* verilator tracing_on */
);

  if (DEPTH == 0) begin : gen_bypass
    assign valid_o = valid_i;
    assign data_o  = data_i;
    // clk_i and rst_ni are unused in this configuration.
    logic unused_clk_rst;
    assign unused_clk_rst = clk_i ^ rst_ni;
  end else begin : gen_pipe
    for (genvar i = 0; i < DEPTH; i++) begin : gen_stage
      logic             valid_in;
      /* verilator tracing_off */
      logic [WIDTH-1:0] data_in [LANES];
      /* verilator tracing_on */
      logic             valid_q;
      logic [WIDTH-1:0] data_q  [LANES];

      if (i == 0) begin : gen_from_input
        assign valid_in = valid_i;
        assign data_in  = data_i;
      end else begin : gen_from_stage
        assign valid_in = gen_stage[i-1].valid_q;
        assign data_in  = gen_stage[i-1].data_q;
      end

      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          valid_q <= 1'b0;
          data_q  <= '{default: '0};
        end else begin
          valid_q <= valid_in;
          if (valid_in) data_q <= data_in;
        end
      end
    end
    assign valid_o = gen_stage[DEPTH-1].valid_q;
    assign data_o  = gen_stage[DEPTH-1].data_q;
  end

endmodule
