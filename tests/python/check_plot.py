#!/usr/bin/python3
"""CTest cli.plot: scripts/plot.py's figures and the data behind them.

    check_plot.py LPUSIM WORKDIR [fixtures|real|errors]   (default: all three)

Every figure kind is drawn from the fixture tables (tests/data/plots, real lpusim results in the
sweep schema) and from outputs of lpusim made here (a GEMM compiled and run on configs/small.yaml
with --stats and --trace; a 4-chip pipeline of examples/system/gen_system.py run with --stats and
--trace). Each must give a PNG (its signature, a non-empty image) and an SVG (XML with an <svg>
root), and its --data must equal what numpy computes from the same table or file, read here with
json/csv rather than plot.py's pandas: the roofline's points and roofs (the peak also from the
config's parameters), the sweep's lines, the scaling's latency, throughput and linear reference,
the links heat map's cells and the timeline's busy time (which must also equal the run's own
busy_cycles). Bad inputs exit 3 (a missing column named with the columns there are, a missing or
non-JSON file, a stats file without links) and bad usage 2, leaving existing outputs untouched.
The same inputs give the same bytes, in one process and another. plot.py runs in this process
(imported once: matplotlib and pandas take a second to import) except where the command line
itself is under test, which runs it as a program.
"""
import contextlib
import importlib.util
import io
import json
import math
import pathlib
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLOT = ROOT / "scripts" / "plot.py"
FIX = ROOT / "tests" / "data" / "plots"
PY = "/usr/bin/python3"
from soft_checks import check, failures  # noqa: E402  (tests/python, the script's own folder)


def close(a, b, rel=1e-9):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)


_spec = importlib.util.spec_from_file_location("plot_script", PLOT)
PLOT_MODULE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(PLOT_MODULE)


def plot(*args, expect=0, program=False):
    """plot.py ARGS, in this process (or as a program): its exit code, stdout and stderr."""
    args = [str(a) for a in args]
    if program:
        proc = subprocess.run([PY, PLOT, *args], capture_output=True, text=True)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    else:
        out_buf, err_buf, argv = io.StringIO(), io.StringIO(), sys.argv
        sys.argv = ["plot.py", *args]
        try:
            with contextlib.redirect_stdout(out_buf), contextlib.redirect_stderr(err_buf):
                try:
                    PLOT_MODULE.main_guard(PLOT_MODULE.main)
                    code = 0
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        finally:
            sys.argv = argv
            PLOT_MODULE.plt.close("all")
        out, err = out_buf.getvalue(), err_buf.getvalue()
    check(code == expect, f"plot.py {' '.join(args)}: exit {code}, expected {expect}: {err.strip()[:300]}")
    return subprocess.CompletedProcess(args, code, out, err)


def check_images(stem):
    png, svg = pathlib.Path(f"{stem}.png"), pathlib.Path(f"{stem}.svg")
    if not check(png.is_file() and svg.is_file(), f"{stem}: PNG or SVG missing"):
        return
    data = png.read_bytes()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{png}: not a PNG")
    w, h = struct.unpack(">II", data[16:24])
    check(300 <= w <= 2400 and 200 <= h <= 2400 and len(data) > 5000, f"{png}: {w}x{h}, {len(data)} bytes")
    try:
        root = ET.parse(svg).getroot()
        check(root.tag.endswith("svg"), f"{svg}: root <{root.tag}>")
    except ET.ParseError as e:
        check(False, f"{svg}: not XML: {e}")


def read_jsonl(path):
    return [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line.strip()]


def run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))}: {proc.stderr}")
    return proc


# ---------------------------------------------------------------------------------------------


