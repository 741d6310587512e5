#!/usr/bin/python3
"""Fault campaign: silent data corruption per million inferences of a workload against the fault
rate, for SRAM upsets under each ECC scheme and for C2C link bit errors under each FEC kind.

    scripts/campaign.py SPEC.yaml --out DIR [--build-dir build] [--jobs N] [--inferences N]
    scripts/campaign.py docs/figures/campaign-gemm-tiny.yaml --out build/campaign   # docs/faults.md

The workload is a compiled example workload on one chip (`lpusim compile`, then `lpusim run`) or a
system program (`lpusim run --system`). The spec (format: scripts/lpusimtools/campaign_spec.py)
lists SRAM upset rates and ECC schemes (`lpusim run --sram-faults`, chip.mem.ecc), and for a system
link bit error rates and FEC kinds (the system file's link_defaults). First the fault-free run gives
the reference outputs (and every ECC variant must reproduce them without faults); then every point
(rate x scheme, BER x FEC) runs N inferences with seeds seed .. seed + N - 1, in parallel (a process
pool, a progress bar on a terminal), each compared bit for bit against the reference. An inference is

  due        a detected uncorrectable error: the ECC or FEC flagged data (policy poison: counted,
             the run went on; policy fail: the run stopped), or the run stopped on any error the
             faults caused (an address out of range, an unreadable fetched instruction)
  sdc        silent data corruption: nothing detected, and an output differs from the reference
  masked     errors the code did not catch (miscorrected or undetected) but the outputs are exact
  corrected  errors, all corrected; outputs exact
  clean      no flipped bit was read

OUT gets runs.csv and runs.jsonl (one row per inference: its outcome and counters), summary.csv,
summary.json and summary.md (one row per point: counts of each outcome, of runs that stopped and of
inferences whose outputs differ detected or not, SDC and DUE per million inferences with
Clopper-Pearson intervals at the spec's confidence, mean counters), and sram.png/.svg and links.png/.svg (log-log,
SDC and DUE per million against the rate), each written atomically; OUT/work holds the compiled
program, inputs, reference outputs and the config variants. Same spec and seeds: the same files.
Exit codes: 0 done, 1 the fault-free run failed or an ECC variant changed the outputs, 2 bad usage,
3 a bad spec or input file.
"""
import argparse
import concurrent.futures
import copy
import csv
import io
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lpusimtools.binomial import clopper_pearson  # noqa: E402
from lpusimtools.campaign_spec import read_spec  # noqa: E402
from lpusimtools.common import (EXIT_CHECK, EXIT_INPUT, EXIT_USAGE, ToolError, atomic_output,  # noqa: E402
                                atomic_write, first_error_line, load_yaml, lpusim_binary, main_guard,
                                run_lpusim, set_path, stable_hash)

OUTCOMES = ("clean", "corrected", "masked", "due", "sdc")
COUNTERS = ("sram_words_with_errors", "sram_bits_flipped", "sram_corrected", "sram_detected", "sram_miscorrected",
            "sram_undetected", "link_codewords", "link_corrected", "link_uncorrectable", "link_miscorrected",
            "link_vectors_poisoned", "link_unprotected_bit_errors")
RUN_COLUMNS = ("point", "kind", "scheme", "rate", "seed", "status", "outcome", "mismatched_elements") + COUNTERS + (
    "error",)
TIMEOUT_FACTOR, TIMEOUT_MIN_S = 50, 60  # a run is given 50x the reference's wall time, at least 60 s


# ------------------------------------------------------------------ preparing the reference

def write_yaml(path, doc):
    atomic_write(path, yaml.safe_dump(doc, sort_keys=False))


def ecc_variant(config_doc, scheme, data_bits):
    doc = copy.deepcopy(config_doc)
    set_path(doc, "chip.mem.ecc.scheme", scheme)
    if data_bits is not None:
        set_path(doc, "chip.mem.ecc.data_bits", data_bits)
    return doc


