.tensor X MEM_E0 0x000 4 i8
.tensor map MEM_E1 0x000 1 u8
.data map 0 3 0*15
.tensor bias MEM_W0 0x010 2 i32
.fill bias 0xffffffff
.data bias 1 1 2 3 0x7fffffff*4
.matrix A 3 20 i8
.tensor A@c0 MEM_W4 0 3 i8
.tensor A@c1 MEM_W5 0 4 i8
.block B MEM_E3 MEM_E2 0x100
    Write 0x0, s0e
    Read 0x1, s2e
.end
.queue MEM_E0
    NOP 16
    Read 0x000, s1e
    Repeat 3, 1, 1
