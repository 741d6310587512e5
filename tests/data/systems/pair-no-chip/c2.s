; A program for a chip the pair does not have.
.queue C2C.0
 NOP 1
