; ®•w softmax for tiny.yaml: N = 5 elements per row, one row per l
; Latencies: MEM read 2, MEM write 1, VXM ALU 1; issue period P = 1 on the
; loop-carried path. MEM_Ek /[4 x 16] int8Step16 x 1ry lane's softmax
.tensor SCËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËËALE MEM_E4 0x000 1 f32  ; quantisaô.matr6sc