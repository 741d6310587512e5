#!/usr/bin/python3
"""CTest cli.validate-shipped and cli.validate-fails: scripts/validate.py.

    check_validate.py LPUSIM WORKDIR shipped   # every shipped config and system, two workloads
    check_validate.py LPUSIM WORKDIR fails     # the checks fail when they should

shipped: exit 0; every consistency row agrees; tsp-v1's published figures match (peak int8
737.28 / 737, SRAM 220 MiB, C2C 240 GB/s ...) and its SRAM bandwidth is a known deviation; both
10,440-chip systems show diameter 6 against the published 5 as a known deviation and meet the
latency and SRAM bounds; the workload rows carry their cycles; --json and --csv hold the same rows.

fails: validate.py is pointed (--build-dir) at a stand-in lpusim that runs the real one and then
tampers with one figure of its JSON (tsp-v1's peak_int8 x 1.01; node-8's diameter 1 -> 2): exit 1,
naming the figure, the config and both values. A published figure changed in a copy of
published.yaml (tsp-v1's clock), or a known deviation with its reason removed, also exits 1. Bad
input exits 3, bad usage 2. The numpy search behind the diameters is checked on graphs whose
distances are known by hand.
"""
import csv
import json
import os
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "scripts" / "validate.py"
PY = "/usr/bin/python3"
sys.path.insert(0, str(ROOT / "scripts"))
from lpusimtools.figures import diameter_and_mean, hop_distances  # noqa: E402

from soft_checks import check, failures  # noqa: E402  (tests/python, the script's own folder)


