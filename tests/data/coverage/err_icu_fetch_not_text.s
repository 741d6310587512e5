; coverage: error.icu.fetch_not_text on configs/tiny.yaml: Ifetch reads bytes 0x01.
; MEM_E0 (position 48) drives s0e in cycle 2; MEM_E1 (49) reads it in cycle 3.
.tensor t MEM_E0 0 1 u8
.fill t 0x01
.queue MEM_E0
    Read 0, s0e
.queue MEM_E1
    NOP 3
    Ifetch 1, s0e
