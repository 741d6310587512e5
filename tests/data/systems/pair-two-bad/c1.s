; the second bad program: never the one reported while c0.s is bad
.queue MEM_W0
    Read 0x0, s99e
