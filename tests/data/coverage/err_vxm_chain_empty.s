; coverage: error.vxm.chain_empty on configs/tiny.yaml: ALU 0 has no result to chain.
.queue VXM.1
    relu i32, alu0, s4e
