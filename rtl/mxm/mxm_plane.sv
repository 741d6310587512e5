// Copyright lpusim contributors.
//
// mxm_plane: one plane of the MXM (matrix unit), cycle-exact to docs/isa.md section 1.
//
// Datapath (all times relative to the issue cycle c of the instruction named):
//
//   instruction pins --mxm_delay (S)-------------------> aligned control at c + S
//   lw_data_i  (chunk s at c+s) --mxm_chunk_delay------> aligned LW vector at c + S
//   abc_data_i (chunk s at c+s) --mxm_chunk_delay------> aligned ABC vector at c + S
//   mxm_install_ctrl: IW aligned at c_iw + S copies row group j at the end of c_iw + S + j
//   mxm_array: shadow/active weights; MAC of the aligned ABC -> product register (stage 1)
//   mxm_pipe (A-1): product stages 2..A; stage A is visible at c_abc + S + A
//   mxm_accumulator: ACC aligned at c + S updates acc[j] with product stage A; emit -> result
//                    register (stage 1)
//   mxm_pipe (R-1): result stages 2..R; stage R is visible at c_acc + S + R
//   mxm_chunk_delay + mxm_valid_skew: re-stagger, chunk s of the result at c_acc + S + R + s
//
// Every output is a register. Nothing checks the schedule rules (docs/isa.md 1.3): a program
// that breaks them gets whatever the hardware does.