def check_roofline_fixture(work):
    rows = [r for r in read_jsonl(FIX / "chip-sweep" / "results.jsonl") if r["status"] == "ok"]
    out = work / "roof"
    plot("roofline", FIX / "chip-sweep", "--color-by", "workload", "--marker-by", "param.chip.mxm.planes", "-o", out,
         "--data", work / "roof.json")
    check_images(out)
    data = json.loads((work / "roof.json").read_text())
    pts = data["points"]
    check(sorted(p["marker"] for p in pts) == sorted(str(r["param.chip.mxm.planes"]) for r in rows),
          "roofline markers are not the planes")
    check(len(pts) == len(rows), f"roofline: {len(pts)} points for {len(rows)} ok rows")
    ops = np.array([2.0 * (r["stats.macs"] + r["stats.macs_fp16"]) for r in rows])
    traffic = np.array([r["stats.sram_bytes_read"] + r["stats.sram_bytes_written"] for r in rows], dtype=float)
    want = sorted(zip(ops / traffic, [r["stats.achieved_ops_per_s"] for r in rows]))
    got = sorted((p["x"], p["y"]) for p in pts)
    check(all(close(a[0], b[0]) and close(a[1], b[1]) for a, b in zip(want, got)),
          f"roofline points {got[:3]}... differ from numpy's {want[:3]}...")
    # One roof set per mxm.planes value; the peak from the parameters, independently of lpusim info.
    planes = sorted({r["param.chip.mxm.planes"] for r in rows})
    peaks = sorted(r["peak_int8"] for r in data["roofs"])
    check(peaks == sorted(2.0 * p * 320 * 320 * 900e6 for p in planes), f"roofline peaks {peaks}")
    for roof in data["roofs"]:
        check(close(roof["sram_bandwidth"], 88 * 2 * 320 * 900e6), f"SRAM roof {roof['sram_bandwidth']}")
        check(close(roof["stream_bandwidth"], 64 * 320 * 900e6), f"stream roof {roof['stream_bandwidth']}")
        check(close(roof["ridge_sram_ops_per_byte"], roof["peak_int8"] / roof["sram_bandwidth"]), "ridge")
    # Same inputs, same bytes, from another process too.
    plot("roofline", FIX / "chip-sweep", "--color-by", "workload", "--marker-by", "param.chip.mxm.planes", "-o",
         work / "roof2", program=True)
    for ext in ("png", "svg"):
        check((work / f"roof.{ext}").read_bytes() == (work / f"roof2.{ext}").read_bytes(), f"roofline {ext} differs "
              "between two runs")


def check_sweep_fixture(work):
    rows = [r for r in read_jsonl(FIX / "chip-sweep" / "results.jsonl") if r["status"] == "ok"]
    out = work / "sweep"
    plot("sweep", FIX / "chip-sweep" / "results.csv", "--x", "param.chip.mxm.planes", "--y",
         "report.mxm_utilisation", "--where", "param.chip.mem.read_latency=6", "-o", out, "--data",
         work / "sweep.json")
    check_images(out)
    data = json.loads((work / "sweep.json").read_text())
    want = {}
    for r in rows:
        if r["param.chip.mem.read_latency"] == 6:
            want.setdefault(pathlib.Path(r["workload"]).stem, []).append((r["param.chip.mxm.planes"],
                                                                          r["report.mxm_utilisation"]))
    got = {ln["series"]: list(zip(ln["x"], ln["y"])) for ln in data["lines"]}
    check(set(got) == set(want), f"sweep series {sorted(got)} vs {sorted(want)}")
    for k, pts in want.items():
        check(sorted(pts) == [(float(x), y) for x, y in got.get(k, [])], f"sweep line {k}: {got.get(k)} vs "
              f"{sorted(pts)}")
    # Two series columns: a line per (workload, planes).
    plot("sweep", FIX / "chip-sweep", "--x", "param.chip.mem.read_latency", "--y", "predicted_cycles", "--series",
         "workload", "--series", "param.chip.mxm.planes", "-o", work / "sweep2", "--data", work / "sweep2.json")
    check(len(json.loads((work / "sweep2.json").read_text())["lines"]) == 6, "sweep2: 6 lines expected")
    # --relative-to: each line over its value at x = 2.
    plot("sweep", FIX / "chip-sweep", "--x", "param.chip.mem.read_latency", "--y", "predicted_cycles", "--series",
         "workload", "--series", "param.chip.mxm.planes", "--relative-to", "2", "-o", work / "sweep3", "--data",
         work / "sweep3.json")
    for ln in json.loads((work / "sweep3.json").read_text())["lines"]:
        w, planes = ln["series"].split(", mxm.planes=")
        base = {r["param.chip.mem.read_latency"]: r["predicted_cycles"] for r in rows
                if pathlib.Path(r["workload"]).stem == w and r["param.chip.mxm.planes"] == int(planes)}
        check(np.allclose(ln["y"], [base[x] / base[2] for x in ln["x"]], rtol=1e-12), f"relative line {ln}")
    plot("sweep", FIX / "chip-sweep", "--x", "param.chip.mem.read_latency", "--y", "predicted_cycles", "--series",
         "workload", "--series", "param.chip.mxm.planes", "--relative-to", "3", "-o", work / "x", expect=3)
    # Rows repeating a point of a line: refused, naming the column to add.
    p = plot("sweep", FIX / "chip-sweep", "--x", "param.chip.mxm.planes", "--y", "predicted_cycles", "-o",
             work / "x", expect=3)
    check("param.chip.mem.read_latency" in p.stderr, f"duplicate points: {p.stderr.strip()}")


