; A quantised layer on configs/tiny.yaml (16 lanes):
;   Y = X . W (int32),  Z = requant_i8(relu(Y + B))
; X[4 x 16] int8, W[16 x 16] int8, B[1 x 16] int32 (the same bias for every row), Z[4 x 16] int8.
; The GEMM half is examples/gemm/gemm_tiny.s unchanged (the assembly has no include); the VXM half follows it.
; Y[m][n] = sum_k X[m][k] * W[k][n]: X row m is one activation vector, W row k one weight row.
;
; Positions (docs/isa.md 2.1): MEM_E0 48, MEM_E1 49, MEM_E2..E5 50..53, MXM_E0 93.
; Timeline (docs/isa.md 3): a Read issued at t drives its stream at t + 2 (read latency) from
; its slice; the value reaches MXM_E0 after (93 - position) more cycles.
;   W rows: MEM_E1 reads at 0..15 -> on s0e at 49 at 2..17 -> at MXM_E0 at 46..61: LW 46..61
;   IW at 62 (T_iw = 1 on tiny): ABCs from 63
;   X rows: MEM_E0 reads at 16..19 -> at 48 at 18..21 -> at MXM_E0 at 63..66: ABC 63..66
;   ACC at 64..67 takes the ABC of the cycle before (A = 1); results at c + S + R = 66..69 on
;   s4w..s7w (4 byte planes) from position 93, passing MEM_E2..E5 43..40 cycles later.

.tensor X MEM_E0 0x000 4 i8
.tensor W MEM_E1 0x000 16 i8
.tensor Y MEM_E2 0x000 4 i32

.queue MEM_E1
    Read 0x000, s0e
    Repeat 15, 1, 1

.queue MEM_E0
    NOP 16
    Read 0x000, s1e
    Repeat 3, 1, 1

.queue MXM_E0.w
    NOP 46
    LW 0, i8, s0e
    Repeat 15, 1, 1
    IW

.queue MXM_E0.a
    NOP 63
    ABC i8, s1e
    Repeat 3, 1

.queue MXM_E0.c
    NOP 64
    ACC 0, set, emit, s4w
    Repeat 3, 1

; byte plane k of row r: word r of MEM_E(2+k), arriving at 66 + r + (93 - position)
.queue MEM_E2
    NOP 109
    Write 0x000, s4w
    Repeat 3, 1, 1
.queue MEM_E3
    NOP 108
    Write 0x000, s5w
    Repeat 3, 1, 1
.queue MEM_E4
    NOP 107
    Write 0x000, s6w
    Repeat 3, 1, 1
.queue MEM_E5
    NOP 106
    Write 0x000, s7w
    Repeat 3, 1, 1

; ---- bias, ReLU and requantisation on the VXM (position 47) ----
; Row r of Y passes the VXM at 66 + r + (93 - 47) = 112 + r on s4w..s7w.
; The bias (4 byte planes in MEM_W0..W3 at positions 46..43) is read once per row onto
; s8e..s11e so that plane k (hops 1 + k, read latency 2) reaches the VXM at 112 + r too:
; MEM_Wk reads at 109 + r - k.
.tensor B MEM_W0 0x000 1 i32
.tensor Z MEM_W4 0x000 4 i8

.queue MEM_W0
    NOP 109
    Read 0x000, s8e
    Repeat 3, 1
.queue MEM_W1
    NOP 108
    Read 0x000, s9e
    Repeat 3, 1
.queue MEM_W2
    NOP 107
    Read 0x000, s10e
    Repeat 3, 1
.queue MEM_W3
    NOP 106
    Read 0x000, s11e
    Repeat 3, 1

; One ALU per queue, each a cycle after the one before (chip.vxm.alu_latency = 1).
.queue VXM.0
    NOP 112
    add i32, s4w, s8e, s12w                     ; Y + B at 112 + r -> s12w..s15w at 113 + r
    Repeat 3, 1
.queue VXM.1
    NOP 113
    relu i32, s12w, s16w                        ; -> s16w..s19w at 114 + r
    Repeat 3, 1
.queue VXM.2
    NOP 114
    requant i8 1 11 -3 half_even, s16w, s20w    ; round(x / 2^11) - 3, saturated: s20w at 115 + r
    Repeat 3, 1

; Z row r reaches MEM_W4 (position 42) at 115 + r + 5.
.queue MEM_W4
    NOP 120
    Write 0x000, s20w
    Repeat 3, 1, 1
