#!/usr/bin/python3
"""Every published figure of the spec beside lpusim's figure for each shipped config.

    scripts/validate.py --build-dir build                      # Markdown table on stdout
    scripts/validate.py --json validate.json --csv validate.csv --workloads none

The published figures (spec ../shared/spec/lpu-architecture.md: peak int8 and fp16, SRAM capacity
and bandwidth, stream and C2C bandwidth, chips per node, rack and system, the system's diameter and
end-to-end latency bound, and section 6's end-to-end results) live with their quotes, sections and
tolerances in one file, scripts/lpusimtools/published.yaml. For each shipped chip config
(configs/*.yaml) and system (configs/systems/*.yaml) the table gives lpusim's figure (`lpusim info
--json`, `lpusim system --json --links`), the ratio lpusim / published and the formula.

Two checks:
  consistency  every figure lpusim derives from a config must equal what the config's parameters
               give by the formula, recomputed here independently (from `lpusim config` and
               `lpusim system --config`; a system's diameter and mean distance by an exact
               breadth-first search over its links in numpy). A disagreement fails.
  published    a figure a config is meant to reproduce (published.yaml: reproduced_by) must be
               within the stated tolerance, or be a known deviation with its reason (shown, never
               failing). Other configs get the ratio only.
Compiled workloads (`--workloads`, default the shipped ones that compile in seconds on tsp-v1) are
set against the published peak and section 6's results where they are comparable, labelled how.

Exit codes: 0 every check passed, 1 a consistency or published check failed (each failure named
on stderr with its figure, config and both values), 2 bad usage, 3 bad input.
"""
import argparse
import csv
import io
import json
import math
import os
import pathlib
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402

from lpusimtools.common import (EXIT_CHECK, EXIT_INPUT, EXIT_USAGE, ROOT, ToolError,  # noqa: E402
                                first_error_line, load_yaml, lpusim_binary, main_guard, run_lpusim)
from lpusimtools import figures as F  # noqa: E402
from lpusimtools.common import atomic_write as write_output  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
PUBLISHED = HERE / "lpusimtools" / "published.yaml"
COLUMNS = ["section", "id", "figure", "config", "published", "lpusim", "unit", "ratio", "compare", "tolerance",
           "status", "kind", "formula", "source", "note"]


def rel(path):
    p = pathlib.Path(path).resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(path)


def decimal(v, unit):
    for k, p in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K"), (1, ""), (1e-3, "m"), (1e-6, "u"),
                 (1e-9, "n")):
        if abs(v) >= k:
            return f"{v / k:.4g} {p}{unit}"
    return f"{v:.4g} {unit}"


def fmt(v, unit=""):
    """A value for the table: counts with separators, capacities in MiB (and TB beside TiB: the spec
    quotes both kinds), rates with decimal prefixes."""
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, str):
        return v
    if unit in ("lanes", "chips", "hops", "cycles") or (float(v).is_integer() and abs(v) < 1e6 and unit != "B"):
        return f"{v:,.0f} {unit}".strip() if float(v).is_integer() else f"{v:,.4g} {unit}".strip()
    if unit == "B" and float(v).is_integer() and int(v) % 2 ** 20 == 0 and v > 0:
        for p, k in (("Ti", 2 ** 40), ("Gi", 2 ** 30), ("Mi", 2 ** 20)):
            if v >= k:
                binary = f"{v / k:.4g} {p}B"
                return binary if p == "Mi" else f"{decimal(v, 'B')} ({binary})"
    if unit == "B/s" and float(v).is_integer() and int(v) % 2 ** 40 == 0 and v > 0:
        return f"{decimal(v, unit)} ({v / 2 ** 40:.4g} TiB/s)"
    return decimal(v, unit)


# ---------------------------------------------------------------------------------------------
# the published data file


