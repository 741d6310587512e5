; coverage: error.mxm.abc_type on configs/tiny.yaml.
.tensor a MEM_E42 0 1 i8
.tensor b MEM_E43 0 2 i8
.queue MEM_E42
    Read 0, s0e         ; s0e at MXM_E0 in cycle 5
.queue MEM_E43
    NOP 1
    Read 0, s1e         ; s1e at MXM_E0 in cycle 5
    NOP 1
    Read 1, s2e         ; s2e at MXM_E0 in cycle 7
.queue MXM_E0.w
    NOP 5
    LW 0, f16, s0e      ; cycle 5
    IW                  ; cycle 6: f16 weights
.queue MXM_E0.a
    NOP 7
    ABC i8, s2e         ; cycle 7: an integer ABC on them (docs/isa.md 1.3 rule 9)
