; coverage: the SXM operations no shipped workload uses, on configs/tiny.yaml, at SXM_E0
; (position 92) in cycle 5: data on s0e (MEM_E43, position 91), a map or mask on s1e (MEM_E42,
; 90) and the map's high bytes on s2e (MEM_E41, 89).
.tensor x MEM_E43 0 1 u8
.data x 0 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
.tensor lo MEM_E42 0 1 u8
.data lo 0 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
.tensor hi MEM_E41 0 1 u8
.data hi 0 0 0 0 0 0 0 0 0 0xff 0xff 0 0 0 0 0 0
.queue MEM_E41
    Read 0, s2e
.queue MEM_E42
    NOP 1
    Read 0, s1e
.queue MEM_E43
    NOP 2
    Read 0, s0e
.queue SXM_E0.0
    NOP 5
    shift up 1, s0e, s0w
.queue SXM_E0.1
    NOP 5
    shift down 1, s0e, s1w
.queue SXM_E0.2
    NOP 5
    rotate 3, s0e, s2w
.queue SXM_E0.3
    NOP 5
    broadcast 2, s0e, s3w
.queue SXM_E0.4
    NOP 5
    permute, s0e, s1e, s2e, s4w
.queue SXM_E0.5
    NOP 5
    distribute, s0e, s1e, s5w
.queue SXM_E0.6
    NOP 5
    select, s2e, s0e, s1e, s6w
