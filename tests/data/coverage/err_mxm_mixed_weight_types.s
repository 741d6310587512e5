; coverage: error.mxm.mixed_weight_types on configs/tiny.yaml.
.tensor a MEM_E43 0 2 i8
.tensor b MEM_E42 0 1 i8
.queue MEM_E43
    Read 0, s0e         ; s0e at MXM_E0 in cycle 4
    Read 1, s0e         ; ... and 5
.queue MEM_E42
    Read 0, s1e         ; s1e at MXM_E0 in cycle 5
.queue MXM_E0.w
    NOP 4
    LW 0, i8, s0e       ; cycle 4: an integer row
    LW 1, f16, s0e      ; cycle 5: an f16 row
    IW                  ; cycle 6: both in one install (docs/isa.md 1.3 rule 8)
