; coverage: error.c2c.link_busy with tests/data/systems/pair-tiny.yaml: a vector occupies the link
; 4 cycles (440 line bits at 0.12 bit/ps); the second Send comes 2 cycles after the first.
.tensor a MEM_E43 0 1 i8
.queue MEM_E43
    Read 0, s0e
    Repeat 1, 2
.queue C2C.0
    NOP 6
    Send s0e
    NOP 1
    Send s0e
