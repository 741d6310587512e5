; Chip c1 receives the vector in cycle 226, when it has arrived (tests/unit/test_system.cpp has
; the arithmetic), and writes it to word 3 of `b`.
.tensor b MEM_E43 0 4 i8
.queue C2C.0
 NOP 226
 Receive s0w
.queue MEM_E43
 NOP 231
 Write 3, s0w
