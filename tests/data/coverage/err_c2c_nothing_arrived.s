; coverage: error.c2c.nothing_arrived on configs/tiny.yaml: nothing was sent to a lone chip.
.queue C2C.0
    Receive s0w
