; Chip c1 receives the vector in cycle 220, six cycles before it arrives:
; a schedule error naming both chips, the link and the cycle.
.tensor b MEM_E43 0 4 i8
.queue C2C.0
 NOP 220
 Receive s0w
.queue MEM_E43
 NOP 231
 Write 3, s0w