def check_scaling_fixture(work):
    rows = read_jsonl(FIX / "system-scaling" / "results.jsonl")
    out = work / "scaling"
    plot("scaling", FIX / "system-scaling", "--series", "param.batches", "-o", out, "--data", work / "scaling.json")
    check_images(out)
    data = json.loads((work / "scaling.json").read_text())
    for s in data["series"]:
        mine = sorted((r for r in rows if str(r["param.batches"]) == s["series"]), key=lambda r: r["chips"])
        chips = np.array([r["chips"] for r in mine], dtype=float)
        lat = np.array([r["simulated_cycles"] / r["clock_mhz"] for r in mine])
        thr = 2.0 * np.array([r["macs"] for r in mine]) / (lat * 1e-6)
        check(list(chips) == s["chips"], f"scaling {s['series']}: chips {s['chips']}")
        check(np.allclose(lat, s["latency_us"], rtol=1e-12), f"scaling {s['series']}: latency {s['latency_us']}")
        check(np.allclose(thr, s["throughput"], rtol=1e-12), f"scaling {s['series']}: throughput")
        check(np.allclose(thr[0] * chips / chips[0], s["ideal_throughput"], rtol=1e-12), "scaling: linear line")
    # Latency from a column in picoseconds (its name says so): end_ps / 1e6 us.
    plot("scaling", FIX / "system-scaling", "--series", "param.batches", "--latency", "stats.end_ps", "-o",
         work / "scaling-ps", "--data", work / "scaling-ps.json")
    s = json.loads((work / "scaling-ps.json").read_text())["series"][0]
    mine = sorted((r for r in rows if str(r["param.batches"]) == s["series"]), key=lambda r: r["chips"])
    check(np.allclose([r["stats.end_ps"] / 1e6 for r in mine], s["latency_us"], rtol=1e-12),
          f"scaling from end_ps: {s['latency_us']}")


# ---------------------------------------------------------------------------------------------


def real_chip_run(lpusim, work):
    """gemm_320 on small: compile --report, run --stats --trace."""
    cfg = ROOT / "configs" / "small.yaml"
    prog, inputs = work / "gemm.s", work / "gemm-in"
    run([lpusim, "compile", "--config", cfg, "--workload", ROOT / "examples/workloads/gemm_320.yaml", "-o", prog,
         "--inputs", inputs, "--report", work / "gemm-report.json"])
    loads = [f"--load={p.stem}={p}" for p in sorted(inputs.glob("*.npy"))]
    run([lpusim, "run", "--config", cfg, "--program", prog, *loads, "--stats", work / "gemm-stats.json", "--trace",
         work / "gemm-trace.json"])
    return cfg, work / "gemm-stats.json", work / "gemm-trace.json"


