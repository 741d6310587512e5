; The vector arrives in cycle 226 (tests/data/systems/pair/c1.s); the Receive comes 33 cycles
; later, past the 32-cycle receive window.
.queue C2C.0
    NOP 259
    Receive s0w