def checked(proc, what):
    if proc.returncode != 0:
        raise ToolError(f"{what} failed: {first_error_line(proc)}", EXIT_CHECK if proc.returncode == 1 else
                        EXIT_INPUT)
    return proc


def prepare_chip(spec, exe, work):
    """Compiles the workload; returns the run arguments of each ECC variant and the outputs."""
    wl = load_yaml(spec.workload)
    outputs = (wl.get("workload") or {}).get("outputs") if isinstance(wl, dict) else None
    if not outputs or not all(isinstance(o, str) for o in outputs):
        raise ToolError(f"{spec.workload}: workload.outputs: no outputs to compare")
    checked(run_lpusim(exe, ["compile", "--config", spec.config, "--workload", spec.workload, "-o",
                             work / "program.s", "--inputs", work / "inputs", "--report", work / "compile.json"]),
            f"lpusim compile of {spec.workload}")
    loads = []
    for npy in sorted((work / "inputs").glob("*.npy")):
        loads += ["--load", f"{npy.stem}={npy}"]
    base = ["run", "--program", work / "program.s"] + loads
    variants = {"reference": base + ["--config", spec.config]}
    config_doc = load_yaml(spec.config)
    for scheme in (spec.sram or {}).get("ecc", []):
        path = work / f"config-{scheme}.yaml"
        write_yaml(path, ecc_variant(config_doc, scheme, spec.sram["data_bits"]))
        variants[scheme] = base + ["--config", path]
    dumps = [(name, name) for name in outputs]
    return variants, dumps


def system_doc(spec):
    """The system file with its chip configs' paths made absolute."""
    doc = load_yaml(spec.system["file"])
    types = (doc.get("system") or {}).get("types") if isinstance(doc, dict) else None
    if not isinstance(types, dict):
        raise ToolError(f"{spec.system['file']}: system.types: missing (lpusim run --system would say why)")
    for t in types.values():
        if isinstance(t, dict) and isinstance(t.get("config"), str):
            t["config"] = str((spec.system["file"].parent / t["config"]).resolve())
    for i, link in enumerate(doc["system"].get("links") or []):
        for key in ("ber", "fec", "seed"):
            if spec.links and isinstance(link, dict) and key in link:
                raise ToolError(f"{spec.system['file']}: system.links[{i}].{key}: the campaign sets every link's "
                                f"{key} (link_defaults); remove it")
    set_path(doc, "system.link_defaults.ber", 0.0)
    return doc


def system_ecc_variant(doc, scheme, data_bits, work):
    doc = copy.deepcopy(doc)
    for name, t in doc["system"]["types"].items():
        if isinstance(t, dict) and "config" in t:
            path = work / f"type-{name}-{scheme}.yaml"
            write_yaml(path, ecc_variant(load_yaml(t["config"]), scheme, data_bits))
            t["config"] = str(path)
        elif isinstance(t, dict) and isinstance(t.get("chip"), dict):
            t["chip"] = ecc_variant({"chip": t["chip"]}, scheme, data_bits)["chip"]
    return doc


def prepare_system(spec, exe, work):
    doc = system_doc(spec)
    loads = []
    for chip, name, path in spec.system["load"]:
        loads += ["--load", f"{chip}:{name}={path}"]
    base = ["--programs", spec.system["programs"]] + loads

    def variant(d, name):
        path = work / f"system-{name}.yaml"
        write_yaml(path, d)
        return ["run", "--system", path] + base

    variants = {"reference": variant(doc, "reference")}
    for scheme in (spec.sram or {}).get("ecc", []):
        variants[scheme] = variant(system_ecc_variant(doc, scheme, spec.sram["data_bits"], work), scheme)
    dumps = [(f"{chip}:{name}", f"{chip}.{name}") for chip, name in spec.system["dump"]]
    return variants, dumps, doc


def dump_args(dumps, directory):
    args = []
    for label, stem in dumps:
        args += ["--dump", f"{label}={directory / (stem + '.npy')}"]
    return args


