; coverage: error.icu.deskew_behind with tests/data/coverage/pair-slow.yaml (c1 100 ppm slow).
.queue MEM_E42
    Deskew
    NOP 100000
    RuntimeDeskew 5
