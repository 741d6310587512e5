; coverage: error.mxm.shadow_busy on configs/small.yaml (T_iw = 64 / 16 = 4 cycles).
; MEM_E43 (position 91) drives s0e in cycle 2; MXM_E0 (93) sees it in cycle 4.
.tensor w MEM_E43 0 1 i8
.queue MEM_E43
    Read 0, s0e
.queue MXM_E0.w
    NOP 3
    IW                  ; cycle 3: copies the shadow buffer until cycle 6
    LW 0, i8, s0e       ; cycle 4: allowed from cycle 6 (docs/isa.md 1.3 rule 3)
