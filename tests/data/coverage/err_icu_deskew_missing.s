; coverage: error.icu.deskew_missing on configs/tiny.yaml: RuntimeDeskew with no Deskew before.
.queue MEM_E43
    NOP 3
    RuntimeDeskew 10
