; coverage: error.icu.repeat_out_of_range on configs/tiny.yaml: iterations read words 1, 0, then -1.
.queue MEM_E0
    Iterations 3
    Step -1
    Read 1, s0e
