#!/usr/bin/python3
"""examples/gemm/gemm_bias_relu_requant_tiny.s through `lpusim run` equals numpy bit for bit:
Y = X.W in int32, Z = saturate_int8(round_half_even((relu(Y + B)) / 2^11) - 3)."""
import pathlib
import subprocess
import sys

import numpy as np

lpusim, root, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
work.mkdir(parents=True, exist_ok=True)
config = str(root / "configs" / "tiny.yaml")
program = str(root / "examples" / "gemm" / "gemm_bias_relu_requant_tiny.s")


def round_shift_half_even(p, s):
    """round(p / 2^s), ties to even, exactly, on int64 arrays."""
    q = p >> s
    r = p - (q << s)
    half = np.int64(1) << (s - 1)
    return q + ((r > half) | ((r == half) & ((q & 1) == 1)))


rng = np.random.default_rng(11)
for trial in range(6):
    x = rng.integers(-128, 128, size=(4, 16), dtype=np.int8)
    w = rng.integers(-128, 128, size=(16, 16), dtype=np.int8)
    b = rng.integers(-40000, 40000, size=(1, 16), dtype=np.int32)
    if trial == 5:  # saturation on both sides and exact ties
        x[:] = -128
        w[:] = -128
        b[0, :8] = -(2**31) + 1
        b[0, 8:] = 1024 - 16 * 128 * 128
    for name, arr in (("x", x), ("w", w), ("b", b)):
        np.save(work / f"{name}.npy", arr)
    subprocess.run([lpusim, "run", "--config", config, "--program", program,
                    "--load", f"X={work / 'x.npy'}", "--load", f"W={work / 'w.npy'}",
                    "--load", f"B={work / 'b.npy'}", "--dump", f"Y={work / 'y.npy'}",
                    "--dump", f"Z={work / 'z.npy'}", "--stats", str(work / "stats.json")]
                   + (["--cosim", "mxm"] if trial % 2 else []),
                   check=True, capture_output=True)
    y = x.astype(np.int64) @ w.astype(np.int64)
    acc = ((y + b.astype(np.int64) + 2**31) % 2**32) - 2**31  # int32 wrap-around add
    relu = np.maximum(acc, 0)
    z = np.clip(round_shift_half_even(relu, 11) - 3, -128, 127).astype(np.int8)
    got_y, got_z = np.load(work / "y.npy"), np.load(work / "z.npy")
    assert (got_y == y).all(), f"trial {trial}: Y differs"
    assert got_z.dtype == np.int8 and (got_z == z).all(), f"trial {trial}: Z differs\n{got_z}\n{z}"
# Determinism: the same program and inputs give byte-identical outputs, stats and trace.
outputs = []
for run in range(2):
    d = work / f"det{run}"
    d.mkdir(exist_ok=True)
    subprocess.run([lpusim, "run", "--config", config, "--program", program,
                    "--load", f"X={work / 'x.npy'}", "--load", f"W={work / 'w.npy'}",
                    "--load", f"B={work / 'b.npy'}", "--dump", f"Y={d / 'y.npy'}", "--dump", f"Z={d / 'z.npy'}",
                    "--stats", str(d / "stats.json"), "--trace", str(d / "trace.json")], check=True, capture_output=True)
    outputs.append([(d / f).read_bytes() for f in ("y.npy", "z.npy", "stats.json", "trace.json")])
assert outputs[0] == outputs[1], "two identical runs differ"
assert len(outputs[0][3]) > 5000, "trace suspiciously small"
print("ok: quantised layer matches numpy in 6 trials; two runs give identical outputs, stats and trace")
