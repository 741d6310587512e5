#!/usr/bin/python3
"""Whole-chip benchmark (not a test): the two-layer MLP of examples/mlp/gen_mlp.py with M rows
on a config, run by `lpusim run`, against oneDNN's int8 GEMM on the same MACs, on one thread and
on all cores (bench/bench_gemm.cpp, checked bit-exactly against plain loops before it is timed),
in the same run. Prints simulated cycles/s, the model's MAC/s, the model's own MAC row kernel's
MAC/s, oneDNN's, and the model's rate as a fraction of oneDNN's.

usage: scripts/bench_chip.py [--build-dir build] [--config tsp-v1] [--rows 4096 8192] [--repeat 3]
                             [--min-seconds 1]
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import tempfile

from bench_gemm import library_line, yardstick

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAN = re.compile(r"(\d+) instructions in (\d+) cycles .* (\d+) MACs, MXM utilisation [\d.]+; simulated in ([\d.]+) s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--config", default="tsp-v1")
    ap.add_argument("--rows", type=int, nargs="+", default=[1024, 4096, 8192])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-seconds", type=float, default=1.0, help="timing per library engine and shape")
    args = ap.parse_args()
    if args.repeat < 1 or min(args.rows) < 1 or args.min_seconds < 0:
        ap.error("--repeat and --rows must be at least 1, --min-seconds not negative")
    build = pathlib.Path(args.build_dir)
    config = ROOT / "configs" / f"{args.config}.yaml"
    work = pathlib.Path(tempfile.mkdtemp(prefix="lpusim-bench-"))
    load = os.getloadavg()
    header = False
    for m in args.rows:
        program = work / f"mlp_{m}.s"
        subprocess.run([ROOT / "examples" / "mlp" / "gen_mlp.py", str(config), str(m), str(program)], check=True,
                       capture_output=True)
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run([build / "lpusim", "run", "--config", str(config), "--program", str(program)],
                                 check=True, capture_output=True, text=True).stdout
            instr, cycles, macs, sec = RAN.search(out).groups()
            runs.append((int(instr), int(cycles), int(macs), float(sec)))
        instr, cycles, macs, _ = runs[0]
        sec = statistics.median(r[3] for r in runs)
        # The same MACs as GEMMs: two layers of M x L x L, the rate of one is the rate of both.
        lanes = round((macs / (2 * m)) ** 0.5)
        y = yardstick(build, m, lanes, lanes, min_seconds=args.min_seconds)
        n_all = y["threads_all"]
        if not header:
            print(f"config {args.config}; {library_line(y)}; load average {load[0]:.2f} {load[1]:.2f} "
                  f"{load[2]:.2f} at start; model: medians of {args.repeat} runs, library: medians over at least "
                  f"{args.min_seconds:g} s per engine\n")
            print("| workload | rows M | instructions | simulated cycles | simulated cycles/s | model MAC/s "
                  f"| model kernel MAC/s | oneDNN 1 thread MAC/s | oneDNN {n_all} threads MAC/s "
                  f"| model / oneDNN 1 thread | model / oneDNN {n_all} threads |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            header = True
        rate = macs / sec
        print(f"| 2-layer MLP ({lanes} lanes) | {m} | {instr:,} | {cycles:,} | {cycles / sec:,.0f} | {rate:.3g} | "
              f"{y['kernel']['mac_per_s']:.3g} | {y['one']['mac_per_s']:.3g} | {y['all']['mac_per_s']:.3g} | "
              f"{rate / y['one']['mac_per_s']:.3g} | {rate / y['all']['mac_per_s']:.3g} |", flush=True)


if __name__ == "__main__":
    main()
