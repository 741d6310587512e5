#!/usr/bin/python3
"""CTest campaign.*: scripts/campaign.py end to end, on small campaigns (about 20 s).

    check_campaign.py LPUSIM_BUILD_DIR WORK_DIR

1. SRAM: the quantised GEMM layer on tiny, SEC-DED and no ECC at a low and a high upset rate.
   The table is consistent: every point has its inferences, the outcomes add up, each outcome
   follows from its run's counters and outputs (sdc: outputs differ and nothing detected; due:
   something detected or the run stopped; clean: nothing flipped), the rates per million are
   count / n x 1e6 inside their Clopper-Pearson interval, which equals scipy's beta quantiles
   (an independent reference). The physics: no SDC with SEC-DED at 1e-9 while no ECC at 1e-6
   corrupts outputs; SEC-DED corrects at 1e-6. A row is what lpusim reports: one inference run
   again by hand gives the same counters and the same mismatch. Same spec, same files (run twice,
   byte for byte, with 5 inferences); fewer inferences give the first rows of the larger campaign.
2. Links: a 2-chip pipeline (gen_system.py), KP4 and no FEC: without FEC at a BER of 1e-2 the
   outputs are corrupted silently, KP4 corrects them; the link counters add up. SRAM upsets in
   the system's chips are corrected.
3. Bad input: a spec with an unknown key or a bad rate exits 3 naming the key; bad flags exit 2.
"""
import csv
import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np
from scipy.stats import beta

ROOT = pathlib.Path(__file__).resolve().parents[2]
CAMPAIGN = ROOT / "scripts" / "campaign.py"
PYTHON = sys.executable
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def campaign(build, spec, out, *extra):
    cmd = [PYTHON, str(CAMPAIGN), str(spec), "--out", str(out), "--build-dir", str(build), "--jobs", "2",
           "--no-progress", *map(str, extra)]
    return subprocess.run(cmd, capture_output=True, text=True)


def rows_of(out):
    with open(out / "runs.csv") as f:
        return list(csv.DictReader(f))


def cp(k, n, conf=0.95):
    a = (1 - conf) / 2
    lo = 0.0 if k == 0 else beta.ppf(a, k, n - k + 1)
    hi = 1.0 if k == n else beta.ppf(1 - a, k + 1, n - k)
    return lo, hi


def check_table(out, n):
    summary = json.loads((out / "summary.json").read_text())
    rows = rows_of(out)
    for p in summary["points"]:
        mine = [r for r in rows if r["point"] == p["point"]]
        check(len(mine) == n == p["inferences"], f"{p['point']}: {len(mine)} runs, {p['inferences']} counted, {n} asked")
        check(sorted(int(r["seed"]) for r in mine) == list(range(1, n + 1)), f"{p['point']}: seeds 1..{n}")
        outcomes = ("clean", "corrected", "masked", "due", "sdc")
        check(sum(p[o] for o in outcomes) == n, f"{p['point']}: outcomes add up to {n}")
        for o in outcomes:
            check(p[o] == sum(r["outcome"] == o for r in mine), f"{p['point']}: {o} count")
        for o in ("sdc", "due"):
            lo, hi = cp(p[o], n)
            check(abs(p[f"{o}_per_million"] - p[o] / n * 1e6) < 1e-6, f"{p['point']}: {o} per million")
            check(abs(p[f"{o}_per_million_lo"] - lo * 1e6) < 1e-3 and abs(p[f"{o}_per_million_hi"] - hi * 1e6) < 1e-3,
                  f"{p['point']}: {o} interval {p[f'{o}_per_million_lo']}..{p[f'{o}_per_million_hi']} against scipy "
                  f"{lo * 1e6}..{hi * 1e6}")
    for r in rows:
        c = {k: int(v) for k, v in r.items() if k.startswith(("sram_", "link_")) or k == "mismatched_elements"}
        detected = c["sram_detected"] + c["link_uncorrectable"]
        silent = c["sram_miscorrected"] + c["sram_undetected"] + c["link_miscorrected"] + \
            c["link_unprotected_bit_errors"]
        o = r["outcome"]
        what = f"row {r['point']} seed {r['seed']} ({o})"
        check(c["sram_words_with_errors"] == c["sram_corrected"] + c["sram_detected"] + c["sram_miscorrected"] +
              c["sram_undetected"], f"{what}: SRAM outcomes add up")
        if o == "sdc":
            check(c["mismatched_elements"] > 0 and detected == 0 and r["status"] == "ok", f"{what}: silent and wrong")
        elif o == "due":
            check(detected > 0 or r["status"] == "failed", f"{what}: something detected")
        else:
            check(c["mismatched_elements"] == 0 and detected == 0, f"{what}: outputs exact, nothing detected")
        if o == "clean":
            check(c["sram_words_with_errors"] == 0 and c["link_corrected"] == 0 and silent == 0, f"{what}: no errors")
    return summary, rows


