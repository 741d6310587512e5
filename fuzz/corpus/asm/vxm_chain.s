.queue VXM.0
    add i32, s0e, s4e, chain          ; cycle t
.queue VXM.1
    NOP 1
    relu i32, alu0, chain             ; cycle t + 1
.queue VXM.2
    NOP 2
    requant i8 1518500250 37 0 half_even, alu1, s8w
.queue VXM.3
    tanh f16, s0w, s2w
    convert i32 f32, s4w, s8e
    max f32, s0e, s4e, s8e
    exp f32, s12e, s0w
    rsqrt f32, s12w, s4w