def check_real_chip(lpusim, work):
    cfg, stats_path, trace_path = real_chip_run(lpusim, work)
    stats = json.loads(stats_path.read_text())
    plot("roofline", stats_path, "--config", cfg, "--build-dir", pathlib.Path(lpusim).parent, "-o", work / "roof-real",
         "--data", work / "roof-real.json")
    check_images(work / "roof-real")
    data = json.loads((work / "roof-real.json").read_text())
    x = 2.0 * (stats["macs"] + stats["macs_fp16"]) / (stats["sram_bytes_read"] + stats["sram_bytes_written"])
    check(len(data["points"]) == 1 and close(data["points"][0]["x"], x) and
          close(data["points"][0]["y"], stats["achieved_ops_per_s"]), f"real roofline point {data['points']}")
    check(close(data["roofs"][0]["peak_int8"], 2.0 * 4 * 64 * 64 * 900e6), f"small's peak {data['roofs'][0]}")
    # A compile report and the stats as one table: a sweep over nothing, but the columns resolve.
    plot("sweep", work / "gemm-report.json", "--x", "workload", "--y", "report.mxm_utilisation", "-o",
         work / "sweep-real")
    check_images(work / "sweep-real")

    # Timeline from the trace: every queue's busy time is its instructions x the period, the
    # stats' busy_cycles; from the stats: its first to last cycle.
    plot("timeline", trace_path, "-o", work / "tl-trace", "--data", work / "tl-trace.json", "--max-queues", "500")
    check_images(work / "tl-trace")
    tl = json.loads((work / "tl-trace.json").read_text())
    period_us = 1.0 / 900.0
    busy = {q["queue"]: q["busy"] for q in tl["queues"]}
    want = {q: s["busy_cycles"] for q, s in stats["queues"].items() if s["busy_cycles"]}
    check(set(busy) == set(want), f"timeline queues {sorted(busy)[:5]} vs stats {sorted(want)[:5]}")
    check(all(abs(busy.get(q, 0) / period_us - c) < 0.01 * c + 1 for q, c in want.items()),
          "timeline busy time differs from the stats' busy_cycles: " +
          ", ".join(f"{q}: {busy.get(q, 0) / period_us:.1f} vs {c}" for q, c in list(want.items())[:4]))
    plot("timeline", stats_path, "-o", work / "tl-stats", "--data", work / "tl-stats.json")
    check_images(work / "tl-stats")
    tl = json.loads((work / "tl-stats.json").read_text())
    for q in tl["queues"]:
        s = stats["queues"][q["queue"]]
        check(q["intervals"] == [[s["first_cycle"], s["last_cycle"] + 1]] and q["busy"] == s["busy_cycles"],
              f"timeline from stats, {q['queue']}: {q}")


def check_real_system(work):
    out = work / "pipe4"
    lpusim = sys.argv[1]
    run([PY, ROOT / "examples/system/gen_system.py", "pipeline", "--chips", "4", "--out", out, "--lpusim", lpusim])
    spec = json.loads((out / "run.json").read_text())
    loads = [f"--load={c}:{n}={out / f}" for c, n, f in spec["load"]]
    run([lpusim, "run", "--system", out / "system.yaml", "--programs", out / "programs", *loads, "--stats",
         out / "stats.json", "--trace", out / "trace.json"])
    stats = json.loads((out / "stats.json").read_text())
    chips = list(stats["chips"])
    plot("links", out / "stats.json", "-o", work / "links", "--data", work / "links.json")
    check_images(work / "links")
    m = json.loads((work / "links.json").read_text())
    want = np.full((len(chips), len(chips)), np.nan)
    for ln in stats["links"]:
        a, b = chips.index(ln["a"].split()[0]), chips.index(ln["b"].split()[0])
        want[a, b], want[b, a] = ln["a_to_b"]["utilisation"], ln["b_to_a"]["utilisation"]
    got = np.array([[np.nan if v is None else v for v in row] for row in m["matrix"]], dtype=float)
    check(m["chips"] == chips and np.allclose(got, want, equal_nan=True), f"links matrix {got} vs {want}")
    plot("links", out / "stats.json", "--layout", "ports", "--metric", "bytes", "-o", work / "links-ports", "--data",
         work / "links-ports.json")
    check_images(work / "links-ports")
    p = json.loads((work / "links-ports.json").read_text())
    sent = {ln["a"]: ln["a_to_b"]["bytes"] for ln in stats["links"]}
    sent.update({ln["b"]: ln["b_to_a"]["bytes"] for ln in stats["links"]})
    for i, c in enumerate(p["chips"]):
        for j, port in enumerate(p["ports"]):
            v = p["matrix"][i][j]
            check((v is None and f"{c} {port}" not in sent) or v == sent.get(f"{c} {port}"),
                  f"links ports {c} {port}: {v} vs {sent.get(f'{c} {port}')}")
    plot("links", out / "stats.json", "--metric", "fec.codewords", "-o", work / "links-fec")
    plot("timeline", out / "trace.json", "-o", work / "tl-sys", "--data", work / "tl-sys.json")
    check_images(work / "tl-sys")
    procs = {q["process"] for q in json.loads((work / "tl-sys.json").read_text())["queues"]}
    check(len(procs) == 5, f"system timeline: processes {sorted(procs)} (4 chips and the links expected)")
    plot("timeline", out / "trace.json", "--chip", "c2", "-o", work / "tl-c2", "--data", work / "tl-c2.json")
    procs = {q["process"] for q in json.loads((work / "tl-c2.json").read_text())["queues"]}
    check(len(procs) == 1, f"--chip c2: processes {procs}")
    plot("timeline", out / "stats.json", "--chip", "c1", "-o", work / "tl-c1")
    check_images(work / "tl-c1")
    return out / "stats.json"


