#!/usr/bin/python3
"""MXM benchmark (not a test): simulated cycles/s and MAC/s of the TLM model alone, of the
model co-simulated against the Verilated RTL, and of the Verilated RTL alone on the same pins
(bench/lpusim_bench_mxm_rtl, "bare Verilator"), at 16, 64 and 320 lanes, with the co-simulation's
cost relative to the bare RTL; plus the time and peak memory of Verilating and compiling each
RTL variant. Prints Markdown tables for docs/performance.md.

usage: scripts/bench_mxm.py [--build-dir build] [--skip-rtl-build] [--repeat 3] [--configs tiny,small,tsp-v1]
                           [--rtl-thread]
"""
import argparse
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIGS = [("tiny", 16), ("small", 64), ("tsp-v1", 320)]
# Instructions per run: enough for a run of a few seconds at each size.
OPS_MODEL = {"tiny": 2_000_000, "small": 1_000_000, "tsp-v1": 200_000}
OPS_COSIM = {"tiny": 400_000, "small": 100_000, "tsp-v1": 60_000}
SPEED = re.compile(r"speed: (\d+) cycles in ([\d.]+) s")
INSTR = re.compile(r"instructions: \d+ \(LW (\d+), IW (\d+), ABC (\d+), ACC (\d+)\)")
BARE = re.compile(r"bare RTL: (\d+) cycles in ([\d.]+) s")


def run(lpusim, config, ops, model_only, extra=()):
    cmd = [str(lpusim), "cosim", "mxm", "--config", str(ROOT / "configs" / f"{config}.yaml"),
           "--seed", "1", "--ops", str(ops), "--stimulus", "dense"]
    if model_only:
        cmd.append("--model-only")
    cmd.extend(extra)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    cycles, seconds = SPEED.search(out).groups()
    abc = int(INSTR.search(out).group(3))
    return int(cycles), float(seconds), abc, " ".join(cmd[1:]).replace(str(ROOT) + "/", "")


def run_bare(bench, config, ops):
    """The Verilated RTL alone on the pins the co-simulation of the same stimulus drives."""
    cmd = [str(bench), "--config", str(ROOT / "configs" / f"{config}.yaml"),
           "--seed", "1", "--ops", str(ops), "--stimulus", "dense"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    cycles, seconds = BARE.search(out).groups()
    return int(cycles), float(seconds), " ".join(cmd).replace(str(ROOT) + "/", "")


def rtl_build(build_dir, name):
    """Re-verilates and compiles one variant through the project's own build rule."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", name)
    # Both builds of the variant (baseline and, with LPUSIM_RTL_AVX2, the AVX2 one).
    for suffix in ("", "_avx2"):
        shutil.rmtree(build_dir / "tb" / f"rtl_{ident}{suffix}", ignore_errors=True)
    start = time.monotonic()
    res = subprocess.run(["/usr/bin/time", "-f", "%M", "cmake", "--build", str(build_dir),
                          "--target", f"vmxm_{ident}_build", "-j", str(os.cpu_count())],
                         check=True, capture_output=True, text=True)
    seconds = time.monotonic() - start
    peak_kib = int(res.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024 / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--skip-rtl-build", action="store_true", help="do not re-time the RTL builds")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    ap.add_argument("--configs", default=",".join(c for c, _ in CONFIGS),
                    help="comma-separated subset of " + ", ".join(c for c, _ in CONFIGS))
    ap.add_argument("--rtl-thread", action="store_true", help="also time the co-simulation with --rtl-thread")
    args = ap.parse_args()
    configs = [(c, lanes) for c, lanes in CONFIGS if c in args.configs.split(",")]
    build_dir = pathlib.Path(args.build_dir)
    lpusim = build_dir / "lpusim"
    bench = build_dir / "bench" / "lpusim_bench_mxm_rtl"
    for exe in (lpusim, bench):
        if not exe.exists():
            sys.exit(f"{exe} not found: build first (scripts/build.sh)")

    cpu = "unknown CPU"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}")
    print("stimulus: dense (an ABC, ACC and LW every legal cycle, weights double-buffered)\n")
    print("| lanes | config | mode | simulated cycles/s | MAC/s | command |")
    print("| ---: | --- | --- | ---: | ---: | --- |")
    ratios = []
    for config, lanes in configs:
        rates = {}
        for model_only in (True, False):
            ops = (OPS_MODEL if model_only else OPS_COSIM)[config]
            samples = [run(lpusim, config, ops, model_only) for _ in range(args.repeat)]
            cycles, _, abc, cmd = samples[0]
            secs = statistics.median(s[1] for s in samples)
            macs = abc * lanes * lanes
            mode = "model only" if model_only else "model + RTL co-sim"
            rates[mode] = cycles / secs
            print(f"| {lanes} | {config} | {mode} | {cycles / secs:,.0f} | {macs / secs:,.3g} | `lpusim {cmd}` |",
                  flush=True)
        if args.rtl_thread:
            samples = [run(lpusim, config, OPS_COSIM[config], False, ["--rtl-thread"]) for _ in range(args.repeat)]
            cycles, _, _, cmd = samples[0]
            secs = statistics.median(s[1] for s in samples)
            rates["thread"] = cycles / secs
            print(f"| {lanes} | {config} | model + RTL co-sim, RTL thread | {cycles / secs:,.0f} | {macs / secs:,.3g} | "
                  f"`lpusim {cmd}` |", flush=True)
        samples = [run_bare(bench, config, OPS_COSIM[config]) for _ in range(args.repeat)]
        cycles, _, cmd = samples[0]
        secs = statistics.median(s[1] for s in samples)
        rates["bare"] = cycles / secs
        # Same stimulus as the co-simulation row: the same ABCs.
        print(f"| {lanes} | {config} | RTL alone (bare Verilator) | {cycles / secs:,.0f} | {macs / secs:,.3g} | "
              f"`{cmd}` |", flush=True)
        ratios.append((lanes, config, rates))
    # Time per cycle relative to the bare RTL's: the whole co-simulation, and the co-simulation less
    # the model's own time (stimulus, TLM model), i.e. the RTL with its transactor and scoreboard.
    thread_head = " co-sim with RTL thread / bare RTL |" if args.rtl_thread else ""
    print(f"\n| lanes | config | co-sim / bare RTL (time per cycle) | (co-sim - model only) / bare RTL |{thread_head}")
    print("| ---: | --- | ---: | ---: |" + (" ---: |" if args.rtl_thread else ""))
    for lanes, config, r in ratios:
        whole = r["bare"] / r["model + RTL co-sim"]
        rtl_side = (1 / r["model + RTL co-sim"] - 1 / r["model only"]) * r["bare"]
        thread = f" {r['bare'] / r['thread']:.2f} |" if args.rtl_thread else ""
        print(f"| {lanes} | {config} | {whole:.2f} | {rtl_side:.2f} |{thread}", flush=True)
    if not args.skip_rtl_build:
        print("\n| RTL variant | lanes | verilate + compile time (s) | peak memory (GiB) |")
        print("| --- | ---: | ---: | ---: |")
        for config, lanes in configs:
            seconds, gib = rtl_build(build_dir, config)
            print(f"| {config} | {lanes} | {seconds:.0f} | {gib:.2f} |", flush=True)


if __name__ == "__main__":
    main()
