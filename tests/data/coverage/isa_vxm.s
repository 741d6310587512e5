; coverage: every VXM operation and a chain, on configs/tiny.yaml. MEM_W0..MEM_W3 (positions
; 46..43) drive s0e..s3e and MEM_E0 (48) drives s0w so that all are at the VXM (47) in cycles 6
; and 7: s0e and s0w as i8, s0e..s1e as f16, s0e..s3e as i32. ALU 2 chains its sum of cycle 7
; into ALU 3 in cycle 8 (alu_latency 1). Results go to distinct streams, read by nobody.
.tensor x0 MEM_W0 0 1 i8
.data x0 0 1 0xff 0x7f 0x80 3 0xfd 0 64 0xc0 5 6 7 8 9 10 11
.tensor x1 MEM_W1 0 1 i8
.data x1 0 0x3c 0xbc 0x40 0x00 0x7c 0x3c 0x3c 0x3c 0x38 0x38 0x38 0x38 0x44 0x44 0x44 0x44
.tensor x2 MEM_W2 0 1 i8
.tensor x3 MEM_W3 0 1 i8
.tensor y MEM_E0 0 1 i8
.data y 0 0x7f 0x80 0x7f 0x80 0 1 2 3 4 5 6 7 8 9 10 11
.queue MEM_W3
    Read 0, s3e
    Repeat 1, 1
.queue MEM_W2
    NOP 1
    Read 0, s2e
    Repeat 1, 1
.queue MEM_W1
    NOP 2
    Read 0, s1e
    Repeat 1, 1
.queue MEM_W0
    NOP 3
    Read 0, s0e
    Repeat 1, 1
.queue MEM_E0
    NOP 3
    Read 0, s0w
    Repeat 1, 1
.queue VXM.0
    NOP 6
    add i8, s0e, s0w, s1w
    convert i8 f16, s0e, s20w
.queue VXM.1
    NOP 6
    sub i8, s0e, s0w, s2w
    requant i8 1518500250 37 0 half_even, s0e, s22w
.queue VXM.2
    NOP 6
    mul i8, s0e, s0w, s3w
    add i8, s0e, s0w, chain
.queue VXM.3
    NOP 6
    max i8, s0e, s0w, s4w
    NOP 1
    abs i8, alu2, s28e
.queue VXM.4
    NOP 6
    min i8, s0e, s0w, s5w
.queue VXM.5
    NOP 6
    add_sat i8, s0e, s0w, s6w
.queue VXM.6
    NOP 6
    sub_sat i8, s0e, s0w, s7w
.queue VXM.7
    NOP 6
    and i8, s0e, s0w, s8w
.queue VXM.8
    NOP 6
    or i8, s0e, s0w, s9w
.queue VXM.9
    NOP 6
    xor i8, s0e, s0w, s10w
.queue VXM.10
    NOP 6
    neg i8, s0e, s11w
.queue VXM.11
    NOP 6
    abs i8, s0e, s12w
.queue VXM.12
    NOP 6
    relu i8, s0e, s13w
.queue VXM.13
    NOP 6
    tanh f16, s0e, s14w
.queue VXM.14
    NOP 6
    exp f16, s0e, s16w
.queue VXM.15
    NOP 6
    rsqrt f16, s0e, s18w