def load_published(path):
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise ToolError(f"{path}: expected a mapping with chip, system, workloads")
    for section in ("chip", "system", "workloads"):
        entries = doc.get(section)
        if not isinstance(entries, list):
            raise ToolError(f"{path}: '{section}' must be a list")
        for i, e in enumerate(entries):
            where = f"{path}: {section}[{i}]"
            if not isinstance(e, dict) or "id" not in e or "published" not in e:
                raise ToolError(f"{where}: needs at least id and published")
            if not isinstance(e["published"], (int, float)):
                raise ToolError(f"{where} ({e['id']}): published must be a number, got {e['published']!r}")
            if section != "workloads":
                if e.get("compare") not in ("equal", "at_most", "at_least"):
                    raise ToolError(f"{where} ({e['id']}): compare must be equal, at_most or at_least")
                if e.get("kind") not in ("published", "derived", "default"):
                    raise ToolError(f"{where} ({e['id']}): kind must be published, derived or default")
                if e["compare"] == "equal" and not isinstance(e.get("tolerance"), (int, float)):
                    raise ToolError(f"{where} ({e['id']}): an 'equal' comparison needs a numeric tolerance")
                for k in ("figure", "unit", "section", "quote", "source"):
                    if k not in e:
                        raise ToolError(f"{where} ({e['id']}): missing '{k}'")
    return doc


def reproduces(entry, config):
    return rel(config) in [rel(ROOT / p) for p in entry.get("reproduced_by", [])]


def compare(entry, value, config):
    """(ratio, status, failed) of lpusim's value against a published entry."""
    pub = float(entry["published"])
    ratio = value / pub if pub else math.nan
    how = entry["compare"]
    if how == "equal":
        ok = abs(value - pub) <= float(entry["tolerance"]) * abs(pub)
    elif how == "at_most":
        ok = value <= pub
    else:
        ok = value >= pub
    if not reproduces(entry, config):
        return ratio, ("agrees" if ok else "differs") + " (not a reproduction target: ratio only)", False
    if ok:
        return ratio, "match" if how == "equal" else "bound met", False
    if entry.get("deviation"):
        return ratio, "known deviation", False
    return ratio, "MISMATCH", True


def source_text(e):
    return f"spec {e['section']}: \"{e['quote']}\" [{e['source']}]"


# ---------------------------------------------------------------------------------------------
# chip configs


