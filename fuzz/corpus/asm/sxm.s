.queue SXM_E0.0
    shift up 1, s0e, s1e
    shift down 2, s2e, s3e
    rotate 3, s4e, s5e
    broadcast 1, s6e, s7e
.queue SXM_W0.0
    transpose, s0w, s16w
