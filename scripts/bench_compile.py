#!/usr/bin/python3
"""Compiler benchmark (not a test): a GEMM sweep through `lpusim compile` and `lpusim run`.

For each shape M x K x N (int8 or uint8 activations, int8 weights, int32 result) it writes a
one-layer workload, compiles it for the config (wall time), runs the program with the compiler's
seeded inputs (wall time), requires the simulated cycle count to equal the predicted one, checks
Y against numpy (float64 matmul, exact at these sizes) unless --no-values, and prints a Markdown
table. MXM utilisation is MACs / (planes x rows x cols x cycles) from the predicted cycles, with
MACs counted two ways: the useful M*K*N, and what the planes execute (whole lanes x lanes tiles,
the compiler's own `MXM utilisation` line).

Compile and run are timed by the wall clock and by CPU time (user + system, which a loaded machine
inflates less), and the compile's peak resident memory is reported (docs/performance.md,
"Compiler cost per booked instruction").

usage: scripts/bench_compile.py [--build-dir build] [--config tsp-v1] [--shapes MxKxN[:u8] ...]
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Square 320 .. 2048 (multiples of 320 and not), then rectangular: batch 1, tall and skinny,
# wide, deep K, and nothing a multiple of 320.
DEFAULT_SHAPES = ["320x320x320", "640x640x640", "960x960x960", "1280x1280x1280", "1600x1600x1600",
                  "2048x2048x2048", "2560x2560x2560", "1x2048x2048", "4096x320x640:u8", "1000x700x900", "2048x320x1280",
                  "320x4096x320", "512x1024x3000"]


def parse_shape(text):
    m = re.fullmatch(r"(\d+)x(\d+)x(\d+)(?::(i8|u8))?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}': expected MxKxN or MxKxN:u8")
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4) or "i8"


def run_measured(cmd, work):
    """Runs cmd; returns (returncode, stdout + stderr, wall s, CPU s, peak RSS MiB) of that child alone."""
    out_path = work / "out.txt"
    with open(out_path, "w") as out:
        t0 = time.monotonic()
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return (p.returncode, out_path.read_text(), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--config", default="tsp-v1", help="name under configs/ or a path")
    ap.add_argument("--shapes", type=parse_shape, nargs="+", default=[parse_shape(s) for s in DEFAULT_SHAPES])
    ap.add_argument("--no-values", action="store_true", help="skip the numpy check of Y")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    lpusim = pathlib.Path(args.build_dir) / "lpusim"
    config = pathlib.Path(args.config)
    if not config.exists():
        config = ROOT / "configs" / f"{args.config}.yaml"
    chip = yaml.safe_load(open(config))["chip"]
    geo, mxm = chip.get("geometry", {}), chip.get("mxm", {})
    lanes = geo.get("superlanes", 20) * geo.get("lanes_per_superlane", 16)
    planes = mxm.get("planes", 4)
    work = pathlib.Path(tempfile.mkdtemp(prefix="lpusim-bench-compile-"))
    print(f"config {config.stem}: {planes} planes of {lanes} x {lanes}; {os.cpu_count()} host cores\n")
    print("| M x K x N | A | compile s | compile CPU s | compile MiB | predicted cycles | simulated cycles "
          "| MXM util (M*K*N) | MXM util (tiles) | run s | run CPU s | Y |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    failed = False
    for m, k, n, atype in args.shapes:
        name = f"gemm_{m}x{k}x{n}_{atype}"
        d = work / name
        d.mkdir()
        wl = d / "w.yaml"
        wl.write_text(f"version: 1\nworkload:\n  name: {name}\n  tensors:\n"
                      f"    X: {{shape: [{m}, {k}], type: {atype}}}\n    W: {{shape: [{k}, {n}], type: i8}}\n"
                      f"  layers:\n    - {{name: fc, op: matmul, a: X, b: W, out: Y}}\n  outputs: [Y]\n")
        rc, c_out, compile_s, compile_cpu, compile_mib = run_measured(
            [lpusim, "compile", "--config", config, "--workload", wl, "-o", d / "p.s", "--inputs", d / "in"], d)
        if rc != 0:
            print(f"| {m} x {k} x {n} | {atype} | compile failed: {c_out.strip()} ||||||||||")
            failed = True
            continue
        predicted = int(re.search(r"^predicted cycles: (\d+)$", c_out, re.M).group(1))
        tiles_util = float(re.search(r"^MXM utilisation: ([0-9.]+)$", c_out, re.M).group(1))
        rc, r_out, run_s, run_cpu, _ = run_measured(
            [lpusim, "run", "--config", config, "--program", d / "p.s", "--load", f"X={d / 'in' / 'X.npy'}",
             "--load", f"W={d / 'in' / 'W.npy'}", "--dump", f"Y={d / 'y.npy'}"], d)
        if rc != 0:
            print(f"| {m} x {k} x {n} | {atype} | {compile_s:.2f} | {compile_cpu:.2f} | {compile_mib:.0f} "
                  f"| {predicted:,} | run failed: {r_out.strip()} ||||||")
            failed = True
            continue
        simulated = int(re.search(r" in (\d+) cycles", r_out).group(1))
        useful = m * k * n / (planes * lanes * lanes * predicted)
        values = "-"
        if not args.no_values:
            x = np.load(d / "in" / "X.npy").astype(np.float64)
            w = np.load(d / "in" / "W.npy").astype(np.float64)
            values = "exact" if np.array_equal(np.load(d / "y.npy"), (x @ w).astype(np.int32)) else "DIFFERS"
        same = simulated == predicted
        failed |= not same or values == "DIFFERS"
        sim_text = f"{simulated:,}" if same else f"**{simulated:,} (predicted {predicted:,})**"
        print(f"| {m} x {k} x {n} | {atype} | {compile_s:.2f} | {compile_cpu:.2f} | {compile_mib:.0f} | {predicted:,} "
              f"| {sim_text} | {useful:.3f} | {tiles_util:.3f} | {run_s:.2f} | {run_cpu:.2f} | {values} |", flush=True)
        if not args.keep:
            shutil.rmtree(d)
    if args.keep:
        print(f"\nfiles in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        sys.exit("\nFAILED: a simulated cycle count differs from the prediction, or Y differs from numpy")


if __name__ == "__main__":
    main()
