; coverage: error.stream.two_producers on configs/tiny.yaml: two VXM ALUs drive s1e at the VXM
; (position 47) in one cycle. MEM_W0 (46) drives s0e in cycle 2; the VXM sees it in cycle 3.
.tensor x MEM_W0 0 1 i8
.queue MEM_W0
    Read 0, s0e
.queue VXM.0
    NOP 3
    relu i8, s0e, s1e
.queue VXM.1
    NOP 3
    neg i8, s0e, s1e
