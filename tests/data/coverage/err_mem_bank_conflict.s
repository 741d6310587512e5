; coverage: error.mem.bank_conflict on tests/data/coverage/tiny-wl3.yaml (write_latency 3): the
; Write issued in cycle 3 commits in cycle 5, when a Read of the same bank issues.
; MEM_E1 (position 49) drives s0e in cycle 2; MEM_E2 (50) sees it in cycle 3.
.tensor x MEM_E1 0 1 i8
.tensor y MEM_E2 0 2 i8
.queue MEM_E1
    Read 0, s0e
.queue MEM_E2
    NOP 3
    Write 0, s0e        ; cycle 3: bank 0 busy in cycle 5
    NOP 1
    Read 1, s1e         ; cycle 5: bank 0 (docs/mem.md 3 rule 3)