def run_and_check(build, spec, out, n, label):
    """Runs the campaign of `spec` into `out` and checks its table of `n` inferences per point;
    (summary, rows), or None if it failed."""
    proc = campaign(build, spec, out)
    check(proc.returncode == 0, f"{label} campaign: exit {proc.returncode}: {proc.stderr[-2000:]}")
    return None if proc.returncode else check_table(out, n)


def point(summary, kind, scheme, rate):
    return next(p for p in summary["points"] if p["kind"] == kind and p["scheme"] == scheme and p["rate"] == rate)


def sram_campaign(build, work):
    spec = work / "sram.yaml"
    spec.write_text(f"""campaign:
  name: test-sram
  workload: {ROOT}/examples/gemm/gemm_bias_relu_requant.yaml
  config: {ROOT}/configs/tiny.yaml
  inferences: 16
  sram:
    rates: [1e-9, 1e-6]
    ecc: [secded, none]
    policy: poison
""")
    out = work / "sram"
    result = run_and_check(build, spec, out, 16, "SRAM")
    if not result:
        return
    summary, rows = result
    check(point(summary, "sram", "secded", 1e-9)["sdc"] == 0, "SEC-DED at 1e-9: no SDC")
    check(point(summary, "sram", "none", 1e-6)["sdc"] > 0, "no ECC at 1e-6: SDC")
    check(point(summary, "sram", "secded", 1e-6)["mean_sram_corrected"] > 0, "SEC-DED at 1e-6 corrects")
    check(point(summary, "sram", "none", 1e-6)["mean_sram_corrected"] == 0, "no ECC corrects nothing")
    for name in ("summary.md", "summary.csv", "runs.jsonl", "sram.png", "sram.svg"):
        check((out / name).is_file() and (out / name).stat().st_size > 0, f"{name} written")
    check((out / "sram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "sram.png is a PNG")
    check("| SRAM upsets / bit / cycle | secded | 1e-09 | 16 | 0 |" in (out / "summary.md").read_text(),
          "the Markdown table's SEC-DED 1e-9 row")
    rerun_one(build, out, rows, summary)
    # 5 inferences are the first 5 rows of each point; twice, the same files.
    for d in ("sram-5", "sram-5-again"):
        fewer = campaign(build, spec, work / d, "--inferences", 5)
        check(fewer.returncode == 0, f"--inferences 5: {fewer.stderr[-500:]}")
    check(rows_of(work / "sram-5") == [r for r in rows if int(r["seed"]) <= 5], "5 inferences: the first rows of 16")
    for name in ("runs.csv", "runs.jsonl", "summary.csv", "summary.json", "summary.md", "sram.svg", "sram.png"):
        check((work / "sram-5-again" / name).read_bytes() == (work / "sram-5" / name).read_bytes(),
              f"{name} deterministic")


def rerun_one(build, out, rows, summary):
    """The first SDC row of no ECC at 1e-6, run by hand: lpusim's counters and the mismatch are the row's."""
    r = next(r for r in rows if r["outcome"] == "sdc")
    work = out / "work"
    cmd = [str(build / "lpusim"), "run", "--config", str(work / "config-none.yaml"), "--program",
           str(work / "program.s")]
    for npy in sorted((work / "inputs").glob("*.npy")):
        cmd += ["--load", f"{npy.stem}={npy}"]
    cmd += ["--sram-faults", f"rate={r['rate']},seed={r['seed']},policy=poison", "--stats", str(out / "one.json"),
            "--dump", f"Z={out / 'one-Z.npy'}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    check(proc.returncode == 0, f"the hand run: {proc.stderr}")
    f = json.loads((out / "one.json").read_text())["sram_faults"]
    for k in ("words_with_errors", "bits_flipped", "corrected", "detected", "miscorrected", "undetected"):
        check(int(r["sram_" + k]) == f[k], f"hand run {k}: {f[k]}, row {r['sram_' + k]}")
    z, ref = np.load(out / "one-Z.npy"), np.load(work / "reference" / "Z.npy")
    check(int((z != ref).sum()) == int(r["mismatched_elements"]), "hand run: the same elements differ")


def link_campaign(build, work):
    gen = subprocess.run([PYTHON, str(ROOT / "examples" / "system" / "gen_system.py"), "pipeline", "--chips", "2",
                          "--batches", "2", "--out", str(work / "pipe2")], capture_output=True, text=True)
    check(gen.returncode == 0, f"gen_system.py: {gen.stderr}")
    spec = work / "links.yaml"
    spec.write_text("""campaign:
  name: test-links
  system: {run: pipe2/run.json}
  inferences: 8
  links:
    bers: [1e-2]
    fec: [kp4, none]
  sram:
    rates: [1e-6]
    ecc: [secded]
""")
    out = work / "links"
    result = run_and_check(build, spec, out, 8, "link")
    if not result:
        return
    summary, _ = result
    kp4, none = point(summary, "link", "kp4", 1e-2), point(summary, "link", "none", 1e-2)
    check(kp4["sdc"] == 0 and kp4["corrected"] + kp4["due"] == 8 and kp4["mean_link_corrected"] > 0,
          "KP4 at 1e-2: corrected, never silent")
    check(none["sdc"] > 0 and none["mean_link_unprotected_bit_errors"] > 0, "no FEC at 1e-2: silent corruption")
    check((out / "links.png").is_file() and (out / "links.svg").is_file(), "links figures")
    check(point(summary, "sram", "secded", 1e-6)["mean_sram_corrected"] > 0, "SRAM upsets in every chip of a system")


def bad_input(build, work):
    cases = [("campaign:\n  name: x\n  inferences: 2\n  workload: w.yaml\n  config: c.yaml\n  sram: {rates: [1e-9], "
              "ecc: [secded]}\n  shots: 3\n", 3, "campaign.shots: unknown key"),
             (f"campaign:\n  name: x\n  inferences: 2\n  workload: {ROOT}/examples/gemm/gemm_bias_relu_requant.yaml\n"
              f"  config: {ROOT}/configs/tiny.yaml\n  sram: {{rates: [0.5], ecc: [secded]}}\n", 3,
              "campaign.sram.rates[0]: 0.5 is out of range [0, 0.01]"),
             (f"campaign:\n  name: x\n  inferences: 2\n  workload: {ROOT}/examples/gemm/gemm_bias_relu_requant.yaml\n"
              f"  config: {ROOT}/configs/tiny.yaml\n  sram: {{rates: [1e-9], ecc: [hamming]}}\n", 3,
              "campaign.sram.ecc[0]: 'hamming' is not one of secded, none"),
             (f"campaign:\n  name: x\n  inferences: 2\n  workload: {ROOT}/examples/gemm/gemm_bias_relu_requant.yaml\n"
              f"  config: {ROOT}/configs/tiny.yaml\n  links: {{bers: [1e-3], fec: [kp4]}}\n", 3,
              "campaign.links: link bit errors need a system")]
    for i, (text, code, message) in enumerate(cases):
        spec = work / f"bad{i}.yaml"
        spec.write_text(text)
        proc = campaign(build, spec, work / f"bad{i}")
        check(proc.returncode == code and message in proc.stderr and "Traceback" not in proc.stderr,
              f"bad spec {i}: exit {proc.returncode}, {proc.stderr.strip()}")
        check(not (work / f"bad{i}" / "summary.csv").exists(), f"bad spec {i}: no table")
    proc = campaign(build, work / "bad0.yaml", work / "badjobs", "--jobs", 0)
    check(proc.returncode == 2 and "--jobs: 0" in proc.stderr, f"--jobs 0: exit {proc.returncode} {proc.stderr}")
    # The shipped example spec reads (its campaign is the worked example of docs/faults.md).
    sys.path.insert(0, str(ROOT / "scripts"))
    from lpusimtools.campaign_spec import read_spec
    example = read_spec(ROOT / "examples" / "campaigns" / "gemm-tiny.yaml")
    check(example.sram["ecc"] == ["secded", "none"] and example.inferences == 400, "examples/campaigns/gemm-tiny.yaml")
    proc = subprocess.run([PYTHON, str(CAMPAIGN), "--help"], capture_output=True, text=True)
    check(proc.returncode == 0 and "scripts/campaign.py SPEC.yaml --out DIR" in proc.stdout, "--help")


def main():
    build, work = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sram_campaign(build, work)
    link_campaign(build, work)
    bad_input(build, work)
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("campaign: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
