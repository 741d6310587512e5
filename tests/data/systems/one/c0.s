; One chip reading a word: a system with no links (its window is unbounded).
.queue MEM_E0
 Read 0, s0e
