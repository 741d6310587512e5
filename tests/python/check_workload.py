#!/usr/bin/python3
"""One shipped workload, end to end: compile it, run it (optionally with every MXM plane
co-simulated against its RTL), and require the predicted cycle count and numpy's outputs.

    check_workload.py LPUSIM CONFIG WORKLOAD.yaml WORKDIR [--cosim mxm]

The run must take exactly the cycles `lpusim compile` predicted (in its summary and in its
`--report` JSON), and every output must equal
tests/python/workload_reference.py's bit for bit. Exit 0 on success, 1 with the difference.
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import yaml

HERE = pathlib.Path(__file__).resolve().parent


def sh(*cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lpusim")
    ap.add_argument("config")
    ap.add_argument("workload", type=pathlib.Path)
    ap.add_argument("work", type=pathlib.Path)
    ap.add_argument("--cosim", default=None)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    prog, inputs, got, want = a.work / "prog.s", a.work / "in", a.work / "out", a.work / "ref"
    got.mkdir(exist_ok=True)
    report = a.work / "report.json"
    out = sh(a.lpusim, "compile", "--config", a.config, "--workload", a.workload, "-o", prog, "--inputs", inputs,
             "--report", report)
    predicted = int(re.search(r"predicted cycles: (\d+)", out).group(1))
    rep = json.loads(report.read_text())
    if rep["predicted_cycles"] != predicted:
        sys.exit(f"FAIL: --report says {report.read_text()}, the summary {predicted} cycles")
    w = yaml.safe_load(a.workload.read_text())["workload"]
    # The per-layer spans: every layer in exactly one group, in workload order; the groups'
    # instructions add up to the program's; each issues inside the predicted run.
    names = [n for span in rep["layers"] for n in span["layers"].split("+")]
    if names != [layer["name"] for layer in w["layers"]]:
        sys.exit(f"FAIL: --report's layers {names} are not the workload's")
    if sum(span["instructions"] for span in rep["layers"]) != rep["instructions"]:
        sys.exit(f"FAIL: --report's layers hold {sum(s['instructions'] for s in rep['layers'])} instructions, "
                 f"the program {rep['instructions']}")
    bad = [s for s in rep["layers"] if not s["first_cycle"] <= s["last_cycle"] < predicted]
    if bad:
        sys.exit(f"FAIL: layer spans outside the run of {predicted} cycles: {bad}")
    cmd = [a.lpusim, "run", "--config", a.config, "--program", prog]
    for name in w["tensors"]:
        cmd += ["--load", f"{name}={inputs / (name + '.npy')}"]
    for name in w["outputs"]:
        cmd += ["--dump", f"{name}={got / (name + '.npy')}"]
    if a.cosim:
        cmd += ["--cosim", a.cosim]
    ran = sh(*cmd)
    cycles = int(re.search(r"in (\d+) cycles", ran).group(1))
    util = re.search(r"MXM utilisation ([\d.]+)", ran).group(1)
    if cycles != predicted:
        sys.exit(f"FAIL: predicted {predicted} cycles, the run took {cycles}")
    if a.cosim and "PASS" not in ran:
        sys.exit(f"FAIL: no co-simulation verdict:\n{ran}")
    geo = yaml.safe_load(open(a.config))["chip"].get("geometry", {})
    lanes = geo.get("superlanes", 20) * geo.get("lanes_per_superlane", 16)  # f16 matmuls round per block of lanes
    sh(sys.executable, HERE / "workload_reference.py", a.workload, inputs, want, "--lanes", str(lanes))
    for name in w["outputs"]:
        x, y = np.load(got / f"{name}.npy"), np.load(want / f"{name}.npy")
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            bad = np.argwhere(x.view(np.uint8).reshape(-1) != y.view(np.uint8).reshape(-1))
            sys.exit(f"FAIL: {name}: {x.dtype}{x.shape} vs reference {y.dtype}{y.shape}; first differing byte "
                     f"{bad[0][0] if len(bad) else '-'}")
    print(f"PASS {a.workload.name} on {a.config}: {cycles} cycles as predicted, MXM utilisation {util}, "
          f"outputs {', '.join(w['outputs'])} bit-exact" + (f", {a.cosim} co-simulated" if a.cosim else ""))


if __name__ == "__main__":
    main()
