; coverage: error.icu.low_power on configs/tiny.yaml: work issued in low-power mode.
.queue MEM_E0
    Config low_power
    Read 0, s0e
