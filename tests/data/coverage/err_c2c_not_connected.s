; coverage: error.c2c.not_connected on configs/tiny.yaml: a lone chip's links lead nowhere.
.queue C2C.0
    Send s0e
