; coverage: error.icu.parked on configs/tiny.yaml: a Sync no Notify releases.
.queue MEM_E0
    Sync
    Read 0, s0e
