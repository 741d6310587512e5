.queue MEM_E0
 Step -010
 Read 0x0, s0e