def reference(exe, variants, dumps, work):
    """The fault-free outputs, and every ECC variant's fault-free run equal to them."""
    ref = work / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    checked(run_lpusim(exe, variants["reference"] + dump_args(dumps, ref)), "the fault-free reference run")
    wall = time.monotonic() - t0
    for name, args in variants.items():
        if name == "reference":
            continue
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            checked(run_lpusim(exe, args + dump_args(dumps, pathlib.Path(tmp))), f"the fault-free run with ECC {name}")
            if any(compare(pathlib.Path(tmp) / (stem + ".npy"), ref / (stem + ".npy")) for _, stem in dumps):
                raise ToolError(f"ECC {name} changed the outputs of the fault-free run", EXIT_CHECK)
    return ref, wall


# ------------------------------------------------------------------ one inference (a worker process)

def compare(path, ref_path):
    """Elements of `path` that differ bit for bit from the reference (all of them if the file is missing or its
    shape or dtype differs)."""
    ref = np.load(ref_path)
    try:
        a = np.load(path)
    except (OSError, ValueError):
        return ref.size
    if a.dtype != ref.dtype or a.shape != ref.shape:
        return ref.size
    if a.size == 0:
        return 0
    return int((a.view(np.uint8).reshape(a.size, -1) != ref.view(np.uint8).reshape(ref.size, -1)).any(axis=1).sum())


def counters(stats):
    out = dict.fromkeys(COUNTERS, 0)
    chips = stats["chips"].values() if "chips" in stats else [stats]
    for chip in chips:
        f = chip.get("sram_faults")
        if f:
            for k in ("words_with_errors", "bits_flipped", "corrected", "detected", "miscorrected", "undetected"):
                out["sram_" + k] += f[k]
    for link in stats.get("links", []):
        for d in ("a_to_b", "b_to_a"):
            fec = link[d]["fec"]
            for k in ("codewords", "corrected", "uncorrectable", "miscorrected", "vectors_poisoned",
                      "unprotected_bit_errors"):
                out["link_" + k] += fec[k]
    return out


def classify(row, failed):
    detected = row["sram_detected"] + row["link_uncorrectable"]
    silent = row["sram_miscorrected"] + row["sram_undetected"] + row["link_miscorrected"] + \
        row["link_unprotected_bit_errors"]
    if failed or detected:
        return "due"
    if row["mismatched_elements"]:
        return "sdc"
    if silent:
        return "masked"
    if row["sram_corrected"] or row["link_corrected"]:
        return "corrected"
    return "clean"


def run_inference(task):
    """Runs one inference of one point; returns its row."""
    row = {"point": task["point"], "kind": task["kind"], "scheme": task["scheme"], "rate": task["rate"],
           "seed": task["seed"], "status": "ok", "error": "", "mismatched_elements": 0}
    row.update(dict.fromkeys(COUNTERS, 0))
    tmp = pathlib.Path(tempfile.mkdtemp(dir=task["tmp"]))
    try:
        args = list(task["args"])
        if task["system"] is not None:  # a link point: this inference's link seeds
            doc = copy.deepcopy(task["system"])
            set_path(doc, "system.link_defaults.seed", task["seed"] << 20)
            write_yaml(tmp / "system.yaml", doc)
            args[args.index("--system") + 1] = tmp / "system.yaml"
        args += ["--stats", tmp / "stats.json"] + dump_args(task["dumps"], tmp)
        proc = run_lpusim(task["exe"], args, timeout=task["timeout"])
        if proc.returncode == 2 or proc.returncode < 0 and proc.returncode != -9:
            # Not a fault's doing (a refused command line, a crash): the campaign stops.
            return {"fatal": f"lpusim {' '.join(map(str, args))}: {first_error_line(proc)}"}
        failed = proc.returncode != 0
        if failed:
            row["status"], row["error"] = "failed", first_error_line(proc)
        else:
            row.update(counters(json.loads((tmp / "stats.json").read_text())))
            row["mismatched_elements"] = sum(compare(tmp / (stem + ".npy"), task["ref"] / (stem + ".npy"))
                                             for _, stem in task["dumps"])
        row["outcome"] = classify(row, failed)
        return row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------ points, tasks and the pool

