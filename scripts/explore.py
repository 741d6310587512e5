#!/usr/bin/python3
"""Architecture exploration: one workload compiled for many chip configs, compared.

    scripts/explore.py --build-dir build --workload W.yaml --config configs/tsp-v1.yaml \
        [--vary chip.mxm.planes=2,4 chip.mem.read_latency=2,4 ...] [--run]

Every combination of the --vary values is applied to the base config (a key path and a comma-
separated list of values each; the combinations are the cartesian product), written as a config
file under the build directory, and the workload is compiled for it with `lpusim compile
--report`. The table lists each variant's predicted cycles, microseconds at its clock, MXM
utilisation, instructions and SRAM use. With --run every program is also run, and the run must
take exactly the predicted cycles (the compiler's promise; a mismatch exits 1). A variant the
config schema or the compiler refuses is listed with the reason. Not a test: a tool.
"""
import argparse
import copy
import itertools
import json
import pathlib
import re
import subprocess
import sys

import yaml


def set_path(doc, path, value):
    node = doc
    keys = path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value


def parse_value(text):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", type=pathlib.Path, default=pathlib.Path("build"))
    ap.add_argument("--workload", type=pathlib.Path, required=True)
    ap.add_argument("--config", type=pathlib.Path, required=True, help="the base chip config")
    ap.add_argument("--vary", nargs="*", default=[], metavar="KEY=V1,V2", help="config key path and its values")
    ap.add_argument("--run", action="store_true", help="also run each program and require the predicted cycles")
    a = ap.parse_args()
    lpusim = a.build_dir / "lpusim"
    base = yaml.safe_load(a.config.read_text())
    axes = []
    for v in a.vary:
        if "=" not in v:
            sys.exit(f"--vary: expected KEY=V1,V2,..., got '{v}'")
        key, values = v.split("=", 1)
        axes.append((key, [parse_value(x) for x in values.split(",")]))
    work = a.build_dir / "explore"
    work.mkdir(parents=True, exist_ok=True)
    rows, failed = [], False
    for i, combo in enumerate(itertools.product(*[vals for _, vals in axes]) if axes else [()]):
        doc = copy.deepcopy(base)
        for (key, _), value in zip(axes, combo):
            set_path(doc, key, value)
        label = ", ".join(f"{k.split('.')[-1]}={v}" for (k, _), v in zip(axes, combo)) or a.config.stem
        cfg = work / f"variant-{i}.yaml"
        cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
        prog, report, inputs = work / f"variant-{i}.s", work / f"variant-{i}.json", work / f"variant-{i}-in"
        r = subprocess.run([str(lpusim), "compile", "--config", str(cfg), "--workload", str(a.workload), "-o", str(prog),
                            "--report", str(report)] + (["--inputs", str(inputs)] if a.run else []),
                           capture_output=True, text=True)
        if r.returncode != 0:
            rows.append((label, None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"))
            continue
        rep = json.loads(report.read_text())
        clock = doc.get("chip", {}).get("clock_mhz", 900)
        note = ""
        if a.run:
            w = yaml.safe_load(a.workload.read_text())["workload"]
            cmd = [str(lpusim), "run", "--config", str(cfg), "--program", str(prog)]
            for name in w["tensors"]:
                cmd += ["--load", f"{name}={inputs / (name + '.npy')}"]
            ran = subprocess.run(cmd, capture_output=True, text=True)
            m = re.search(r"in (\d+) cycles", ran.stdout)
            if ran.returncode != 0 or not m or int(m.group(1)) != rep["predicted_cycles"]:
                failed = True
                note = f"RUN MISMATCH: {ran.stdout.strip() or ran.stderr.strip()}"
            else:
                note = "run: exact"
        rows.append((label, rep, note or "", clock))
    print(f"workload {a.workload}, base config {a.config}\n")
    print("| variant | predicted cycles | us | MXM utilisation | instructions | SRAM MiB | note |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        if row[1] is None:
            print(f"| {row[0]} | - | - | - | - | - | {row[2]} |")
            continue
        label, rep, note, clock = row
        print(f"| {label} | {rep['predicted_cycles']:,} | {rep['predicted_cycles'] / clock:.2f} | "
              f"{rep['mxm_utilisation']:.3f} | {rep['instructions']:,} | {rep['sram_bytes'] / 2**20:.2f} | {note} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
