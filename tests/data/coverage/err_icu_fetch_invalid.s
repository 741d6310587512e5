; coverage: error.icu.fetch_invalid on configs/tiny.yaml: the fetched text "ABC" is no
; instruction of a MEM queue.
.tensor t MEM_E0 0 1 u8
.data t 0 65 66 67
.queue MEM_E0
    Read 0, s0e
.queue MEM_E1
    NOP 3
    Ifetch 1, s0e
