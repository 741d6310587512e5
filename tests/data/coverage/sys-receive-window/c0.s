; coverage: error.c2c.receive_window with tests/data/systems/pair-tiny.yaml: c0 sends in cycle 6.
.tensor a MEM_E43 0 1 i8
.queue MEM_E43
    Read 0, s0e
.queue C2C.0
    NOP 6
    Send s0e
