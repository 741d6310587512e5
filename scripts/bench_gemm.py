#!/usr/bin/python3
"""GEMM benchmark (not a test): the model's MAC rate against oneDNN's int8 GEMM on this host.

Runs build/bench/lpusim_bench_gemm (bench/bench_gemm.cpp): an int8 GEMM with int32 results
through oneDNN on one thread and on all cores, checked bit-exactly against plain loops first,
and the model's own MAC row kernel, on --shape (default 4096 x 4096 x 4096). Then compiles a
workload with `lpusim compile`, runs it with `lpusim run` (median of --repeat runs, its cycle
count required to equal the prediction) and runs oneDNN on the same matmul shapes: the model's
MAC/s (the workload's matmul MACs over the simulated wall time) against the library's, and the
ratios.

The default workload is examples/workloads/gemm_1280.yaml; --model-shape M K N compiles a
one-layer int8 GEMM of that shape instead. The model at 4096 x 4096 x 4096:
    scripts/bench_gemm.py --model-shape 4096 4096 4096
(the compile alone takes about 65 s and 3.9 GB).

usage: scripts/bench_gemm.py [--build-dir build] [--shape M K N] [--workload FILE | --model-shape M K N |
                             --no-model-run] [--config FILE] [--repeat 3] [--min-seconds 1]
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAN = re.compile(r"(\d+) instructions in (\d+) cycles .* (\d+) MACs, MXM utilisation [\d.]+; simulated in ([\d.]+) s")
LIB_TYPES = {"i8": "s8", "u8": "u8"}  # activation types oneDNN's int8 GEMMs take (weights: s8 only)


def yardstick(build, m, k, n, a="s8", min_seconds=1.0, model_kernel=True):
    """One run of lpusim_bench_gemm: its JSON (library, version, ISA, timings) with the rates by engine."""
    cmd = [pathlib.Path(build) / "bench" / "lpusim_bench_gemm", "--json", "--a", a, "--min-seconds", str(min_seconds)]
    if not model_kernel:
        cmd.append("--no-model")
    r = subprocess.run(cmd + [str(m), str(k), str(n)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"lpusim_bench_gemm {m} {k} {n} failed:\n{r.stderr.strip()}")
    out = json.loads(r.stdout)
    out["one"] = next(t for t in out["timings"] if t["engine"] == "oneDNN" and t["threads"] == 1)
    out["all"] = next(t for t in out["timings"] if t["engine"] == "oneDNN" and t["threads"] == out["threads_all"])
    out["kernel"] = next((t for t in out["timings"] if t["engine"] == "model"), None)
    return out


def library_line(y):
    return (f"library: oneDNN {y['version']} (CPU runtime {y['cpu_runtime']}, ISA {y['isa']}); "
            f"all cores = {y['threads_all']} threads")


def matmul_shapes(workload_path):
    """(M, K, N, activation type) of every matmul layer, following shapes through the layers."""
    wl = yaml.safe_load(open(workload_path))["workload"]
    shape = {}
    for name, t in wl["tensors"].items():
        s = t["shape"]
        shape[name] = ((1, s[0]) if len(s) == 1 else tuple(s), t["type"])
    found = []
    for layer in wl["layers"]:
        (a, at) = shape[layer["a"]]
        op = layer["op"]
        if op == "matmul":
            (b, bt) = shape[layer["b"]]
            if at not in LIB_TYPES or bt != "i8":
                sys.exit(f"{workload_path}: layer {layer['name']} multiplies {at} by {bt}; the oneDNN yardstick "
                         "covers i8 or u8 activations times i8 weights only")
            found.append((a[0], a[1], b[1], LIB_TYPES[at]))
            shape[layer["out"]] = ((a[0], b[1]), "i32")
        elif op == "transpose":
            shape[layer["out"]] = ((a[1], a[0]), at)
        else:  # every other op keeps its first operand's shape (docs/workload.md section 3)
            shape[layer["out"]] = (a, layer.get("to", at))
    if not found:
        sys.exit(f"{workload_path}: no matmul layer to compare")
    return found


def run_model(build, config, workload, repeat, work, threads=1):
    """Compiles and runs the workload; returns (instructions, cycles, matmul MACs, median seconds)."""
    lpusim = pathlib.Path(build) / "lpusim"
    inputs, program, report = work / "in", work / "p.s", work / "report.json"
    c = subprocess.run([lpusim, "compile", "--config", config, "--workload", workload, "-o", program, "--inputs",
                        inputs, "--report", report], capture_output=True, text=True)
    if c.returncode != 0:
        sys.exit(f"lpusim compile failed:\n{(c.stdout + c.stderr).strip()}")
    rep = json.loads(report.read_text())
    loads = [a for f in sorted(inputs.glob("*.npy")) for a in ("--load", f"{f.stem}={f}")]
    runs = []
    for _ in range(repeat):
        r = subprocess.run([lpusim, "run", "--config", config, "--program", program, "--threads", str(threads)]
                           + loads, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"lpusim run failed:\n{(r.stdout + r.stderr).strip()}")
        instr, cycles, _, sec = RAN.search(r.stdout).groups()
        if int(cycles) != rep["predicted_cycles"]:
            sys.exit(f"lpusim run took {cycles} cycles, the compiler predicted {rep['predicted_cycles']}")
        runs.append((int(instr), int(cycles), float(sec)))
    return runs[0][0], runs[0][1], rep["useful_macs"], statistics.median(r[2] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--shape", type=int, nargs=3, metavar=("M", "K", "N"), default=[4096, 4096, 4096],
                    help="the library's GEMM (default 4096 4096 4096)")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--workload", help="workload YAML for the model (default examples/workloads/gemm_1280.yaml)")
    which.add_argument("--model-shape", type=int, nargs=3, metavar=("M", "K", "N"),
                       help="compile a one-layer int8 GEMM of this shape for the model instead")
    which.add_argument("--no-model-run", action="store_true", help="only the library and the model's kernel")
    ap.add_argument("--config", default=str(ROOT / "configs" / "tsp-v1.yaml"))
    ap.add_argument("--repeat", type=int, default=3, help="lpusim runs (median)")
    ap.add_argument("--threads", type=int, choices=(1, 2), default=1,
                    help="lpusim run --threads (2: the MXM's products on a second thread)")
    ap.add_argument("--min-seconds", type=float, default=1.0, help="timing per library engine and shape")
    args = ap.parse_args()
    if min(args.shape + (args.model_shape or [1])) < 1:
        ap.error("every dimension must be at least 1")
    if args.repeat < 1 or args.min_seconds < 0:
        ap.error("--repeat must be at least 1 and --min-seconds not negative")
    build = pathlib.Path(args.build_dir)
    for binary in (build / "lpusim", build / "bench" / "lpusim_bench_gemm"):
        if not binary.exists():
            ap.error(f"{binary} not found: build it (cmake --build {build} --target lpusim lpusim_bench_gemm)")
    load = os.getloadavg()

    m, k, n = args.shape
    y = yardstick(build, m, k, n, min_seconds=args.min_seconds)
    print(library_line(y))
    print(f"host: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start; "
          f"library medians over at least {args.min_seconds:g} s per engine\n")
    print(f"GEMM {m} x {k} x {n}, int8 x int8 -> int32 (checked bit-exact against plain loops on {y['check']}):\n")
    print("| engine | threads | MAC/s |\n| --- | ---: | ---: |")
    for t in y["timings"]:
        name = "model's product kernel (MxmGemv.h, batches of 8)" if t["engine"] == "model" else "oneDNN dnnl_gemm_s8s8s32"
        print(f"| {name} | {t['threads']} | {t['mac_per_s']:.3g} |")
    if y["kernel"]:
        print(f"\nmodel kernel / oneDNN: {y['kernel']['mac_per_s'] / y['one']['mac_per_s']:.3f} of 1 thread, "
              f"{y['kernel']['mac_per_s'] / y['all']['mac_per_s']:.3f} of {y['threads_all']} threads")
    if args.no_model_run:
        return

    work = pathlib.Path(tempfile.mkdtemp(prefix="lpusim-bench-gemm-"))
    try:
        if args.model_shape:
            mm, mk, mn = args.model_shape
            workload = work / "w.yaml"
            workload.write_text(f"version: 1\nworkload:\n  name: gemm_{mm}x{mk}x{mn}\n  tensors:\n"
                                f"    X: {{shape: [{mm}, {mk}], type: i8}}\n    W: {{shape: [{mk}, {mn}], type: i8}}\n"
                                f"  layers:\n    - {{name: fc, op: matmul, a: X, b: W, out: Y}}\n  outputs: [Y]\n")
            label = f"{mm} x {mk} x {mn} GEMM"
        else:
            workload = pathlib.Path(args.workload or ROOT / "examples" / "workloads" / "gemm_1280.yaml")
            if not workload.exists():
                ap.error(f"{workload}: no such workload")
            label = workload.name
        shapes = matmul_shapes(workload)
        instr, cycles, macs, sec = run_model(build, args.config, workload, args.repeat, work, args.threads)
        if macs != sum(a * b * c for a, b, c, _ in shapes):
            sys.exit(f"the compiler counts {macs} matmul MACs, the workload's shapes {shapes}: the script's shape "
                     "walk is out of date")
        # The library on the same matmuls: seconds per layer, summed.
        one = every = 0.0
        for sm, sk, sn, a in shapes:
            ys = yardstick(build, sm, sk, sn, a, args.min_seconds, model_kernel=False)
            one += ys["one"]["seconds"]
            every += ys["all"]["seconds"]
        model_rate = macs / sec
        n_all = y["threads_all"]
        print(f"\nThe model: {label} on {pathlib.Path(args.config).stem} (matmuls: "
              f"{', '.join(f'{a} x {b} x {c}' for a, b, c, _ in shapes)}), median of {args.repeat} `lpusim run "
              f"--threads {args.threads}`s; "
              "MAC/s = the matmuls' M*K*N over the simulated wall time, oneDNN on the same matmuls:\n")
        print(f"| workload | instructions | simulated cycles | simulated s | model MAC/s | oneDNN 1 thread MAC/s "
              f"| oneDNN {n_all} threads MAC/s | model / oneDNN 1 thread | model / oneDNN {n_all} threads |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print(f"| {label} | {instr:,} | {cycles:,} | {sec:.3f} | {model_rate:.3g} | {macs / one:.3g} | "
              f"{macs / every:.3g} | {model_rate * one / macs:.3g} | {model_rate * every / macs:.3g} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
