#!/usr/bin/python3
"""The generated row softmax (examples/softmax/gen_softmax.py) through `lpusim asm` and
`lpusim run` equals a numpy reference bit for bit, on the given configs.

    check_softmax.py LPUSIM ROOT WORKDIR CONFIG:N[,N...] ...

CONFIG is a name in ROOT/configs or a .yaml path. For every N the program is generated,
assembled to an object file and run on seeded inputs; E (exp(x - m)), Y (softmax) and Q (its
int8 quantisation) must match the reference in every bit. Two identical runs must give
identical outputs and statistics, and the schedule must waste nothing on the streams (every
value driven is read, none is replaced).

The reference is independent numpy code: the same float32 operations in the same order as the
program (docs/vxm-numerics.md sections 3.2 and 6, through tests/python/vxm_reference.py for
max, exp, rsqrt and conversion). It also prints the largest |Y - softmax(X)| against the exact
softmax in float64 and asserts it is below (1.5 N + 10) * 2^-24, from a first-order error
analysis with u = 2^-24 (unit roundoff) and y_j = e_j / s:
  - x_j - m is rounded once: relative error <= u in d_j, i.e. <= |d_j| u in e^(d_j); since
    e^d |d| <= 1/e, that is an absolute error <= 0.37 u in e_j;
  - exp: <= 1.023 ulp <= 2.05 u relative (section 7); rsqrt likewise <= 2.05 u;
  - the sequential sum of N terms: <= (N - 1) u relative, plus the terms' own errors, which
    are <= 2.05 u s + 0.37 N u, and s >= 1 (the maximum contributes exp(0) = 1);
  - s * s rounded (<= u, halved by the square root), e_j * inv rounded (<= u).
  With y_j <= 1 the sum is <= (1.37 N + 7.3) u + 0.37 u, so (1.5 N + 10) u has a little room for
  the second-order terms. The int8 result may differ from round(127 * exact) by at most one.
"""
import json
import pathlib
import subprocess
import sys

import numpy as np
import yaml

lpusim, root, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
sys.path.insert(0, str(root / "tests" / "python"))
import vxm_reference as vr  # noqa: E402  (found through ROOT, like the programs)

work.mkdir(parents=True, exist_ok=True)
SCALE = np.float32(127.0)


def reference(x, scale):
    """E, Y and Q lane by lane, in the program's order of float32 operations."""
    m = x[0].copy()                                   # VXM.0: m = max(x_0, x_0)
    for j in range(1, len(x)):
        m = vr.float_maxmin(True, x[j], m)            # m = max(x_j, m)
    e = np.empty_like(x)
    for j in range(len(x)):
        e[j] = vr.vexp(x[j] - m)                      # VXM.1 sub, VXM.2 exp
    s = e[0].copy()                                   # VXM.3: s = max(e_0, e_0) = e_0
    for j in range(1, len(x)):
        s = s + e[j]                                  # s = s + e_j, j ascending
    inv = vr.vrsqrt(s * s)                            # VXM.4, VXM.5
    y = e * inv                                       # VXM.7
    t = y * scale                                     # VXM.8
    q = vr.convert("f32", "i8", vr.bits32(t)).view(np.int32).astype(np.int8)  # VXM.9
    return e, y, q


def inputs(rng, n, lanes):
    """Seeded rows, with lanes that exercise the corners of the algorithm."""
    x = (rng.standard_normal((n, lanes)) * 3).astype(np.float32)
    x[:, 1] = 0.75                                                        # all equal: y = 1/N
    x[:, 2] = (1000 + rng.standard_normal(n)).astype(np.float32)          # large offset
    x[:, 3] = rng.uniform(-200, 50, n).astype(np.float32)                 # exp underflows to 0/subnormal
    x[:, 4] = (-1e4 + 20 * rng.standard_normal(n)).astype(np.float32)
    x[:, 5] = np.where(np.arange(n) % 2 == 0, np.float32(0.0), np.float32(-0.0))  # signed zeros
    if n >= 3:
        x[[0, n - 1], 6] = x[:, 6].max() + 1                              # the maximum twice
    x[:, 7] = rng.uniform(-103, -50, n).astype(np.float32)
    return x


def bits(a):
    return np.ascontiguousarray(a).view(np.uint32 if a.dtype == np.float32 else np.uint8)


