; coverage: fp16 in the MXM on configs/tiny.yaml (K = N = 16, T_iw = 1, A = 1, I = 4): every
; special fp16 operand, fp32 results holding infinities and NaNs, ACC add of fp32, a plane
; switched from integer to f16 weights by an IW while a product is in flight, an f16 LW while one
; is, an f16 ABC in an IW's cycle, and an integer ABC on the first cycle after an f16 ABC's port
; occupancy.
; A value read at MEM_Ek (position 48 + k) in cycle t is at MXM_E0 (93) in t + 2 + 45 - k, and
; at MXM_E1 (94) one cycle later.
.tensor wi MEM_E40 0 1 i8
.data wi 0 1*16
.tensor ai MEM_E39 0 1 i8
.data ai 0 2*16
.tensor wf MEM_E42 0 2 f16       ; bytes in MEM_E42 (low) and MEM_E43 (high)
.data wf 0 0x7c00 0x8000 0x0001 0x7bff 0x7e00 0x3c00 0xbc00
.data wf 1 0x3c00*16
.tensor af MEM_E37 0 2 f16       ; bytes in MEM_E37 and MEM_E38
.data af 0 0x3c00 0x0000 0x8000 0x0001 0xfbff 0x3c00
.data af 1 0x7c00 0x7e00
.queue MEM_E40
    NOP 3
    Read 0, s2e         ; at MXM_E0 in 10
.queue MEM_E39
    NOP 5
    Read 0, s3e         ; at MXM_E0 in 13
    NOP 5
    Read 0, s3e         ; at MXM_E0 in 19, MXM_E1 in 20
.queue MEM_E42
    NOP 7
    Read 0, s0e         ; at MXM_E0 in 12
    NOP 3
    Read 1, s0e         ; at MXM_E0 in 16
.queue MEM_E43
    NOP 8
    Read 0, s1e         ; at MXM_E0 in 12
    NOP 3
    Read 1, s1e         ; at MXM_E0 in 16
.queue MEM_E37
    NOP 5
    Read 0, s4e         ; at MXM_E0 in 15 (MXM_E1 16)
    NOP 3
    Read 1, s4e         ; at MXM_E0 in 19
.queue MEM_E38
    NOP 6
    Read 0, s5e         ; at MXM_E0 in 15 (MXM_E1 16)
    NOP 3
    Read 1, s5e         ; at MXM_E0 in 19
.queue MXM_E0.w
    NOP 10
    LW 0, i8, s2e       ; 10
    IW                  ; 11: integer weights
    LW 0, f16, s0e      ; 12: inf, -0, subnormal, 65504, NaN, 1, -1
    NOP 1
    IW                  ; 14: f16 weights, while the ABC of 13 is in flight
    NOP 1
    LW 1, f16, s0e      ; 16: ones, while the ABC of 15 is in flight
    NOP 2
    IW                  ; 19: in the cycle of an ABC, which still reads the weights of 14
.queue MXM_E0.a
    NOP 13
    ABC i8, s3e         ; 13: on the integer weights
    NOP 1
    ABC f16, s4e        ; 15: the first cycle of the f16 weights
    NOP 3
    ABC f16, s4e        ; 19: the first cycle after the port occupancy; infinite and NaN activations
.queue MXM_E0.c
    NOP 14
    ACC 0, set, emit, s8w   ; 14
    NOP 1
    ACC 1, set, emit, s8w   ; 16: lane 0 inf, lane 4 NaN
    NOP 3
    ACC 1, add, emit, s8w   ; 20: fp32 add
.queue MXM_E1.a
    NOP 16
    ABC f16, s4e        ; 16: on weights never written
    NOP 3
    ABC i8, s3e         ; 20: = 16 + I, an integer ABC
