; coverage: error.stream.nothing_to_read on configs/tiny.yaml: nothing was driven on s0e.
.queue MXM_E0.a
    ABC i8, s0e
