#!/usr/bin/python3
"""examples/gemm/gemm_tiny.s through `lpusim run` equals numpy's int8 matmul, bit for bit, also
with the MXM plane co-simulated against its RTL (--cosim mxm), and its object file runs and
disassembles to the same program."""
import pathlib
import subprocess
import sys

import numpy as np

lpusim, root, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
work.mkdir(parents=True, exist_ok=True)
config = str(root / "configs" / "tiny.yaml")
program = str(root / "examples" / "gemm" / "gemm_tiny.s")

obj = work / "gemm_tiny.lpo"
subprocess.run([lpusim, "asm", "--config", config, program, "--output", str(obj)], check=True)
text_src = subprocess.run([lpusim, "disasm", "--config", config, program], check=True,
                          capture_output=True, text=True).stdout
text_obj = subprocess.run([lpusim, "disasm", "--config", config, str(obj)], check=True,
                          capture_output=True, text=True).stdout
assert text_src == text_obj and "LW 0, i8, s0e" in text_src, "object file disassembles differently"

rng = np.random.default_rng(7)
for trial, prog in enumerate([program, str(obj)] * 2):
    x = rng.integers(-128, 128, size=(4, 16), dtype=np.int8)
    w = rng.integers(-128, 128, size=(16, 16), dtype=np.int8)
    if trial == 3:
        x[:] = -128
        w[:] = -128
    np.save(work / "x.npy", x)
    np.save(work / "w.npy", w)
    out = work / "y.npy"
    stats = work / "stats.json"
    cosim = ["--cosim", "mxm"] if trial % 2 == 0 else []  # the MXM plane on its Verilated RTL as well
    run = subprocess.run([lpusim, "run", "--config", config, "--program", prog,
                          "--load", f"X={work / 'x.npy'}", "--load", f"W={work / 'w.npy'}",
                          "--dump", f"Y={out}", "--stats", str(stats)] + cosim,
                         check=True, capture_output=True, text=True)
    if cosim:
        assert "MXM co-simulation: 4 result beats checked" in run.stdout and "PASS" in run.stdout, run.stdout
    y = np.load(out)
    want = x.astype(np.int32) @ w.astype(np.int32)
    assert y.dtype == np.int32 and y.shape == (4, 16), (y.dtype, y.shape)
    assert (y == want).all(), f"trial {trial}: GEMM differs from numpy:\n{y}\n{want}"
print("ok: gemm_tiny.s matches numpy (4 trials, text and object program)")