def points(spec):
    """Every point, in table order: SRAM (scheme, rate), then links (FEC, BER)."""
    out = []
    for scheme in (spec.sram or {}).get("ecc", []):
        for rate in spec.sram["rates"]:
            out.append({"kind": "sram", "scheme": scheme, "rate": rate, "policy": spec.sram["policy"]})
    for fec in (spec.links or {}).get("fec", []):
        for ber in spec.links["bers"]:
            out.append({"kind": "link", "scheme": fec, "rate": ber, "policy": spec.links["policy"]})
    for p in out:
        p["point"] = stable_hash({"campaign": spec.name, "kind": p["kind"], "scheme": p["scheme"],
                                  "rate": p["rate"], "policy": p["policy"]})[:12]
    return out


def tasks(spec, exe, prep, work, timeout):
    variants, dumps, sysdoc, ref = prep
    out = []
    for p in points(spec):
        if p["kind"] == "sram":
            args, system = variants[p["scheme"]], None
        else:
            args, system = variants["reference"], copy.deepcopy(sysdoc)
            set_path(system, "system.link_defaults.ber", p["rate"])
            set_path(system, "system.link_defaults.fec", p["scheme"])
        for i in range(spec.inferences):
            seed = spec.seed + i
            extra = ["--sram-faults", f"rate={p['rate']!r},seed={seed},policy={p['policy']}"] \
                if p["kind"] == "sram" else ["--link-errors", p["policy"]]
            out.append({"exe": str(exe), "args": [str(a) for a in args] + extra, "system": system, "dumps": dumps,
                        "ref": ref, "tmp": work / "tmp", "timeout": timeout, "seed": seed, **p})
    return out


def run_all(todo, jobs, progress):
    from tqdm import tqdm
    rows = [None] * len(todo)
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_inference, t): i for i, t in enumerate(todo)}
        try:
            with tqdm(total=len(todo), unit="run", disable=not progress, file=sys.stderr) as bar:
                for f in concurrent.futures.as_completed(futures):
                    rows[futures[f]] = f.result()
                    if "fatal" in rows[futures[f]]:
                        raise ToolError(rows[futures[f]]["fatal"], EXIT_CHECK)
                    bar.update(1)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return rows


# ------------------------------------------------------------------ the table

def summarise(spec, rows):
    out = []
    by_point = {}
    for r in rows:
        by_point.setdefault(r["point"], []).append(r)
    for p in points(spec):
        runs = by_point[p["point"]]
        n = len(runs)
        s = {"point": p["point"], "kind": p["kind"], "scheme": p["scheme"], "rate": p["rate"],
             "policy": p["policy"], "inferences": n}
        for o in OUTCOMES:
            s[o] = sum(r["outcome"] == o for r in runs)
        s["failed_runs"] = sum(r["status"] == "failed" for r in runs)
        s["wrong_outputs"] = sum(r["mismatched_elements"] > 0 for r in runs)  # detected or not
        for o in ("sdc", "due"):
            lo, hi = clopper_pearson(s[o], n, spec.confidence)
            s[f"{o}_per_million"] = s[o] / n * 1e6
            s[f"{o}_per_million_lo"], s[f"{o}_per_million_hi"] = lo * 1e6, hi * 1e6
        for k in COUNTERS:
            s["mean_" + k] = sum(r[k] for r in runs) / n
        out.append(s)
    return out


def csv_text(rows, columns):
    f = io.StringIO()
    w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r[k] for k in columns})
    return f.getvalue()