def validate(*args, expect=0, env=None):
    proc = subprocess.run([PY, VALIDATE, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    check(proc.returncode == expect, f"validate.py {' '.join(map(str, args))}: exit {proc.returncode}, expected "
          f"{expect}: {proc.stderr.strip()[:600]}")
    return proc


def shipped(lpusim, work):
    build = pathlib.Path(lpusim).parent
    out_json, out_csv = work / "validate.json", work / "validate.csv"
    proc = validate("--build-dir", build, "--json", out_json, "--csv", out_csv, "--workloads",
                    "examples/workloads/gemm_1280.yaml", "examples/workloads/bert_large_layer.yaml")
    doc = json.loads(out_json.read_text())
    rows = doc["rows"]
    check(doc["failures"] == [], f"failures: {doc['failures']}")
    cons = [r for r in rows if r["section"] == "consistency"]
    check(len(cons) > 100 and all(r["status"] == "agrees" for r in cons),
          f"consistency rows: {len(cons)}, not agreeing: {[r for r in cons if r['status'] != 'agrees'][:2]}")
    configs = {r["config"] for r in cons}
    shipped_files = {str(p.relative_to(ROOT)) for p in list((ROOT / "configs").glob("*.yaml")) +
                     list((ROOT / "configs/systems").glob("*.yaml"))}
    check(configs == shipped_files, f"consistency covers {sorted(configs)}, shipped {sorted(shipped_files)}")

    def row(section, rid, config):
        found = [r for r in rows if r["section"] == section and r["id"] == rid and r["config"] == config]
        check(len(found) == 1, f"no single row {section}/{rid}/{config}")
        return found[0] if found else {}

    tsp = "configs/tsp-v1.yaml"
    r = row("chip", "peak_int8", tsp)
    check(r.get("status") == "match" and abs(r.get("ratio", 0) - 737.28 / 737) < 1e-12, f"peak_int8 row {r}")
    for rid, value in (("sram_capacity", 220 * 2 ** 20), ("c2c_bandwidth_per_direction", 240e9),
                       ("c2c_bandwidth", 480e9), ("peak_fp16", 184.32e12), ("clock", 900e6), ("lanes", 320)):
        r = row("chip", rid, tsp)
        check(r.get("status") == "match" and r.get("lpusim") == value, f"{rid} row {r}")
    r = row("chip", "sram_bandwidth", tsp)
    check(r.get("status") == "known deviation" and r.get("lpusim") == 88 * 2 * 320 * 900e6 and "docs/mem.md" in
          r.get("note", ""), f"sram_bandwidth row {r}")
    r = row("chip", "peak_int8", "configs/tiny.yaml")
    check(r.get("status", "").endswith("(not a reproduction target: ratio only)"), f"tiny is not a target: {r}")
    for system in ("configs/systems/dragonfly-10440.yaml", "configs/systems/dragonfly-10440-global4.yaml"):
        r = row("system", "diameter", system)
        check(r.get("status") == "known deviation" and r.get("lpusim") == 6 and "The 5-hop check" in r.get("note", ""),
              f"{system} diameter {r}")
        r = row("system", "system_chips", system)
        check(r.get("status") == "match" and r.get("lpusim") == 10440, f"{system} chips {r}")
        r = row("system", "latency_bound", system)
        check(r.get("status") == "bound met" and 0 < r.get("lpusim", 9) < 3e-6, f"{system} latency {r}")
        r = row("system", "global_sram", system)
        check(r.get("status") == "bound met" and r.get("lpusim") == 10440 * 220 * 2 ** 20, f"{system} SRAM {r}")
    r = row("system", "chips_per_rack", "configs/systems/rack-72.yaml")
    check(r.get("status") == "match" and r.get("lpusim") == 72, f"rack chips {r}")
    r = row("workload", "gemm_1280", tsp)
    check(r.get("lpusim") == 2 * 1280 ** 3 / (5820 / 900e6) if r else False, f"gemm_1280 row {r}")
    r = row("section 6", "bert_large_4chips", tsp)
    # The layer's predicted cycles as the golden report pins them.
    golden = json.loads((ROOT / "tests/golden/compile/bert_large_layer@tsp-v1.json").read_text())
    check(r.get("status") == "compared (approximate)" and f"{golden['predicted_cycles']:,}" in r.get("formula", ""),
          f"BERT-Large row {r}")
    check(any(x["id"] == "resnet50" and x["status"] == "not compared" for x in rows), "resnet50 row")
    with open(out_csv) as f:
        check(len(list(csv.DictReader(f))) == len(rows), "the CSV's rows differ from the JSON's")
    for text in ("## Chip figures", "## Systems", "## Consistency", "**known deviation**", "**Summary:**"):
        check(text in proc.stdout, f"Markdown lacks {text!r}")


FAKE = '''#!/usr/bin/python3
# A stand-in lpusim for check_validate.py: runs the real one, then tampers with one figure of the
# JSON it wrote (TAMPER = "COMMAND:FILE-SUFFIX:JSON-PATH:FACTOR").
import json, os, subprocess, sys
real = os.environ["LPUSIM_REAL"]
command, suffix, path, factor = os.environ["TAMPER"].split(":")
proc = subprocess.run([real] + sys.argv[1:])
args = sys.argv[1:]
if args and args[0] == command and any(a.endswith(suffix) for a in args) and "--json" in args:
    out = args[args.index("--json") + 1]
    doc = json.load(open(out))
    node = doc
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = node[keys[-1]] * float(factor)
    json.dump(doc, open(out, "w"))
sys.exit(proc.returncode)
'''


def fails(lpusim, work):
    fake_dir = work / "fake"
    fake_dir.mkdir(parents=True, exist_ok=True)
    fake = fake_dir / "lpusim"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    env = {"LPUSIM_REAL": str(pathlib.Path(lpusim).resolve())}
    p = validate("--build-dir", fake_dir, "--configs", "configs/tsp-v1.yaml", "configs/tiny.yaml", "--systems",
                 "--workloads", "none", expect=1, env={**env, "TAMPER": "info:tsp-v1.yaml:figures.peak_int8.value:1.01"})
    check("consistency: peak_int8 of configs/tsp-v1.yaml: lpusim says 744652800000000.0, the config's parameters "
          "give 737280000000000.0" in p.stderr, f"tampered peak_int8 not named: {p.stderr}")
    check("tiny.yaml" not in p.stderr, f"only tsp-v1 was tampered with: {p.stderr}")
    check("**1 DISAGREE**" in p.stdout, "the Markdown does not show the disagreement")
    p = validate("--build-dir", fake_dir, "--configs", "--systems", "configs/systems/node-8.yaml", "--workloads",
                 "none", expect=1, env={**env, "TAMPER": "system:node-8.yaml:diameter:2"})
    check("consistency: diameter of configs/systems/node-8.yaml: lpusim says 2.0" in p.stderr and "give 1.0" in p.stderr,
          f"tampered diameter not named: {p.stderr}")
    # The same stand-in without tampering: passes (the stand-in itself is not what fails).
    validate("--build-dir", fake_dir, "--configs", "configs/tsp-v1.yaml", "--systems", "configs/systems/node-8.yaml",
             "--workloads", "none", env={**env, "TAMPER": "none:none:none:1"})

    build = pathlib.Path(lpusim).parent
    pub = yaml.safe_load((ROOT / "scripts/lpusimtools/published.yaml").read_text())
    changed = json.loads(json.dumps(pub))
    next(e for e in changed["chip"] if e["id"] == "clock")["published"] = 1.0e9
    (work / "pub-clock.yaml").write_text(yaml.safe_dump(changed, sort_keys=False))
    p = validate("--build-dir", build, "--published", work / "pub-clock.yaml", "--configs", "configs/tsp-v1.yaml",
                 "--systems", "--workloads", "none", expect=1)
    check("published: clock of configs/tsp-v1.yaml: lpusim 900 MHz" in p.stderr and "MISMATCH" in p.stdout,
          f"published clock mismatch: {p.stderr}")
    changed = json.loads(json.dumps(pub))
    del next(e for e in changed["system"] if e["id"] == "diameter")["deviation"]
    (work / "pub-nodev.yaml").write_text(yaml.safe_dump(changed, sort_keys=False))
    p = validate("--build-dir", build, "--published", work / "pub-nodev.yaml", "--configs", "--systems",
                 "configs/systems/dragonfly-10440.yaml", "--workloads", "none", "--max-bfs-chips", "0", expect=1)
    check("published: diameter of configs/systems/dragonfly-10440.yaml: lpusim 6 hops" in p.stderr,
          f"diameter without its deviation: {p.stderr}")

    (work / "pub-bad.yaml").write_text("chip: {}\nsystem: []\nworkloads: []\n")
    p = validate("--build-dir", build, "--published", work / "pub-bad.yaml", expect=3)
    check("'chip' must be a list" in p.stderr, f"bad published file: {p.stderr}")
    (work / "pub-dup.yaml").write_text("chip: []\nchip: []\n")
    p = validate("--build-dir", build, "--published", work / "pub-dup.yaml", expect=3)
    check("duplicate key 'chip'" in p.stderr, f"duplicate key: {p.stderr}")
    p = validate("--build-dir", build, "--configs", "configs/nope.yaml", expect=3)
    check("configs/nope.yaml: no such file" in p.stderr, f"missing config: {p.stderr}")
    p = validate("--build-dir", work / "no-build", expect=2)
    check("no lpusim binary" in p.stderr, f"bad build dir: {p.stderr}")
    validate("--max-bfs-chips", "x", expect=2)
    keep = work / "keep.json"
    keep.write_text("untouched")
    validate("--build-dir", build, "--configs", "configs/nope.yaml", "--json", keep, expect=3)
    check(keep.read_text() == "untouched", "a failed run replaced --json")

    # The reference search on graphs known by hand.
    ring = [f"c{i}" for i in range(6)]
    hist, unreachable = hop_distances(ring, [(ring[i], ring[(i + 1) % 6]) for i in range(6)])
    check(hist == {1: 12, 2: 12, 3: 6} and unreachable == 0, f"ring of 6: {hist}")
    check(diameter_and_mean(hist) == (3, 1.8), f"ring of 6: {diameter_and_mean(hist)}")
    path = [f"p{i}" for i in range(70)]  # over 64 chips: more than one word of sources per chip
    hist, unreachable = hop_distances(path, [(path[i], path[i + 1]) for i in range(69)])
    check(hist == {d: 2 * (70 - d) for d in range(1, 70)} and unreachable == 0, f"path of 70: {hist}")
    hist, unreachable = hop_distances(["a", "b", "c", "d"], [("a", "b"), ("c", "d"), ("a", "b")])
    check(hist == {1: 4} and unreachable == 8, f"two pairs (one link doubled): {hist}, {unreachable}")


def main():
    lpusim, work, part = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    work.mkdir(parents=True, exist_ok=True)
    {"shipped": shipped, "fails": fails}[part](lpusim, work)
    print(f"validate.py checked ({part}): {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
