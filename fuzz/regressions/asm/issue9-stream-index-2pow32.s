.queue MEM_E0
 Read 0x000, s4294967296e