def check_sweep_dir(lpusim, work, system_stats):
    """A sweep's directory without info.* columns: the roofs come from the configs its sweep.json
    lists (lpusim info --json of each). A system point's row: plot.py links from its stats.* columns
    gives the matrix the stats file gives."""
    d = work / "sweep-dir"
    (d / "configs").mkdir(parents=True, exist_ok=True)
    rows = [r for r in read_jsonl(FIX / "chip-sweep" / "results.jsonl") if r["status"] == "ok"]
    points = []
    for r in rows:
        for k in [k for k in r if k.startswith("info.")]:
            del r[k]
        cfg = f"configs/p{r['param.chip.mxm.planes']}.yaml"
        (d / cfg).write_text(f"version: 1\nchip:\n  name: p\n  geometry: {{superlanes: 20}}\n"
                             f"  mxm: {{planes: {r['param.chip.mxm.planes']}, rows: 320, cols: 320}}\n")
        points.append({"point": r["point"], "config": cfg})
    (d / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (d / "sweep.json").write_text(json.dumps({"points": points}))
    plot("roofline", d, "--build-dir", pathlib.Path(lpusim).parent, "-o", work / "roof-dir", "--data",
         work / "roof-dir.json")
    peaks = sorted(r["peak_int8"] for r in json.loads((work / "roof-dir.json").read_text())["roofs"])
    check(peaks == [2.0 * p * 320 * 320 * 900e6 for p in (2, 4)], f"roofs from sweep.json: {peaks}")
    (d / "sweep.json").write_text(json.dumps({"points": points[1:]}))
    p = plot("roofline", d, "--build-dir", pathlib.Path(lpusim).parent, "-o", work / "x", expect=3)
    check("no roofs" in p.stderr, f"a point without a config: {p.stderr}")

    stats = json.loads(pathlib.Path(system_stats).read_text())
    row = {"point": "abc", "status": "ok", "workload": "system:pipeline", "mode": "run", "chips": 4}
    row.update({f"stats.{k}": v for k, v in PLOT_MODULE.flatten(stats).items()})
    t = work / "system-table"
    t.mkdir(exist_ok=True)
    (t / "results.jsonl").write_text(json.dumps(row) + "\n" + json.dumps({**row, "point": "def"}) + "\n")
    plot("links", t, "--where", "point=abc", "-o", work / "links-row", "--data", work / "links-row.json")
    a = json.loads((work / "links-row.json").read_text())
    b = json.loads((work / "links.json").read_text())
    check(a["chips"] == b["chips"] and a["matrix"] == b["matrix"], "links from a table row differ from the file's")
    p = plot("links", t, "-o", work / "x", expect=3)
    check("2 rows; pick one with --where" in p.stderr, f"two rows: {p.stderr}")


def check_bad_inputs(work, system_stats):
    keep = work / "keep"
    for ext in ("png", "svg"):
        pathlib.Path(f"{keep}.{ext}").write_text("untouched")
    p = plot("sweep", FIX / "chip-sweep", "--x", "param.chip.mxm.plane", "--y", "predicted_cycles", "-o", keep,
             expect=3)
    check("param.chip.mxm.planes" in p.stderr and "'param.chip.mxm.plane'" in p.stderr, f"missing column: {p.stderr}")
    p = plot("scaling", FIX / "system-scaling", "--latency", "nope", "-o", keep, expect=3)
    check("available:" in p.stderr and "simulated_cycles" in p.stderr, f"missing column lists columns: {p.stderr}")
    for ext in ("png", "svg"):
        check(pathlib.Path(f"{keep}.{ext}").read_text() == "untouched", f"a failed run replaced {keep}.{ext}")
    bad = work / "bad.json"
    bad.write_text("{not json")
    p = plot("links", bad, "-o", keep, expect=3)
    check("bad.json:1:2: not JSON" in p.stderr, f"bad JSON: {p.stderr}")
    plot("links", work / "nope.json", "-o", keep, expect=3)
    plot("roofline", work / "nope.csv", "-o", keep, expect=3)
    p = plot("links", FIX / "chip-sweep" / "results.jsonl", "-o", keep, expect=3)
    p = plot("links", work / "gemm-stats.json", "-o", keep, expect=3)
    check("no 'links' list" in p.stderr, f"chip stats to links: {p.stderr}")
    p = plot("links", system_stats, "--metric", "nope", "-o", keep, expect=3)
    check("metrics there:" in p.stderr and "utilisation" in p.stderr, f"bad metric: {p.stderr}")
    p = plot("roofline", FIX / "system-scaling", "-o", keep, expect=3)
    p = plot("timeline", system_stats, "--chip", "zz", "-o", keep, expect=3)
    check("no chip 'zz'" in p.stderr, f"bad chip: {p.stderr}")
    empty = work / "empty.csv"
    empty.write_text("")
    plot("sweep", empty, "--x", "a", "--y", "b", "-o", keep, expect=3)
    p = plot("sweep", FIX / "chip-sweep", "--x", "workload", "--y", "workload", "-o", keep, expect=3)
    check("not a number" in p.stderr, f"non-numeric y: {p.stderr}")
    plot("sweep", FIX / "chip-sweep", "--y", "x", "-o", keep, expect=2)
    plot("bogus", expect=2, program=True)
    plot(expect=2)
    p = plot("sweep", FIX / "chip-sweep", "--x", "nope", "--y", "macs", "-o", keep, expect=3, program=True)
    check(p.stderr.startswith("plot.py: error: no --x column 'nope'") and len(p.stderr.splitlines()) == 1,
          f"a bad column as a program: one line, exit 3: {p.stderr!r}")
    plot("links", system_stats, "-o", keep, "--vmax", "-1", expect=2)
    for kind in ("roofline", "sweep", "scaling", "links", "timeline", "columns"):
        p = plot(kind, "--help")
        check("example" in p.stdout or kind == "columns", f"{kind} --help has no example")
    check(not list(work.glob(".*.tmp")), f"temporary files left: {list(work.glob('.*.tmp'))}")


def main():
    lpusim, work = sys.argv[1], pathlib.Path(sys.argv[2])
    parts = sys.argv[3:] or ["fixtures", "real", "errors"]
    work.mkdir(parents=True, exist_ok=True)
    if "fixtures" in parts:
        check_roofline_fixture(work)
        check_sweep_fixture(work)
        check_scaling_fixture(work)
    if "real" in parts:
        check_real_chip(lpusim, work)
        check_sweep_dir(lpusim, work, check_real_system(work))
    if "errors" in parts:
        if not (work / "pipe4" / "stats.json").is_file() or not (work / "gemm-stats.json").is_file():
            real_chip_run(lpusim, work)
            check_real_system(work)
        check_bad_inputs(work, work / "pipe4" / "stats.json")
    print(f"plot.py checked ({', '.join(parts)}): {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
