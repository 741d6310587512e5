// Copyright lpusim contributors.
//
// mxm_install_ctrl: sequences an IW (shadow -> active weight copy) over T_iw = ceil(ROWS /
// INSTALL_ROWS) cycles. Row group j (rows [j*Q, (j+1)*Q)) is copied at the end of aligned cycle
// c_iw + SUPERLANES + j (docs/isa.md 1.2), so group 0 goes in the IW's own aligned cycle and
// the controller only has to remember the groups that follow.

module mxm_install_ctrl #(
  parameter  int unsigned ROWS         = 16,
  parameter  int unsigned INSTALL_ROWS = 16,
  localparam int unsigned Groups       = (ROWS + INSTALL_ROWS - 1) / INSTALL_ROWS,  // T_iw
  localparam int unsigned GroupW       = (Groups > 1) ? $clog2(Groups) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              iw_valid_i,    // an IW is in its aligned cycle
  output logic              inst_valid_o,  // copy row group inst_group_o at the end of this cycle
  output logic [GroupW-1:0] inst_group_o
);

  logic              busy_q;   // groups 1 .. Groups-1 of an install are still to be copied
  logic [GroupW-1:0] group_q;  // next group to copy while busy_q

  // A new IW starts at group 0 (the schedule rules forbid an IW while one is busy; should one
  // come anyway, restarting is what the hardware would do).
  assign inst_valid_o = iw_valid_i | busy_q;
  assign inst_group_o = iw_valid_i ? '0 : group_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      group_q <= '0;
    end else if (iw_valid_i) begin
      busy_q  <= (Groups > 1);
      group_q <= GroupW'(1);
    end else if (busy_q) begin
      busy_q  <= (32'(group_q) != Groups - 1);
      group_q <= group_q + 1'b1;
    end
  end

endmodule
