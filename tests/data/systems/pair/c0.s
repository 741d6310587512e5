; Chip c0 reads word 0 of `a` (on s0e at the C2C slice in cycle 6) and sends it over link 0.
.tensor a MEM_E43 0 1 i8
.queue MEM_E43
 Read 0, s0e
.queue C2C.0
 NOP 6
 Send s0e
