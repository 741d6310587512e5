.block B VXM.0 MEM_W0 0
.queue MEM_E0
 Read 0, s0e
.end
