#!/usr/bin/python3
"""Whole-chip benchmark (not a test): the two-layer MLP of examples/mlp/gen_mlp.py with M rows
on a config, run by `lpusim run`, next to a plain optimised C++ int8 GEMM of the same MACs
(bench/bench_gemm.cpp) in the same run. Prints simulated cycles/s and host MAC/s of both.

usage: scripts/bench_chip.py [--build-dir build] [--config tsp-v1] [--rows 4096 8192] [--repeat 3]
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAN = re.compile(r"(\d+) instructions in (\d+) cycles .* (\d+) MACs, MXM utilisation [\d.]+; simulated in ([\d.]+) s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--config", default="tsp-v1")
    ap.add_argument("--rows", type=int, nargs="+", default=[1024, 4096, 8192])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    build = pathlib.Path(args.build_dir)
    config = ROOT / "configs" / f"{args.config}.yaml"
    work = pathlib.Path(tempfile.mkdtemp(prefix="lpusim-bench-"))
    print(f"config {args.config}, {os.cpu_count()} cores; medians of {args.repeat} runs\n")
    print("| workload | rows M | instructions | simulated cycles | simulated cycles/s | model MAC/s "
          "| plain C++ GEMM MAC/s | model / plain |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
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
        # The same MACs as plain GEMMs: two layers of M x L x L.
        lanes = round((macs / (2 * m)) ** 0.5)
        plain = []
        for _ in range(args.repeat):
            fields = subprocess.run([build / "bench" / "lpusim_bench_gemm", str(m), str(lanes), str(lanes), "2"],
                                    check=True, capture_output=True, text=True).stdout.split()
            plain.append(float(fields[4]))
        plain_rate = statistics.median(plain)
        print(f"| 2-layer MLP ({lanes} lanes) | {m} | {instr:,} | {cycles:,} | {cycles / sec:,.0f} | "
              f"{macs / sec:.3g} | {plain_rate:.3g} | {macs / sec / plain_rate:.2f} |", flush=True)


if __name__ == "__main__":
    main()