def markdown(spec, summary, workload):
    pct = f"{spec.confidence * 100:g} %"
    lines = [f"Campaign `{spec.name}`: {workload}, {spec.inferences} inferences per point (seeds {spec.seed} to "
             f"{spec.seed + spec.inferences - 1}); rates per million inferences with {pct} Clopper-Pearson "
             f"intervals.", "",
             "| faults | code | rate | inferences | SDC | SDC per million [interval] | DUE | DUE per million "
             "[interval] | masked | corrected | clean | mean errors corrected / detected / silent |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in summary:
        what = "SRAM upsets / bit / cycle" if s["kind"] == "sram" else "link pre-FEC BER"
        pre = "sram_" if s["kind"] == "sram" else "link_"
        detected = s["mean_sram_detected"] if s["kind"] == "sram" else s["mean_link_uncorrectable"]
        silent = s["mean_sram_miscorrected"] + s["mean_sram_undetected"] if s["kind"] == "sram" else \
            s["mean_link_miscorrected"] + s["mean_link_unprotected_bit_errors"]
        lines.append(
            f"| {what} | {s['scheme']} | {s['rate']:.3g} | {s['inferences']} | {s['sdc']} | "
            f"{s['sdc_per_million']:.4g} [{s['sdc_per_million_lo']:.4g}, {s['sdc_per_million_hi']:.4g}] | "
            f"{s['due']} | {s['due_per_million']:.4g} [{s['due_per_million_lo']:.4g}, "
            f"{s['due_per_million_hi']:.4g}] | {s['masked']} | {s['corrected']} | {s['clean']} | "
            f"{s['mean_' + pre + 'corrected']:.3g} / {detected:.3g} / {silent:.3g} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the figures

def plot_panel(ax, rows, what, code, confidence):
    """One panel: a series per code, each point with its interval; a point with no event at its upper
    bound as an open downward triangle. Series are nudged sideways so that equal values stay visible."""
    schemes = list(dict.fromkeys(s["scheme"] for s in rows))
    handles = []
    for i, scheme in enumerate(schemes):
        colour, marker = f"C{i}", "osD^<>p*"[i % 8]
        nudge = 10 ** (0.04 * (i - (len(schemes) - 1) / 2))
        series = [s for s in rows if s["scheme"] == scheme]
        x = np.array([s["rate"] * nudge for s in series])
        y = np.array([s[f"{what}_per_million"] for s in series])
        lo = np.array([s[f"{what}_per_million_lo"] for s in series])
        hi = np.array([s[f"{what}_per_million_hi"] for s in series])
        seen = y > 0
        line, = ax.plot(x[seen], y[seen], "-", color=colour, marker=marker, label=f"{code} {scheme}")
        ax.errorbar(x[seen], y[seen], yerr=[y[seen] - lo[seen], hi[seen] - y[seen]], fmt="none", ecolor=colour,
                    capsize=3)
        ax.plot(x[~seen], hi[~seen], "v", color=colour, markerfacecolor="none", markersize=7)
        handles.append(line)
    handles.append(matplotlib_line("v", f"no event seen: the {confidence * 100:g} % upper bound"))
    return handles


def matplotlib_line(marker, label):
    from matplotlib.lines import Line2D
    return Line2D([], [], linestyle="none", marker=marker, color="0.3", markerfacecolor="none", label=label)


def plot(spec, summary, kind, workload, out):
    """SDC and DUE per million inferences against the rate, log-log, side by side, PNG and SVG."""
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "lpusim-campaign"  # the same SVG ids every run
    import matplotlib.pyplot as plt
    rows = [s for s in summary if s["kind"] == kind and s["rate"] > 0]
    if not rows:
        return []
    xlabel = ("SRAM upset rate (per stored bit per cycle)" if kind == "sram" else
              "link pre-FEC bit error rate (per line bit)")
    code = "ECC" if kind == "sram" else "FEC"
    lows = [s[f"{w}_per_million_lo"] for s in rows for w in ("sdc", "due") if s[f"{w}_per_million_lo"] > 0]
    floor = min([1e6 / (10 * spec.inferences)] + [lo / 2 for lo in lows])
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    for ax, what, title in zip(axes, ("sdc", "due"), ("silent data corruption (SDC)",
                                                        "detected uncorrectable error (DUE)")):
        handles = plot_panel(ax, rows, what, code, spec.confidence)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(floor, 3e6)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("inferences affected, per million")
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9, frameon=False)
    fig.suptitle(f"{spec.name}: {workload}, {spec.inferences} inferences per point, "
                 f"{spec.confidence * 100:g} % Clopper-Pearson intervals", fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    written = []
    for ext in ("png", "svg"):
        path = out / f"{'sram' if kind == 'sram' else 'links'}.{ext}"
        with atomic_output(path, "wb") as f:
            fig.savefig(f, format=ext, dpi=120, metadata={"Date": None} if ext == "svg" else {"Software": None})
        written.append(path)
    plt.close(fig)
    return written


# ------------------------------------------------------------------ main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("spec", help="campaign spec (YAML)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--build-dir", default=str(pathlib.Path(__file__).resolve().parents[1] / "build"),
                    help="where lpusim is (default: build/ of this repository)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs in parallel (default: all cores)")
    ap.add_argument("--inferences", type=int, help="inferences per point (overrides the spec's)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args()
    if args.jobs < 1:
        raise ToolError(f"--jobs: {args.jobs} is not a positive number of processes", EXIT_USAGE)
    if args.inferences is not None and not 1 <= args.inferences <= 10**7:
        raise ToolError(f"--inferences: {args.inferences} is out of range [1, 10000000]", EXIT_USAGE)
    return args


def main():
    args = parse_args()
    exe = lpusim_binary(args.build_dir)
    spec = read_spec(args.spec)
    if args.inferences:
        spec.inferences = args.inferences
    out = pathlib.Path(args.out)
    if out.exists() and not out.is_dir():
        raise ToolError(f"--out: {out} is not a directory", EXIT_USAGE)
    work = out / "work"
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    if spec.system:
        variants, dumps, sysdoc = prepare_system(spec, exe, work)
        workload = f"system {spec.system['file'].parent.name}/{spec.system['file'].name}"
    else:
        (variants, dumps), sysdoc = prepare_chip(spec, exe, work), None
        workload = f"{spec.workload.name} on {spec.config.name}"
    ref, wall = reference(exe, variants, dumps, work)
    timeout = max(TIMEOUT_MIN_S, TIMEOUT_FACTOR * wall)
    todo = tasks(spec, exe, (variants, dumps, sysdoc, ref), work, timeout)
    rows = run_all(todo, args.jobs, progress=not args.no_progress and sys.stderr.isatty())
    summary = summarise(spec, rows)
    atomic_write(out / "runs.csv", csv_text(rows, RUN_COLUMNS))
    atomic_write(out / "runs.jsonl", "".join(json.dumps({k: r[k] for k in RUN_COLUMNS}) + "\n" for r in rows))
    columns = list(summary[0].keys())
    atomic_write(out / "summary.csv", csv_text(summary, columns))
    atomic_write(out / "summary.json", json.dumps({"campaign": spec.name, "workload": workload,
                                                   "inferences": spec.inferences, "seed": spec.seed,
                                                   "confidence": spec.confidence, "points": summary}, indent=1) + "\n")
    table = markdown(spec, summary, workload)
    atomic_write(out / "summary.md", table)
    figures = plot(spec, summary, "sram", workload, out) + plot(spec, summary, "link", workload, out)
    shutil.rmtree(work / "tmp", ignore_errors=True)
    print(table, end="")
    print(f"wrote {out}/summary.md, summary.csv, summary.json, runs.csv, runs.jsonl" +
          "".join(f", {p.name}" for p in figures))
    return 0


if __name__ == "__main__":
    main_guard(main)
