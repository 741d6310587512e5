#!/usr/bin/python3
"""Regenerates the results tables under tests/data/plots/ from real lpusim runs, in the columns of
scripts/sweep.py's results table (docs/exploration.md), for the tests of scripts/plot.py:

  chip-sweep/      tsp-v1 with chip.mxm.planes in {2, 4} x chip.mem.read_latency in {2, 6}, the
                   workloads gemm_320, gemm_odd and mlp compiled and run (stats.*, report.*, info.*),
                   and one point that fails (chip.mem.words_per_bank = 64: gemm_odd does not fit)
  system-scaling/  examples/system/gen_system.py pipeline on 1, 2, 4, 8 and 16 tiny chips, for 16
                   and 48 batches, run (chips, stats.end_ps, macs summed over the chips)

    tests/data/plots/make_fixtures.py build/lpusim

Not run by the tests (they read the checked-in tables); rerun after a change of the schema or of
lpusim's outputs. Deterministic: the same lpusim gives the same tables, except wall_s.
"""
import argparse
import copy
import csv
import hashlib
import itertools
import json
import pathlib
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from lpusimtools.common import flatten, set_path, stable_hash  # noqa: E402


def run(cmd):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True)


def write_table(out, rows):
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.jsonl").write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    cols = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    fixed = [c for c in ("point", "status", "error", "workload", "mode") if c in cols]
    cols = fixed + sorted(c for c in cols if c not in fixed)
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def chip_sweep(lpusim, tmp):
    base = yaml.safe_load((ROOT / "configs/tsp-v1.yaml").read_text())
    points = [{"chip.mxm.planes": p, "chip.mem.read_latency": r} for p, r in itertools.product((2, 4), (2, 6))]
    points.append({"chip.mxm.planes": 4, "chip.mem.read_latency": 2, "chip.mem.words_per_bank": 64})
    workloads = ["examples/workloads/gemm_320.yaml", "examples/workloads/gemm_odd.yaml",
                 "examples/workloads/mlp.yaml"]
    rows = []
    for i, params in enumerate(points):
        doc = copy.deepcopy(base)
        for k, v in params.items():
            set_path(doc, k, v)
        cfg = tmp / f"p{i}.yaml"
        cfg.write_text(yaml.safe_dump(doc))
        resolved = run([lpusim, "config", cfg]).stdout
        info = json.loads(run_json(lpusim, ["info", "--config", cfg], "--json", tmp / "info.json"))
        for w in (workloads if "chip.mem.words_per_bank" not in params else workloads[1:2]):
            t0 = time.time()
            row = {"point": stable_hash({"params": params, "workload": w, "mode": "run"})[:12], "workload": w,
                   "mode": "run", "config_hash": hashlib.sha256(resolved.encode()).hexdigest(), "chips": 1,
                   "clock_mhz": doc["chip"]["clock_mhz"]}
            row.update({f"param.{k}": v for k, v in params.items()})
            row.update({f"info.{k}": f["value"] for k, f in info["figures"].items()})
            prog, rep, inputs = tmp / "p.s", tmp / "rep.json", tmp / f"in{i}-{pathlib.Path(w).stem}"
            proc = run([lpusim, "compile", "--config", cfg, "--workload", ROOT / w, "-o", prog, "--report", rep,
                        "--inputs", inputs])
            if proc.returncode:
                row.update(status="failed", error=(proc.stderr or proc.stdout).strip().splitlines()[0],
                           wall_s=round(time.time() - t0, 3))
                rows.append(row)
                continue
            report = json.loads(rep.read_text())
            row.update({f"report.{k}": v for k, v in report.items() if not isinstance(v, (list, dict))})
            loads = [f"--load={p.stem}={p}" for p in sorted(inputs.glob("*.npy"))]
            stats = tmp / "stats.json"
            proc = run([lpusim, "run", "--config", cfg, "--program", prog, *loads, "--stats", stats])
            if proc.returncode:
                raise SystemExit(f"{w} on {params}: {proc.stderr}")
            st = json.loads(stats.read_text())
            row.update({f"stats.{k}": v for k, v in flatten(st).items()})
            row.update(status="ok", error="", predicted_cycles=report["predicted_cycles"],
                       simulated_cycles=st["cycles"], instructions=report["instructions"], macs=st["macs"],
                       wall_s=round(time.time() - t0, 3))
            rows.append(row)
    return rows


def run_json(lpusim, args, flag, path):
    proc = run([lpusim, *args, flag, path])
    if proc.returncode:
        raise SystemExit(f"lpusim {' '.join(map(str, args))}: {proc.stderr}")
    return pathlib.Path(path).read_text()


def system_scaling(lpusim, tmp):
    rows = []
    for batches, chips in itertools.product((16, 48), (1, 2, 4, 8, 16)):
        out = tmp / f"pipe{chips}-{batches}"
        gen = run(["/usr/bin/python3", ROOT / "examples/system/gen_system.py", "pipeline", "--chips", chips,
                   "--batches", batches, "--out", out, "--lpusim", lpusim])
        if gen.returncode:
            raise SystemExit(gen.stderr)
        spec = json.loads((out / "run.json").read_text())
        loads = [f"--load={c}:{n}={out / f}" for c, n, f in spec["load"]]
        stats = out / "stats.json"
        t0 = time.time()
        proc = run([lpusim, "run", "--system", out / "system.yaml", "--programs", out / "programs", *loads,
                    "--stats", stats])
        if proc.returncode:
            raise SystemExit(proc.stderr)
        st = json.loads(stats.read_text())
        params = {"chips": chips, "batches": batches}
        row = {"point": stable_hash({"params": params, "workload": "system:pipeline", "mode": "run"})[:12],
               "status": "ok", "error": "", "workload": "system:pipeline", "mode": "run",
               "param.system.chips": chips, "param.batches": batches, "chips": chips, "clock_mhz": 900,
               "simulated_cycles": max(c["cycles"] for c in st["chips"].values()),
               "instructions": sum(c["instructions"] for c in st["chips"].values()),
               "macs": sum(c["macs"] for c in st["chips"].values()), "stats.end_ps": st["end_ps"],
               "stats.c2c_vectors": sum(ln["a_to_b"]["vectors"] + ln["b_to_a"]["vectors"] for ln in st["links"]),
               "wall_s": round(time.time() - t0, 3)}
        rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim", type=pathlib.Path, help="the lpusim binary, e.g. build/lpusim")
    lpusim = ap.parse_args().lpusim.resolve()
    if not lpusim.is_file():
        ap.error(f"{lpusim}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        write_table(HERE / "chip-sweep", chip_sweep(lpusim, pathlib.Path(tmp)))
        write_table(HERE / "system-scaling", system_scaling(lpusim, pathlib.Path(tmp)))
    print(f"wrote {HERE / 'chip-sweep'} and {HERE / 'system-scaling'}")


if __name__ == "__main__":
    main()
