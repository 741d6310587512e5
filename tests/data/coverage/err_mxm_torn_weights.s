; coverage: error.mxm.torn_weights on configs/small.yaml (T_iw = 4 cycles).
.tensor x MEM_E43 0 1 i8
.queue MEM_E43
    Read 0, s0e         ; s0e at MXM_E0 in cycle 4
.queue MXM_E0.w
    NOP 3
    IW                  ; cycle 3: installs until cycle 7
.queue MXM_E0.a
    NOP 4
    ABC i8, s0e         ; cycle 4: part of the array holds old weights (docs/isa.md 1.3 rule 2)
