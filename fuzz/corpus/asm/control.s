.queue MEM_E1
    Config low_power
    Iterations 4
    Step 2
    Countdown 3
    Read 0x10, s1e
    Iterations 1
    Config normal
    Sync
.queue MEM_W1
    Notify
    Gather s3e, s4e
    Scatter s5w, s6w
.queue SXM_E0.0
    Ifetch 2, s7e
