.queue MXM_W0.w
    LW 0, i8, s0e
    LW 1, f16, s2e
    IW
.queue MXM_W0.a
    NOP 4
    ABC u8, s4e
    ABC f16, s6e
.queue MXM_W0.c
    NOP 8
    ACC 0, set
    ACC 1, add, emit, s8w