module mxm_plane #(
  parameter  int unsigned SUPERLANES    = 1,   // S
  parameter  int unsigned SL_LANES      = 16,  // G, lanes per superlane
  parameter  int unsigned ROWS          = 16,  // K, must be S * G
  parameter  int unsigned COLS          = 16,  // N, must be S * G
  parameter  int unsigned ACC_SLOTS     = 4,   // J
  parameter  int unsigned INSTALL_ROWS  = 16,  // Q, weight rows installed per cycle
  parameter  int unsigned ARRAY_LATENCY = 1,   // A >= 1, ABC to ACC issue distance
  parameter  int unsigned ACC_LATENCY   = 1,   // R >= 1, accumulator to result latency
  localparam int unsigned RowW          = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int unsigned SlotW         = (ACC_SLOTS > 1) ? $clog2(ACC_SLOTS) : 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // instruction pins, in the issue cycle
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
  // staggered operand vectors: lane l carries the operand of the instruction issued
  // l / SL_LANES cycles ago
  input  logic [7:0]            lw_data_i  [COLS],
  input  logic [7:0]            abc_data_i [ROWS],
  // staggered result vector
  output logic [SUPERLANES-1:0] res_valid_o,
  output logic [31:0]           res_data_o [COLS]
);

  // ---------------------------------------------------------------------------------------
  // Parameter checks (elaboration time).
  // ---------------------------------------------------------------------------------------
  if (ROWS != SUPERLANES * SL_LANES || COLS != SUPERLANES * SL_LANES) begin : gen_bad_geometry
    $fatal(1, "mxm_plane: ROWS and COLS must both equal SUPERLANES * SL_LANES");
  end
  if (ARRAY_LATENCY < 1 || ACC_LATENCY < 1 || INSTALL_ROWS < 1 || ACC_SLOTS < 1)
  begin : gen_bad_param
    $fatal(1, "mxm_plane: ARRAY_LATENCY, ACC_LATENCY, INSTALL_ROWS and ACC_SLOTS must be >= 1");
  end

  localparam int unsigned Groups = (ROWS + INSTALL_ROWS - 1) / INSTALL_ROWS;  // T_iw
  localparam int unsigned GroupW = (Groups > 1) ? $clog2(Groups) : 1;
  localparam int unsigned CtrlW  = 8 + RowW + SlotW;
  // Pipeline stages after the product / result registers (guarded so that an illegal 0 gives
  // the error above rather than a 2^32-stage pipeline).
  localparam int unsigned ProdStages = (ARRAY_LATENCY > 0) ? ARRAY_LATENCY - 1 : 0;
  localparam int unsigned ResStages  = (ACC_LATENCY > 0) ? ACC_LATENCY - 1 : 0;

  // ---------------------------------------------------------------------------------------
  // Alignment: every instruction acts on whole vectors in its aligned cycle c + S.
  // ---------------------------------------------------------------------------------------
  logic [CtrlW-1:0] ctrl_issue, ctrl_al;

  // Aligned instruction fields (valid in the instruction's aligned cycle).
  logic             lw_valid_al, lw_signed_al;
  logic [RowW-1:0]  lw_row_al;
  logic             iw_valid_al;
  logic             abc_valid_al, abc_signed_al;
  logic             acc_valid_al;
  logic [SlotW-1:0] acc_slot_al;
  logic             acc_add_al, acc_emit_al;

  assign ctrl_issue = {lw_valid_i, lw_signed_i, lw_row_i, iw_valid_i, abc_valid_i, abc_signed_i,
                       acc_valid_i, acc_slot_i, acc_add_i, acc_emit_i};

  mxm_delay #(
    .WIDTH (CtrlW),
    .DEPTH (SUPERLANES)
  ) u_ctrl_align (
    .clk_i,
    .rst_ni,
    .d_i    (ctrl_issue),
    .q_o    (ctrl_al)
  );

  assign {lw_valid_al, lw_signed_al, lw_row_al, iw_valid_al, abc_valid_al, abc_signed_al,
          acc_valid_al, acc_slot_al, acc_add_al, acc_emit_al} = ctrl_al;

  // Aligned operand vectors.
  logic [7:0] lw_data_al  [COLS];
  logic [7:0] abc_data_al [ROWS];

  mxm_chunk_delay #(
    .SUPERLANES (SUPERLANES),
    .SL_LANES   (SL_LANES),
    .WIDTH      (8),
    .ALIGN      (1'b1)
  ) u_lw_align (
    .clk_i,
    .rst_ni,
    .data_i (lw_data_i),
    .data_o (lw_data_al)
  );

  mxm_chunk_delay #(
    .SUPERLANES (SUPERLANES),
    .SL_LANES   (SL_LANES),
    .WIDTH      (8),
    .ALIGN      (1'b1)
  ) u_abc_align (
    .clk_i,
    .rst_ni,
    .data_i (abc_data_i),
    .data_o (abc_data_al)
  );

  // ---------------------------------------------------------------------------------------
  // Weights and products.
  // ---------------------------------------------------------------------------------------
  logic              inst_valid;
  logic [GroupW-1:0] inst_group;

  mxm_install_ctrl #(
    .ROWS         (ROWS),
    .INSTALL_ROWS (INSTALL_ROWS)
  ) u_install_ctrl (
    .clk_i,
    .rst_ni,
    .iw_valid_i   (iw_valid_al),
    .inst_valid_o (inst_valid),
    .inst_group_o (inst_group)
  );

  logic        prod1_valid;              // product register (stage 1)
  logic [31:0] prod1_data [COLS];
  logic        prod_valid;               // product stage A, consumed by the ACC
  logic [31:0] prod_data  [COLS];

  mxm_array #(
    .ROWS         (ROWS),
    .COLS         (COLS),
    .INSTALL_ROWS (INSTALL_ROWS)
  ) u_array (
    .clk_i,
    .rst_ni,
    .lw_valid_i   (lw_valid_al),
    .lw_signed_i  (lw_signed_al),
    .lw_row_i     (lw_row_al),
    .lw_data_i    (lw_data_al),
    .inst_valid_i (inst_valid),
    .inst_group_i (inst_group),
    .abc_valid_i  (abc_valid_al),
    .abc_signed_i (abc_signed_al),
    .abc_data_i   (abc_data_al),
    .prod_valid_o (prod1_valid),
    .prod_data_o  (prod1_data)
  );

  mxm_pipe #(
    .DEPTH (ProdStages),
    .LANES (COLS),
    .WIDTH (32)
  ) u_prod_pipe (
    .clk_i,
    .rst_ni,
    .valid_i (prod1_valid),
    .data_i  (prod1_data),
    .valid_o (prod_valid),
    .data_o  (prod_data)
  );

  // The RTL does not check schedule rule 5 (an ACC needs an ABC A cycles earlier); the valid
  // bit at the end of the product pipeline is kept for the waveform only.
  logic unused_prod_valid;
  assign unused_prod_valid = prod_valid;

  // ---------------------------------------------------------------------------------------
  // Accumulators and results.
  // ---------------------------------------------------------------------------------------
  logic        res1_valid;               // result register (stage 1)
  logic [31:0] res1_data [COLS];
  logic        res_valid;                // result stage R: chunk 0 of the output
  logic [31:0] res_data  [COLS];

  mxm_accumulator #(
    .COLS      (COLS),
    .ACC_SLOTS (ACC_SLOTS)
  ) u_acc (
    .clk_i,
    .rst_ni,
    .acc_valid_i (acc_valid_al),
    .acc_slot_i  (acc_slot_al),
    .acc_add_i   (acc_add_al),
    .acc_emit_i  (acc_emit_al),
    .prod_data_i (prod_data),
    .res_valid_o (res1_valid),
    .res_data_o  (res1_data)
  );

  mxm_pipe #(
    .DEPTH (ResStages),
    .LANES (COLS),
    .WIDTH (32)
  ) u_res_pipe (
    .clk_i,
    .rst_ni,
    .valid_i (res1_valid),
    .data_i  (res1_data),
    .valid_o (res_valid),
    .data_o  (res_data)
  );

  // Re-stagger: chunk s leaves s cycles after chunk 0.
  if (SUPERLANES > 1) begin : gen_skew
    mxm_chunk_delay #(
      .SUPERLANES (SUPERLANES),
      .SL_LANES   (SL_LANES),
      .WIDTH      (32),
      .ALIGN      (1'b0)
    ) u_res_skew (
      .clk_i,
      .rst_ni,
      .data_i (res_data),
      .data_o (res_data_o)
    );

    mxm_valid_skew #(
      .SUPERLANES (SUPERLANES)
    ) u_valid_skew (
      .clk_i,
      .rst_ni,
      .valid_i (res_valid),
      .valid_o (res_valid_o)
    );
  end else begin : gen_no_skew
    assign res_valid_o = res_valid;
    assign res_data_o  = res_data;
  end

endmodule