class Validation:
    def __init__(self, exe, published, args):
        self.exe, self.pub, self.args = exe, published, args
        self.rows, self.failures = [], []
        self.consistency = []  # (config, figures checked, disagreements)
        self.compiled = {}

    def fail(self, text):
        self.failures.append(text)

    def add(self, **row):
        self.rows.append({c: row.get(c, "") for c in COLUMNS})

    def check_consistent(self, config, figure, lpusim, expected, formula):
        ok = F.close(lpusim, expected)
        self.add(section="consistency", id=figure, figure=figure, config=rel(config), lpusim=lpusim,
                 published=expected, ratio=lpusim / expected if expected else "", compare="equal",
                 status="agrees" if ok else "DISAGREES", formula=formula,
                 note="'published' here: the figure recomputed from the config's parameters in Python")
        if not ok:
            self.fail(f"consistency: {figure} of {rel(config)}: lpusim says {lpusim!r}, the config's parameters give "
                      f"{expected!r} ({formula})")
        return ok

    def chip(self, config):
        info = F.chip_info(self.exe, config)
        figs = info["figures"]
        expected = F.expected_chip_figures(F.resolved_config(self.exe, config))
        bad = 0
        for name, want in expected.items():
            if name not in figs:
                self.fail(f"consistency: {rel(config)}: `lpusim info --json` has no figure '{name}'")
                bad += 1
                continue
            bad += not self.check_consistent(config, name, float(figs[name]["value"]), float(want),
                                             figs[name]["formula"])
        extra = sorted(set(figs) - set(expected))
        if extra:
            self.fail(f"consistency: {rel(config)}: `lpusim info --json` has figures the Python reference does not "
                      f"check: {', '.join(extra)} (add their formulas to scripts/lpusimtools/figures.py)")
            bad += len(extra)
        self.consistency.append((rel(config), len(expected), bad))
        clock = figs["clock"]["value"]
        for e in self.pub["chip"]:
            if e["figure"] not in figs:
                raise ToolError(f"{self.args.published}: {e['id']}: lpusim info has no figure '{e['figure']}'")
            value = float(figs[e["figure"]]["value"])
            formula = figs[e["figure"]]["formula"]
            if e.get("at_clock_mhz"):
                value *= e["at_clock_mhz"] * 1e6 / clock
                formula += f", at {e['at_clock_mhz']:g} MHz instead of {clock / 1e6:g}"
            ratio, status, failed = compare(e, value, config)
            note = e.get("deviation", "") if status == "known deviation" else e.get("tolerance_why", "")
            self.add(section="chip", id=e["id"], figure=e["figure"], config=rel(config), published=e["published"],
                     lpusim=value, unit=e["unit"], ratio=ratio, compare=e["compare"],
                     tolerance=e.get("tolerance", ""), status=status, kind=e["kind"], formula=formula,
                     source=source_text(e), note=note)
            if failed:
                self.fail(f"published: {e['id']} of {rel(config)}: lpusim {fmt(value, e['unit'])} ({value!r}), "
                          f"published {fmt(e['published'], e['unit'])} ({e['published']!r}), tolerance "
                          f"{e.get('tolerance', 0)} ({source_text(e)})")

    # -----------------------------------------------------------------------------------------
    # systems

    def type_capacity(self, t):
        """sram_capacity of a chip type of a system, by `lpusim info --json` on its resolved parameters
        (the --links file's types[].params: the same for a config file or an inline chip)."""
        doc = {"version": 1, "chip": {}}
        for key, v in t["params"].items():
            node = doc["chip"]
            parts = key.split(".")
            for p in parts[:-1]:
                node = node.setdefault(p, {})
            node[parts[-1]] = v
        with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
            path = pathlib.Path(tmp) / f"{t['name']}.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
            info = F.chip_info(self.exe, path)
            expected = F.expected_chip_figures(F.resolved_config(self.exe, path))
        got = float(info["figures"]["sram_capacity"]["value"])
        return got, float(expected["sram_capacity"]), info["figures"]["sram_capacity"]["formula"]

    def system(self, path):
        figs, links = F.system_figures(self.exe, path, links=True)
        resolved = F.resolved_config(self.exe, path, system=True)
        kind = figs.get("kind")
        topo = links.get("topology", {})
        checked, bad = 0, 0

        def consistent(name, got, want, formula):
            nonlocal checked, bad
            checked += 1
            bad += not self.check_consistent(path, name, float(got), float(want), formula)

        consistent("chips", figs["chips"], F.expected_system_chips(resolved),
                   f"{kind} topology of the system file (docs/system.md, Generated topologies)")
        chip_names = [c["name"] for c in links["chips"]]
        consistent("chips (links file)", len(chip_names), figs["chips"], "chips listed by `lpusim system --links`")
        consistent("links", len(links["links"]), figs["links"], "links listed by `lpusim system --links`")
        diameter, mean, ok_bfs = figs["diameter"], figs["mean_distance"], False
        if figs["chips"] <= self.args.max_bfs_chips:
            ends = [(ln["directions"][0]["from"], ln["directions"][0]["to"]) for ln in links["links"]]
            hist, unreachable = F.hop_distances(chip_names, ends)
            d, m = F.diameter_and_mean(hist)
            consistent("diameter", diameter, d, "hops: exact breadth-first search over the links (numpy)")
            consistent("mean_distance", mean, round(m, 6), "hops over ordered pairs: the same search, rounded "
                       "as lpusim prints it (6 decimals)")
            consistent("unreachable_pairs", figs.get("unreachable_pairs", 0), unreachable, "the same search")
            ok_bfs = True
        per_node = topo.get("chips_per_node") or 0
        per_rack = per_node * (topo.get("nodes_per_rack") or 0)
        if kind == "node":
            consistent("chips_per_node", per_node, resolved["system"]["topology"]["chips"], "topology.chips")
        elif kind in ("rack", "dragonfly"):
            consistent("chips_per_node", per_node, 8, "8 by construction (docs/system.md)")
            consistent("chips_per_rack", per_rack, 72, "9 nodes of 8 (docs/system.md)")
        latencies = [d["latency_ps"] for ln in links["links"] for d in ln["directions"]]
        slowest = max(latencies) if latencies else 0
        sram, sram_formula = 0.0, []
        for t in links["types"]:
            n = sum(1 for c in links["chips"] if c["type"] == t["name"])
            cap, want, formula = self.type_capacity(t)
            consistent(f"sram_capacity of type {t['name']}", cap, want, formula)
            sram += n * cap
            sram_formula.append(f"{n:,} chips x {fmt(cap, 'B')}")
        model = {
            "chips": (figs["chips"], f"chips of the {kind} topology"),
            "chips_per_node": (per_node, "chips of a node (lpusim system --links: topology)"),
            "chips_per_rack": (per_rack, f"{per_node} chips per node x {topo.get('nodes_per_rack')} nodes per rack"),
            "diameter": (diameter, "hops, by search from every chip (lpusim system)"
                         + (", confirmed here by a numpy search" if ok_bfs else "")),
            "latency_bound": (diameter * slowest * 1e-12,
                              f"{diameter} hops x {slowest / 1e3:.1f} ns, the slowest link direction's latency "
                              "(serialisation + cable + SerDes + FEC; lpusim system --links), relaying chips' "
                              "Receive-to-Send time not included"),
            "global_sram": (sram, " + ".join(sram_formula)),
        }
        for e in self.pub["system"]:
            if kind not in e.get("applies_to", []):
                continue
            value, formula = model[e["figure"]]
            ratio, status, failed = compare(e, float(value), path)
            note = e.get("deviation", "") if status == "known deviation" else e.get("note", "")
            self.add(section="system", id=e["id"], figure=e["figure"], config=rel(path), published=e["published"],
                     lpusim=value, unit=e["unit"], ratio=ratio, compare=e["compare"], tolerance=e.get("tolerance", ""),
                     status=status, kind=e["kind"], formula=formula, source=source_text(e), note=note)
            if failed:
                self.fail(f"published: {e['id']} of {rel(path)}: lpusim {fmt(value, e['unit'])}, published "
                          f"{e['compare'].replace('_', ' ')} {fmt(e['published'], e['unit'])} ({source_text(e)})")
        self.consistency.append((rel(path), checked, bad))

    # -----------------------------------------------------------------------------------------
    # workloads

    def compile(self, config, workload, reshape=None):
        """`lpusim compile --report` of a workload (its dimensions first replaced by `reshape`, a map
        old -> new of tensor shape entries); (report, "") or (None, the error). Cached."""
        key = (rel(config), rel(workload), json.dumps(reshape, sort_keys=True))
        if key in self.compiled:
            return self.compiled[key]
        with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
            if reshape:
                doc = load_yaml(workload)
                swap = {int(k): int(v) for k, v in reshape.items()}
                for t in doc["workload"]["tensors"].values():
                    if "shape" in t:
                        t["shape"] = [swap.get(x, x) for x in t["shape"]]
                workload = pathlib.Path(tmp) / pathlib.Path(workload).name
                workload.write_text(yaml.safe_dump(doc, sort_keys=False))
            rep = pathlib.Path(tmp) / "report.json"
            proc = run_lpusim(self.exe, ["compile", "--config", config, "--workload", workload, "-o",
                                         pathlib.Path(tmp) / "p.s", "--report", rep], timeout=self.args.timeout)
            result = (json.loads(rep.read_text()), "") if proc.returncode == 0 and rep.is_file() else (
                None, first_error_line(proc))
        self.compiled[key] = result
        return result

    def workloads(self, chosen):
        peak = self.pub.get("peak_workloads", {})
        config = ROOT / peak.get("config", "configs/tsp-v1.yaml")
        figs = F.chip_info(self.exe, config)["figures"]
        clock = figs["clock"]["value"]
        published_peak = next(e for e in self.pub["chip"] if e["id"] == peak.get("against", "peak_int8"))
        for w in chosen:
            rep, err = self.compile(config, w)
            if rep is None:
                self.add(section="workload", id=pathlib.Path(w).stem, figure="achieved ops/s", config=rel(config),
                         status="not compiled", note=err)
                self.fail(f"workload {rel(w)} on {rel(config)}: does not compile: {err}")
                continue
            seconds = rep["predicted_cycles"] / clock
            achieved = 2 * rep["useful_macs"] / seconds
            self.add(section="workload", id=pathlib.Path(w).stem, figure="achieved int8 ops/s (useful M x K x N)",
                     config=rel(config), published=published_peak["published"], lpusim=achieved, unit="ops/s",
                     ratio=achieved / published_peak["published"], compare="fraction of peak",
                     status="compared", kind="published", source=source_text(published_peak),
                     formula=f"2 x {rep['useful_macs']:,} useful MACs / ({rep['predicted_cycles']:,} predicted cycles "
                             f"/ {clock / 1e6:g} MHz) = {fmt(seconds, 's')}; MXM utilisation of whole tiles "
                             f"{rep['mxm_utilisation']:.3f}",
                     note="a workload's share of the published peak (the compiler's exact prediction, which "
                          "`lpusim run` reproduces)")
        for e in self.pub["workloads"]:
            if "workload" not in e:
                self.add(section="section 6", id=e["id"], published=e["published"], unit=e["unit"],
                         status="not compared", source=f"spec {e['section']}: \"{e['quote']}\" [{e['source']}]",
                         note=e["comparable"])
                continue
            w = ROOT / e["workload"]
            if not any(rel(w) == rel(c) for c in chosen):
                self.add(section="section 6", id=e["id"], published=e["published"], unit=e["unit"],
                         status="skipped", source=f"spec {e['section']}: \"{e['quote']}\" [{e['source']}]",
                         note=f"{rel(w)} not among --workloads")
                continue
            cfg = ROOT / e["config"]
            rep, err = self.compile(cfg, w, e.get("reshape"))
            if rep is None:
                self.fail(f"workload {rel(w)} on {rel(cfg)}: does not compile: {err}")
                continue
            hz = F.chip_info(self.exe, cfg)["figures"]["clock"]["value"]
            value = e.get("repeat", 1) * rep["predicted_cycles"] / hz
            self.add(section="section 6", id=e["id"], figure="end-to-end time", config=rel(cfg),
                     published=e["published"], lpusim=value, unit=e["unit"], ratio=value / e["published"],
                     compare="approaches", status="compared (approximate)",
                     formula=f"{e.get('repeat', 1)} x {rep['predicted_cycles']:,} predicted cycles of {rel(w)}"
                             + (" reshaped" if e.get("reshape") else "") + f" / {hz / 1e6:g} MHz",
                     source=f"spec {e['section']}: \"{e['quote']}\" [{e['source']}]",
                     note=f"{e['model']}; {e['comparable']}")


