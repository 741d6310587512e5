#!/usr/bin/python3
"""The generated two-layer MLP (examples/mlp/gen_mlp.py) through `lpusim run` equals numpy bit
for bit on the given configs, with and without the MXM planes co-simulated against their RTL."""
import pathlib
import subprocess
import sys

import numpy as np
import yaml

lpusim, root, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
configs = sys.argv[4:]
work.mkdir(parents=True, exist_ok=True)


def round_shift(p, s, away):
    """round(p / 2^s) exactly on int64 arrays: ties to even, or away from zero."""
    q = p >> s
    r = p - (q << s)
    half = np.int64(1) << (s - 1)
    if away:
        return np.where(p >= 0, (p + half) >> s, -((-p + half) >> s))
    return q + ((r > half) | ((r == half) & ((q & 1) == 1)))


def wrap32(x):
    return ((x + 2**31) % 2**32) - 2**31


rng = np.random.default_rng(5)
for name in configs:
    config = root / "configs" / f"{name}.yaml"

    geo = yaml.safe_load(open(config))["chip"]["geometry"]
    lanes = geo["superlanes"] * geo.get("lanes_per_superlane", 16)
    m = 6
    program = work / f"mlp_{name}.s"
    subprocess.run([root / "examples" / "mlp" / "gen_mlp.py", str(config), str(m), str(program)], check=True,
                   capture_output=True)
    for trial in range(2):
        x = rng.integers(-128, 128, size=(m, lanes), dtype=np.int8)
        w1 = rng.integers(-128, 128, size=(lanes, lanes), dtype=np.int8)
        w2 = rng.integers(-128, 128, size=(lanes, lanes), dtype=np.int8)
        b1 = rng.integers(-50000, 50000, size=(1, lanes), dtype=np.int32)
        b2 = rng.integers(-50000, 50000, size=(1, lanes), dtype=np.int32)
        args = []
        for tname, arr in (("X", x), ("W1", w1), ("W2", w2), ("B1", b1), ("B2", b2)):
            np.save(work / f"{tname}.npy", arr)
            args += ["--load", f"{tname}={work / (tname + '.npy')}"]
        cosim = ["--cosim", "mxm"] if trial == 1 else []
        run = subprocess.run([lpusim, "run", "--config", str(config), "--program", str(program), *args,
                              "--dump", f"Z1={work / 'z1.npy'}", "--dump", f"Z2={work / 'z2.npy'}",
                              "--stats", str(work / "stats.json"), *cosim], check=True, capture_output=True, text=True)
        y1 = wrap32(x.astype(np.int64) @ w1.astype(np.int64) + b1)
        z1 = np.clip(round_shift(np.maximum(y1, 0), 11, False) - 3, -128, 127).astype(np.int8)
        y2 = wrap32(z1.astype(np.int64) @ w2.astype(np.int64) + b2)
        z2 = np.clip(round_shift(y2, 10, True) + 5, -128, 127).astype(np.int8)
        got1, got2 = np.load(work / "z1.npy"), np.load(work / "z2.npy")
        assert (got1 == z1).all(), f"{name} trial {trial}: Z1 differs"
        assert (got2 == z2).all(), f"{name} trial {trial}: Z2 differs"
        assert not cosim or "PASS" in run.stdout, run.stdout
        print(f"ok: {name} trial {trial}{' with --cosim mxm' if cosim else ''}: {run.stdout.splitlines()[0]}")
