; coverage: error.mxm.install_busy on configs/small.yaml (T_iw = 4 cycles).
.queue MXM_E0.w
    IW                  ; cycle 0
    IW                  ; cycle 1: the first still installs (docs/isa.md 1.3 rule 4)