def sh(*args):
    """Runs a command; on failure stops with its output (which says why)."""
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(str(a) for a in args)}\n{r.stdout}{r.stderr}")
    return r.stdout


def run(config, program, d, x_file, sc_file):
    d.mkdir(parents=True, exist_ok=True)
    sh(lpusim, "run", "--config", config, "--program", program, "--load", f"X={x_file}", "--load", f"SCALE={sc_file}",
       "--dump", f"E={d / 'e.npy'}", "--dump", f"Y={d / 'y.npy'}", "--dump", f"Q={d / 'q.npy'}",
       "--stats", d / "stats.json")


rng = np.random.default_rng(2024)
worst = 0.0
with np.errstate(all="ignore"):
    for spec in sys.argv[4:]:
        name, ns = spec.split(":")
        config = pathlib.Path(name) if name.endswith(".yaml") else root / "configs" / f"{name}.yaml"
        label = config.stem
        geo = yaml.safe_load(open(config))["chip"]["geometry"]
        lanes = geo["superlanes"] * geo.get("lanes_per_superlane", 16)
        for n in (int(v) for v in ns.split(",")):
            src, obj = work / f"softmax_{label}_{n}.s", work / f"softmax_{label}_{n}.lpo"
            sh(root / "examples" / "softmax" / "gen_softmax.py", config, n, src)
            sh(lpusim, "asm", "--config", config, src, "--output", obj)
            for trial in range(2):
                x = inputs(rng, n, lanes)
                scale = np.full((1, lanes), SCALE, dtype=np.float32)
                d = work / f"{label}_{n}_{trial}"
                d.mkdir(parents=True, exist_ok=True)
                np.save(d / "x.npy", x)
                np.save(d / "scale.npy", scale)
                run(config, obj, d, d / "x.npy", d / "scale.npy")
                e, y, q = reference(x, scale[0])
                got = {k: np.load(d / f"{k}.npy") for k in ("e", "y", "q")}
                for k, want in (("e", e), ("y", y), ("q", q)):
                    assert got[k].dtype == want.dtype and got[k].shape == want.shape, (k, got[k].dtype, got[k].shape)
                    diff = np.argwhere(bits(got[k]) != bits(want))
                    assert diff.size == 0, (f"{label} N={n} trial {trial}: {k.upper()} differs in {len(diff)} "
                                            f"elements, first (row, lane) {tuple(diff[0])}: got "
                                            f"{got[k][tuple(diff[0])]!r}, numpy {want[tuple(diff[0])]!r}")
                x64 = x.astype(np.float64)
                ex = np.exp(x64 - x64.max(axis=0))
                exact = ex / ex.sum(axis=0)
                err = float(np.abs(y.astype(np.float64) - exact).max())
                bound = (1.5 * n + 10) * 2.0**-24
                assert err <= bound, f"{label} N={n}: max |Y - softmax| = {err:.3g} above the bound {bound:.3g}"
                qerr = int(np.abs(q.astype(np.int64) - np.rint(exact * float(SCALE))).max())
                assert qerr <= 1, f"{label} N={n}: Q differs from round(127 * softmax) by {qerr}"
                worst = max(worst, err)
                stats = json.loads((d / "stats.json").read_text())
                streams = stats["streams"]
                # The schedule wastes nothing: every value driven onto a stream is read, none replaced.
                assert streams["overwritten"] == 0 and streams["never_read"] == 0, streams
                cycles = stats["cycles"]
                print(f"ok: {label} N={n} trial {trial}: E, Y, Q bit-exact; max |Y - softmax| = {err:.3g} "
                      f"(bound {bound:.3g}, {err / 2.0**-24:.1f} * 2^-24); {cycles} cycles")
            # Determinism: the same object file and inputs give byte-identical outputs and stats.
            again = work / f"{label}_{n}_again"
            run(config, obj, again, d / "x.npy", d / "scale.npy")
            for f in ("e.npy", "y.npy", "q.npy", "stats.json"):
                assert (again / f).read_bytes() == (d / f).read_bytes(), f"{label} N={n}: two runs differ in {f}"
            print(f"ok: {label} N={n}: a second run gives identical outputs and stats")
print(f"largest |Y - softmax| over all runs: {worst:.3g}")