# ---------------------------------------------------------------------------------------------
# output


def cell_published(r):
    pub = fmt(r["published"], r["unit"])
    return {"at_most": "<= ", "at_least": ">= "}.get(r["compare"], "") + pub


def markdown(v):
    out = io.StringIO()
    w = out.write
    w("# lpusim against the published figures\n\n")
    w(f"Spec: `{v.pub.get('spec')}` (from the repository root); published figures and their sources: "
      f"`{rel(v.args.published)}`. Ratio = lpusim / published. Status: *match* / *bound met* / *MISMATCH* for a "
      "config meant to reproduce the figure (within the stated tolerance), *known deviation* with its reason, "
      "*agrees* / *differs* (ratio only) for the other configs.\n")
    groups = [
        ("chip", "Chip figures (`lpusim info --json`)"),
        ("system", "Systems (`lpusim system --json --links`)"),
        ("workload", "Compiled workloads against the published peak"),
        ("section 6", "Published end-to-end results (spec section 6)"),
    ]
    for section, title in groups:
        rows = [r for r in v.rows if r["section"] == section]
        if not rows:
            continue
        notes = {}

        def ref(text):
            if not text:
                return ""
            notes.setdefault(text, len(notes) + 1)
            return f"[{notes[text]}]"

        w(f"\n## {title}\n\n")
        w("| figure | config | published | lpusim | ratio | status | formula | notes |\n")
        w("| --- | --- | ---: | ---: | ---: | --- | --- | --- |\n")
        for r in rows:
            ratio = f"{r['ratio']:.4f}" if isinstance(r["ratio"], float) and math.isfinite(r["ratio"]) else ""
            status = r["status"].replace(" (not a reproduction target: ratio only)", " (ratio only)")
            if status in ("MISMATCH", "known deviation", "DISAGREES"):
                status = f"**{status}**"
            refs = ref(r["source"]) + ref(r["note"])
            line = (f"| {r['id']} | {r['config']} | {cell_published(r)} | {fmt(r['lpusim'], r['unit'])} | {ratio} | "
                    f"{status} | {r['formula']} | {refs} |")
            w(line.replace("\n", " ") + "\n")
        w("\n")
        for text, n in notes.items():
            w(f"{n}. {text}\n")
    w("\n## Consistency: each config's derived figures against its parameters\n\n")
    w("Recomputed in Python from `lpusim config` / `lpusim system --config` (scripts/lpusimtools/figures.py); "
      "diameters, mean distances and unreachable pairs by an exact numpy search over the links of "
      "`lpusim system --links`; every row is in `--json` / `--csv`.\n\n")
    w("| config | figures checked | result |\n| --- | ---: | --- |\n")
    for cfg, n, bad in v.consistency:
        w(f"| {cfg} | {n} | {'all agree' if not bad else f'**{bad} DISAGREE**'} |\n")
    bad_rows = [r for r in v.rows if r["section"] == "consistency" and r["status"] != "agrees"]
    for r in bad_rows:
        w(f"\n**DISAGREES:** {r['figure']} of {r['config']}: lpusim {r['lpusim']!r}, the parameters give "
          f"{r['published']!r} ({r['formula']})\n")
    matched = sum(r["status"] in ("match", "bound met") for r in v.rows)
    known = sum(r["status"] == "known deviation" for r in v.rows)
    mism = sum(r["status"] == "MISMATCH" for r in v.rows)
    agree = sum(r["status"] == "agrees" for r in v.rows if r["section"] == "consistency")
    dis = len(bad_rows)
    w(f"\n**Summary:** reproduction targets: {matched} match, {known} known deviation(s), {mism} mismatch(es); "
      f"consistency: {agree} figure(s) agree, {dis} disagree.\n")
    return out.getvalue()


