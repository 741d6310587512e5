; coverage: error.mxm.fp16_interval on configs/tiny.yaml (fp16_issue_interval 4).
; MEM_E42 (position 90) drives s0e, MEM_E43 (91) s1e; both reach MXM_E0 (93) in cycle 5.
.tensor a MEM_E42 0 2 i8
.tensor b MEM_E43 0 1 i8
.queue MEM_E42
    Read 0, s0e         ; at MXM_E0 in cycle 5
    Read 1, s0e         ; ... and 6
.queue MEM_E43
    NOP 1
    Read 0, s1e         ; at MXM_E0 in cycle 5
.queue MXM_E0.a
    NOP 5
    ABC f16, s0e        ; cycle 5: holds the activation port until cycle 9
    ABC i8, s0e         ; cycle 6 (docs/isa.md 1.3 rule 7)
