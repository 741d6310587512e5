; A2),  Z = 
.tensor ¬¬¬¬¬¬¬¬¬¬¬¬¬¬¬¬Y MEM_E2 0x000 4 i32

.queue MEM_E1
    Read 0x000, s0e
    Repeat 15, 1, 1

.queue MEM_E0
     NOP 120
    Write 0x000, s20w
    Repeat 3, 1, 1