def to_csv(rows):
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    wr.writeheader()
    for r in rows:
        wr.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue()


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, as every bad input of the project's tools
        sub = self.prog.partition(" ")[2]  # "plot.py sweep" -> "sweep"
        raise ToolError(f"{sub}: {message}" if sub else message, EXIT_USAGE)


def main():
    ap = Parser(prog="validate.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__[__doc__.index("\n") + 1:],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=str(ROOT / "build"), help="where lpusim is (default: build/)")
    ap.add_argument("--configs", nargs="*", metavar="CONFIG", help="chip configs (default: configs/*.yaml)")
    ap.add_argument("--systems", nargs="*", metavar="SYSTEM", help="system files (default: configs/systems/*.yaml)")
    ap.add_argument("--workloads", nargs="*", metavar="W", help="workloads to compile on tsp-v1 ('none' for none; "
                    "default: published.yaml's peak_workloads, the shipped ones that compile in seconds)")
    ap.add_argument("--published", default=str(PUBLISHED), help="the published figures (default: "
                    "scripts/lpusimtools/published.yaml)")
    ap.add_argument("--json", metavar="FILE", help="also write every row as JSON")
    ap.add_argument("--csv", metavar="FILE", help="also write every row as CSV")
    ap.add_argument("--max-bfs-chips", type=int, default=20000, help="recompute diameters of systems up to this "
                    "many chips (default 20000: all shipped; the 10,440-chip ones take a few seconds each)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds allowed for one workload's compile")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        return e.code
    exe = lpusim_binary(args.build_dir)
    pub = load_published(args.published)
    configs = args.configs if args.configs is not None else sorted(map(str, (ROOT / "configs").glob("*.yaml")))
    systems = args.systems if args.systems is not None else sorted(map(str, (ROOT / "configs/systems").glob("*.yaml")))
    if args.workloads is None:
        workloads = [str(ROOT / w) for w in pub.get("peak_workloads", {}).get("default", [])]
    elif args.workloads == ["none"]:
        workloads = []
    else:
        workloads = args.workloads
    for p in configs + systems + workloads:
        if not pathlib.Path(p).is_file():
            raise ToolError(f"{p}: no such file", EXIT_INPUT)
    if args.max_bfs_chips < 0:
        raise ToolError("--max-bfs-chips must be >= 0", EXIT_USAGE)
    # Configs meant to reproduce published figures first, so the table leads with them.
    targets = {rel(ROOT / p) for e in pub["chip"] + pub["system"] for p in e.get("reproduced_by", [])}
    configs = sorted(configs, key=lambda c: (rel(c) not in targets, rel(c)))
    systems = sorted(systems, key=lambda c: (rel(c) not in targets, rel(c)))
    v = Validation(exe, pub, args)
    for c in configs:
        v.chip(c)
    for s in systems:
        v.system(s)
    if workloads:
        v.workloads(workloads)
    text = markdown(v)
    sys.stdout.write(text)
    if args.json:
        write_output(args.json, json.dumps({"published": rel(args.published), "rows": v.rows,
                                            "failures": v.failures}, indent=1) + "\n")
    if args.csv:
        write_output(args.csv, to_csv(v.rows))
    for f in v.failures:
        print(f"validate.py: FAIL {f}", file=sys.stderr)
    return EXIT_CHECK if v.failures else 0


if __name__ == "__main__":
    main_guard(main)
