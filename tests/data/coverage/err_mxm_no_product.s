; coverage: error.mxm.no_product on configs/tiny.yaml: an ACC with no ABC array_latency before.
.queue MXM_E0.c
    NOP 3
    ACC 0, set
