; both programs are bad: the first in file order (c0.s) is the error reported, for any --threads
.queue MEM_W0
    Frobnicate 1
