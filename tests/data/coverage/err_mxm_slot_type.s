; coverage: error.mxm.slot_type on configs/tiny.yaml.
.tensor a MEM_E43 0 2 i8
.tensor b MEM_E42 0 1 i8
.queue MEM_E43
    Read 0, s0e         ; s0e at MXM_E0 in cycle 4
    Read 1, s0e         ; ... and 5
.queue MEM_E42
    Read 0, s1e         ; s1e at MXM_E0 in cycle 5
.queue MXM_E0.a
    NOP 4
    ABC i8, s0e         ; cycle 4
    ABC f16, s0e        ; cycle 5 (an integer ABC does not hold the port)
.queue MXM_E0.c
    NOP 5
    ACC 0, set          ; cycle 5: slot 0 holds an int32 value
    ACC 0, add          ; cycle 6: adds an fp32 product to it (docs/isa.md 1.3 rule 10)
