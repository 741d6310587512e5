#!/usr/bin/python3
"""Standard figures of lpusim results, each written as PNG and SVG.

    scripts/plot.py roofline sweep-out/ --color-by param.chip.mxm.planes -o figs/roofline
    scripts/plot.py sweep sweep-out/ --x param.chip.mxm.planes --y report.mxm_utilisation -o figs/util
    scripts/plot.py scaling system-sweep/ -o figs/scaling
    scripts/plot.py links stats.json -o figs/links            # from `lpusim run --system ... --stats`
    scripts/plot.py timeline trace.json -o figs/timeline      # from `lpusim run ... --trace` (or --stats)
    scripts/plot.py columns sweep-out/                        # the columns a table has

Figures:
  roofline  achieved ops/s against arithmetic intensity (ops per byte of SRAM traffic), one point
            per row, under the config's peak int8 roof and its SRAM- and stream-bandwidth roofs
  sweep     a metric (MXM utilisation, cycles, ...) against a swept parameter, a line per workload
            or per the values of other columns
  scaling   latency and throughput against the number of chips, from a table of system points
  links     every link direction's occupancy of a system run as a heat map (sending x receiving
            chip, or sending chip x C2C port for big systems)
  timeline  each ICU queue's busy time over a run, from its Perfetto trace (exact) or its
            statistics (first to last issue, shaded by utilisation)

A TABLE is a results table of scripts/sweep.py (its output directory, results.jsonl or
results.csv; its columns in docs/sweep.md) or one lpusim JSON output read as a row (`compile
--report`, `run --stats` of a chip, `info --json`); several are concatenated. Rows whose status is
not "ok" are left out (and counted on stderr). `-o OUT` writes OUT.png and OUT.svg atomically;
`--data FILE.json` also writes the plotted points and roofs. Exit codes: 0 written, 2 bad usage,
3 bad input (a missing file or column: the error lists the columns there are).
"""
import argparse
import io
import json
import math
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "lpusim"  # SVG element ids from this, not a random salt: same bytes
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lpusimtools.common import (EXIT_INPUT, EXIT_USAGE, ROOT, ToolError, flatten, lpusim_binary,  # noqa: E402
                                main_guard)
from lpusimtools import tables  # noqa: E402
from lpusimtools.common import atomic_write as write_output  # noqa: E402
from lpusimtools.figures import chip_info  # noqa: E402

# Units of the schema's common columns, for axis labels (docs/exploration.md).
UNITS = {
    "predicted_cycles": "cycles", "simulated_cycles": "cycles", "stats.cycles": "cycles",
    "report.predicted_cycles": "cycles", "clock_mhz": "MHz", "wall_s": "s", "chips": "chips",
    "instructions": "instructions", "macs": "MACs", "stats.macs": "MACs", "report.mxm_macs": "MACs",
    "report.useful_macs": "MACs", "report.mxm_utilisation": "fraction of peak",
    "stats.mxm_utilisation": "fraction of peak", "stats.achieved_ops_per_s": "ops/s",
    "report.sram_bytes": "B", "stats.sram_bytes_read": "B", "stats.sram_bytes_written": "B",
}
PALETTE = plt.get_cmap("tab10").colors


def unit_label(col, unit=None):
    unit = unit or UNITS.get(col)
    if unit is None and col.endswith("utilisation"):
        unit = "fraction"
    return f"{col} ({unit})" if unit else col


def si(v, unit=""):
    """737280000000000 -> '737.3 T' + unit."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g} {unit}".strip()
    exp = min(max(int(math.floor(math.log10(abs(v)) / 3)), -4), 5)
    prefix = {-4: "p", -3: "n", -2: "u", -1: "m", 0: "", 1: "K", 2: "M", 3: "G", 4: "T", 5: "P"}[exp]
    return f"{v / 1000 ** exp:.4g} {prefix}{unit}"


def tick(v, _pos=None):
    """Compact SI tick labels: 2e14 -> 200T, 0.5 -> 0.5, 4096 -> 4096."""
    if v == 0 or not math.isfinite(v):
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:g}"
    exp = min(max(int(math.floor(math.log10(abs(v)) / 3)), -4), 5)
    prefix = {-4: "p", -3: "n", -2: "u", -1: "m", 0: "", 1: "K", 2: "M", 3: "G", 4: "T", 5: "P"}[exp]
    return f"{v / 1000 ** exp:g}{prefix}"


def readable(ax, axis):
    """Tick labels a reader takes in at a glance: SI prefixes instead of 1e12 offsets, and on a log
    axis spanning few decades the 2s and 5s labelled too."""
    a = ax.xaxis if axis == "x" else ax.yaxis
    fmt = matplotlib.ticker.FuncFormatter(tick)
    if a.get_scale() == "log":
        lo, hi = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
        if math.log10(hi / lo) <= 3.5:
            a.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
            a.set_minor_locator(matplotlib.ticker.LogLocator(base=10, subs=tuple(range(1, 10))))
            a.set_minor_formatter(matplotlib.ticker.NullFormatter())
        a.set_major_formatter(fmt)
    else:
        a.set_major_formatter(fmt)


def out_stem(path):
    p = pathlib.Path(path)
    return p.with_suffix("") if p.suffix.lower() in (".png", ".svg") else p


FORMATS = ("png", "svg")


def save(fig, out, data, data_path):
    """OUT.png and OUT.svg (or --formats), each written atomically (rendered in memory first)."""
    stem = out_stem(out)
    rendered = {}
    for ext in FORMATS:
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=110, bbox_inches="tight", metadata=_metadata(ext))
        rendered[ext] = buf.getvalue()
    plt.close(fig)
    for ext, blob in rendered.items():
        write_output(f"{stem}.{ext}", blob)
    if data_path:
        write_output(data_path, json.dumps(data, indent=1, sort_keys=False, default=_jsonable) + "\n")
    print(f"wrote {', '.join(f'{stem}.{ext}' for ext in FORMATS)}" + (f", {data_path}" if data_path else ""))


def _metadata(ext):
    # No creation date or software version in the files: the same inputs give the same bytes.
    return {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}[ext]


def _jsonable(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)


def legend_outside(ax, title=None):
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0,
                  fontsize="small", title_fontsize="small", frameon=False)


def series_labels(df, cols):
    """A line's label: the series columns' values ('gemm_320, mxm.planes=2'); a workload by its name."""
    if not cols:
        return pd.Series([""] * len(df), index=df.index)
    parts = [df[c].map(lambda v, c=c: tidy_value(v) if c == "workload" or len(cols) == 1 else f"{short(c)}={v}")
             for c in cols]
    label = parts[0]
    for p in parts[1:]:
        label = label + ", " + p
    return label


MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-."]


def line_styles(df, keys):
    """Per series label: (colour, marker, linestyle). With two or more series columns the first
    picks the colour and the second the marker and line style, so related lines read as a family."""
    labels = series_labels(df, keys)
    styles = {}
    if len(keys) >= 2:
        first = sorted(df[keys[0]].map(str).unique(), key=_natural)
        second = sorted(df[keys[1]].map(str).unique(), key=_natural)
        for lab, a, b in zip(labels, df[keys[0]].map(str), df[keys[1]].map(str)):
            i, j = first.index(a), second.index(b)
            styles[lab] = (PALETTE[i % len(PALETTE)], MARKERS[j % len(MARKERS)], LINESTYLES[j % len(LINESTYLES)])
    else:
        for i, lab in enumerate(sorted(labels.unique(), key=_natural)):
            styles[lab] = (PALETTE[i % len(PALETTE)], "o", "-")
    return labels, styles


def short(col):
    """param.chip.mxm.planes -> mxm.planes, param.chip.clock_mhz -> clock_mhz: a legend's names."""
    if col.startswith("param."):
        parts = col.split(".")[1:]
        if parts[0] in ("chip", "system") and len(parts) > 1:
            parts = parts[1:]
        return ".".join(parts[-2:])
    return col


def tidy_value(v):
    s = str(v)
    if "/" in s and s.endswith((".yaml", ".yml")):
        return pathlib.Path(s).stem
    return s


def log_scale_wanted(values, mode, axis):
    """'auto': log when every value is positive and they span more than 30x."""
    if mode in ("none",):
        return False
    if mode in ("x", "y", "xy"):
        return axis in mode
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return len(v) > 1 and (v > 0).all() and v.max() / v.min() > 30


# ---------------------------------------------------------------------------------------------
# roofline

ROOFS = ("peak_int8", "sram_bandwidth", "stream_bandwidth")


def roof_sets(df, args):
    """[(label, {peak_int8, sram_bandwidth, stream_bandwidth}, row mask)]: from --config/--info, or
    from the table's info.* columns (one set per distinct combination)."""
    if args.config or args.info:
        if args.info:
            try:
                doc = json.loads(pathlib.Path(args.info).read_text())
            except (OSError, json.JSONDecodeError) as e:
                raise ToolError(f"{args.info}: not an `lpusim info --json` file: {e}")
        else:
            doc = chip_info(lpusim_binary(args.build_dir), args.config)
        figs = doc.get("figures", {}) if isinstance(doc, dict) else {}
        missing = [r for r in ROOFS if r not in figs]
        if missing:
            raise ToolError(f"{args.info or args.config}: no figure {', '.join(missing)} in `lpusim info --json`")
        return [(doc.get("chip", ""), {r: float(figs[r]["value"]) for r in ROOFS}, np.ones(len(df), dtype=bool))]
    cols = {}
    for r in ROOFS:
        for name in (f"info.{r}", f"info.figures.{r}.value"):
            if name in df.columns:
                cols[r] = name
                break
    if len(cols) == len(ROOFS):
        values = pd.DataFrame({r: tables.column(df, c) for r, c in cols.items()})
    else:
        values = roofs_from_sweep_configs(df, args)
    return group_roofs(df, values)


def roofs_from_sweep_configs(df, args):
    """Each row's roofs from its point's config (listed in the sweep's sweep.json) by `lpusim info
    --json`: for tables without info.* columns."""
    configs = tables.sweep_configs(df)
    missing = [p for p in df.get("point", pd.Series([None] * len(df))) if p not in configs]
    if not configs or missing:
        raise ToolError("no roofs: the table has no info.peak_int8, info.sram_bandwidth, info.stream_bandwidth "
                        "columns and no sweep.json naming each point's config; give --config CONFIG or --info "
                        "INFO.json")
    exe = lpusim_binary(args.build_dir)
    info = {}
    rows = []
    for p in df["point"]:
        cfg = configs[p]
        if cfg not in info:
            if not cfg.is_file():
                raise ToolError(f"{cfg}: the config sweep.json names for point {p} is missing")
            figs = chip_info(exe, cfg)["figures"]
            info[cfg] = {r: float(figs[r]["value"]) for r in ROOFS}
        rows.append(info[cfg])
    return pd.DataFrame(rows, index=df.index)


def group_roofs(df, values):
    groups = values.drop_duplicates().reset_index(drop=True)
    if len(groups) > 6:
        raise ToolError(f"the rows have {len(groups)} different sets of roofs (configs); plot at most 6 at once "
                        "(filter with --where COL=VALUE)")
    masks = [(values == g.values).all(axis=1).to_numpy() for _, g in groups.iterrows()]
    # A set's label: the swept parameters that are constant within every set and tell them apart.
    params = [c for c in df.columns if c.startswith("param.") and df[c].nunique() > 1 and
              all(df.loc[m, c].nunique() == 1 for m in masks)]
    sets = []
    for i, (m, (_, g)) in enumerate(zip(masks, groups.iterrows())):
        label = ""
        if len(groups) > 1:
            label = ", ".join(f"{short(c)}={df.loc[m, c].iloc[0]}" for c in params) or f"config {i + 1}"
        sets.append((label, {r: float(g[r]) for r in ROOFS}, m))
    return sets


def cmd_roofline(args):
    df, dropped = load(args)
    macs_col = tables.first_column(df, ["stats.macs", "macs"], "int8 MAC count (stats.macs)")
    macs = tables.column(df, macs_col)
    fp16 = tables.column(df, "stats.macs_fp16") if "stats.macs_fp16" in df.columns else 0
    ops = 2 * (macs + fp16)
    traffic = tables.column(df, "stats.sram_bytes_read") + tables.column(df, "stats.sram_bytes_written")
    achieved = tables.column(df, "stats.achieved_ops_per_s")
    keep = (traffic > 0) & (achieved > 0)
    if not keep.any():
        raise ToolError("no row has both SRAM traffic and MXM work (stats.sram_bytes_* and stats.achieved_ops_per_s "
                        "are 0): nothing to place on a roofline", EXIT_INPUT)
    skipped = int((~keep).sum())
    intensity = ops / traffic.where(traffic > 0)
    sets = roof_sets(df, args)
    x, y = intensity[keep].to_numpy(float), achieved[keep].to_numpy(float)
    fig, ax = plt.subplots(figsize=(8, 5))
    peaks = [s["peak_int8"] for _, s, _ in sets]
    bws = [s["sram_bandwidth"] for _, s, _ in sets] + [s["stream_bandwidth"] for _, s, _ in sets]
    ridge = [s["peak_int8"] / s["sram_bandwidth"] for _, s, _ in sets]
    lo = min(x.min(), min(ridge)) / 4
    hi = max(x.max(), max(s["peak_int8"] / s["stream_bandwidth"] for _, s, _ in sets)) * 4
    xs = np.geomspace(lo, hi, 200)
    roofs_out = []
    for i, (label, s, _) in enumerate(sets):
        style = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3))][i]
        figures = (f"peak {si(s['peak_int8'], 'ops/s')}, SRAM {si(s['sram_bandwidth'], 'B/s')}, streams "
                   f"{si(s['stream_bandwidth'], 'B/s')}")
        ax.plot(xs, np.minimum(s["peak_int8"], s["sram_bandwidth"] * xs), color="black", lw=1.6, ls=style,
                label=f"{label}: {figures}" if label else f"roofs: {figures}")
        ax.plot(xs, np.minimum(s["peak_int8"], s["stream_bandwidth"] * xs), color="tab:gray", lw=1.2, ls=style,
                label="grey: stream-bandwidth roof" + (" (same line style)" if len(sets) > 1 else "")
                if i == 0 else None)
        roofs_out.append({"label": label, **s, "ridge_sram_ops_per_byte": s["peak_int8"] / s["sram_bandwidth"],
                          "ridge_stream_ops_per_byte": s["peak_int8"] / s["stream_bandwidth"]})
    labels, colour_of = point_colours(df[keep], args.color_by)
    shapes, marker_of = point_markers(df[keep], args.marker_by)
    for lab in dict.fromkeys(labels):
        for shape in dict.fromkeys(shapes):
            m = np.array([v == lab and w == shape for v, w in zip(labels, shapes)])
            if m.any():
                ax.scatter(x[m], y[m], s=40, color=colour_of[lab], marker=marker_of[shape], edgecolor="black",
                           linewidth=0.5, zorder=3)
        if args.color_by:
            ax.scatter([], [], s=40, color=colour_of[lab], edgecolor="black", linewidth=0.5, label=lab)
    if args.marker_by:
        for shape in sorted(dict.fromkeys(shapes), key=_natural):
            ax.scatter([], [], s=40, color="white", marker=marker_of[shape], edgecolor="black", linewidth=0.8,
                       label=f"{short(args.marker_by)}={shape}")
    if args.label_by:
        col = tables.column(df, args.label_by, numeric=False)[keep]
        for xi, yi, t in zip(x, y, col):
            ax.annotate(tidy_value(t), (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(min(y.min(), min(bws) * lo) / 2, max(peaks) * 2)
    readable(ax, "x")
    readable(ax, "y")
    ax.set_xlabel("arithmetic intensity (ops per byte of SRAM read + written)")
    ax.set_ylabel("achieved (ops/s: 2 x MACs / run time)")
    ax.set_title(args.title or "Roofline: achieved MXM throughput against SRAM traffic")
    ax.grid(True, which="major", alpha=0.3)
    ax.grid(True, which="minor", alpha=0.1)
    legend_outside(ax)
    note(fig, dropped, skipped)
    points = [{"x": float(a), "y": float(b), "series": lab, "marker": shape, "workload": str(w)}
              for a, b, lab, shape, w in zip(x, y, labels, shapes,
                                             df["workload"][keep] if "workload" in df else [""] * len(x))]
    save(fig, args.output, {"kind": "roofline", "x": "ops per SRAM byte", "y": "ops/s", "points": points,
                            "roofs": roofs_out}, args.data)


def point_colours(df, col):
    if not col:
        return [""] * len(df), {"": PALETTE[0]}
    values = tables.column(df, col, numeric=False).map(tidy_value)
    labels = list(values)
    order = sorted(dict.fromkeys(labels), key=_natural)
    return labels, {lab: PALETTE[i % len(PALETTE)] for i, lab in enumerate(order)}


def point_markers(df, col):
    if not col:
        return [""] * len(df), {"": "o"}
    values = list(tables.column(df, col, numeric=False).map(tidy_value))
    order = sorted(dict.fromkeys(values), key=_natural)
    return values, {v: MARKERS[i % len(MARKERS)] for i, v in enumerate(order)}


def _natural(v):
    try:
        return (0, float(v), "")
    except ValueError:
        return (1, 0.0, v)


def note(fig, dropped, skipped=0, extra=""):
    parts = []
    if dropped:
        parts.append(f"{dropped} failed row(s) left out")
    if skipped:
        parts.append(f"{skipped} row(s) without SRAM traffic or MACs left out")
    if extra:
        parts.append(extra)
    if parts:
        # Below everything (bbox_inches="tight" grows the canvas to it), never on the axes' labels.
        fig.text(0.01, -0.01, "; ".join(parts), fontsize=7, color="dimgray", ha="left", va="top")
    for p in parts:
        print(f"plot.py: note: {p}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# sweep


def apply_where(df, where):
    for w in where or []:
        if "=" not in w:
            raise ToolError(f"--where: expected COL=VALUE, got {w!r}", EXIT_USAGE)
        col, val = w.split("=", 1)
        s = tables.column(df, col, numeric=False)
        mask = s.astype(str) == val
        if not mask.any():
            num = pd.to_numeric(s, errors="coerce")
            try:
                mask = num == float(val)
            except ValueError:
                pass
        if not mask.any():
            raise ToolError(f"--where {w}: no row has that value (values: "
                            f"{', '.join(sorted(map(str, s.dropna().unique()))[:12])})", EXIT_INPUT)
        df = df[mask]
    return df.reset_index(drop=True)


def load(args):
    df, dropped = tables.read_tables(args.table)
    return apply_where(df, getattr(args, "where", None)), dropped


def default_series(df, x):
    return ["workload"] if "workload" in df.columns and df["workload"].nunique() > 1 and x != "workload" else []


def check_unique(df, keys, x, flag="--series"):
    dup = df.duplicated(subset=keys + [x], keep=False)
    if dup.any():
        varying = [c for c in df.columns if c.startswith("param.") and c not in keys + [x] and
                   df.loc[dup, c].nunique() > 1]
        raise ToolError(f"several rows share a point of a line ({', '.join(keys + [x])}): add {flag} for the "
                        f"other swept columns ({', '.join(varying) or 'none vary: are rows repeated?'}) or fix "
                        "them with --where COL=VALUE", EXIT_INPUT)


def relative(df, at, xcol):
    """Each line's y divided by its y at x == `at` (a baseline every line must have)."""
    try:
        base_x = float(at) if not isinstance(df["_x"].iloc[0], str) else at
    except ValueError:
        raise ToolError(f"--relative-to {at}: {xcol} is numeric, {at!r} is not", EXIT_USAGE)
    out = []
    for lab, g in df.groupby("_s", sort=False):
        base = g[g["_x"] == base_x]
        if len(base) != 1 or base["_y"].iloc[0] == 0:
            raise ToolError(f"--relative-to {at}: the line {lab!r} has "
                            f"{'no' if base.empty else 'a zero' if len(base) == 1 else 'several'} point(s) at "
                            f"{xcol} = {at} (its x: {', '.join(map(str, sorted(g['_x'])))})", EXIT_INPUT)
        out.append(g.assign(_y=g["_y"] / base["_y"].iloc[0]))
    return pd.concat(out)


def cmd_sweep(args):
    df, dropped = load(args)
    xcol = args.x
    tables.column(df, xcol, "--x column", numeric=False)
    ycol = args.y
    y = tables.column(df, ycol, "--y column")
    keys = args.series if args.series is not None else default_series(df, xcol)
    for k in keys:
        tables.column(df, k, "--series column", numeric=False)
    check_unique(df, keys, xcol)
    xnum = pd.to_numeric(df[xcol], errors="coerce")
    categorical = xnum.isna().any()
    labels, styles = line_styles(df, keys)
    df = df.assign(_y=y, _x=xnum if not categorical else df[xcol].map(tidy_value), _s=labels)
    if args.relative_to is not None:
        df = relative(df, args.relative_to, xcol)
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    cats = list(dict.fromkeys(df["_x"])) if categorical else None
    lines = []
    for lab, g in sorted(df.groupby("_s", sort=False), key=lambda t: _natural(t[0])):
        g = g.sort_values("_x") if not categorical else g.assign(_o=g["_x"].map(cats.index)).sort_values("_o")
        xs = g["_x"].map(cats.index).to_numpy() if categorical else g["_x"].to_numpy(float)
        colour, marker, ls = styles[lab]
        ax.plot(xs, g["_y"].to_numpy(float), marker=marker, ms=5, lw=1.5, color=colour, ls=ls,
                label=lab if keys else None)
        lines.append({"series": lab, "x": list(g["_x"]), "y": [float(v) for v in g["_y"]]})
    if categorical:
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=30 if max(map(len, map(str, cats))) > 8 else 0, ha="right")
    else:
        if log_scale_wanted(df["_x"], args.log, "x"):
            ax.set_xscale("log", base=2 if all(float(v).is_integer() and v > 0 and (int(v) & (int(v) - 1)) == 0
                                               for v in df["_x"]) else 10)
        if df["_x"].nunique() <= 12:
            ax.set_xticks(sorted(df["_x"].unique()))
            ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(tick))
    if args.relative_to is not None:
        ax.axhline(1.0, color="dimgray", lw=0.8, zorder=1)
    elif log_scale_wanted(df["_y"], args.log, "y"):
        ax.set_yscale("log")
    elif ycol.endswith("utilisation") and df["_y"].max() <= 1:
        ax.set_ylim(0, 1.02)
    readable(ax, "y")
    ax.set_xlabel(args.xlabel or unit_label(xcol))
    ax.set_ylabel(args.ylabel or (f"{short(ycol)} / its value at {short(xcol)} = {args.relative_to}"
                                  if args.relative_to is not None else unit_label(ycol)))
    ax.set_title(args.title or f"{short(ycol)} against {short(xcol)}")
    ax.grid(True, alpha=0.3)
    legend_outside(ax, ", ".join(map(short, keys)) if keys else None)
    note(fig, dropped)
    save(fig, args.output, {"kind": "sweep", "x": xcol, "y": ycol, "series": keys, "relative_to": args.relative_to,
                            "lines": lines}, args.data)


# ---------------------------------------------------------------------------------------------
# scaling


def cmd_scaling(args):
    df, dropped = load(args)
    chips = tables.column(df, args.chips, "--chips column")
    lat_col = args.latency or tables.first_column(df, ["simulated_cycles", "predicted_cycles", "stats.cycles"],
                                                    "latency (cycles)")
    raw = tables.column(df, lat_col, "--latency column")
    # A column's unit from its name: *_ps, *_us, *_s (e.g. stats.end_ps, wall_s), else cycles.
    scale = next((f for suffix, f in (("_ps", 1e-6), ("_us", 1.0), ("_s", 1e6)) if lat_col.endswith(suffix)), None)
    if scale is not None:
        latency_us = raw * scale
        lat_text = f"us: {lat_col}"
    else:
        if args.clock_mhz:
            mhz = pd.Series([args.clock_mhz] * len(df), index=df.index, dtype=float)
        else:
            mhz = tables.column(df, "clock_mhz", "clock column (or give --clock-mhz)")
        latency_us = raw / mhz
        lat_text = f"us: {lat_col} / clock"
    if args.throughput:
        thr = tables.column(df, args.throughput, "--throughput column")
        thr_label = unit_label(args.throughput)
    else:
        work = tables.column(df, args.work, "--work column")
        thr = work * args.work_scale / (latency_us * 1e-6)
        thr_label = args.throughput_label or (f"throughput (ops/s: 2 x {args.work} / latency)"
                                              if args.work == "macs" and args.work_scale == 2
                                              else f"throughput ({args.work} x {args.work_scale:g} per s)")
    keys = args.series if args.series is not None else default_series(df, args.chips)
    for k in keys:
        tables.column(df, k, "--series column", numeric=False)
    check_unique(df, keys, args.chips)
    labels, styles = line_styles(df, keys)
    df = df.assign(_c=chips, _l=latency_us, _t=thr, _s=labels)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.4))
    out = []
    for lab, g in sorted(df.groupby("_s", sort=False), key=lambda t: _natural(t[0])):
        g = g.sort_values("_c")
        c, marker, ls = styles[lab]
        name = lab if keys else None
        a1.plot(g["_c"], g["_l"], marker=marker, ls=ls, color=c, label=name)
        a2.plot(g["_c"], g["_t"], marker=marker, ls=ls, color=c, label=name)
        base = g.iloc[0]
        ideal = base["_t"] * g["_c"] / base["_c"]
        a2.plot(g["_c"], ideal, ls=":", color=c, lw=1,
                label=f"linear from {int(base['_c'])} chip{'s' if base['_c'] != 1 else ''}" + (f" ({name})" if name
                                                                                               else ""))
        out.append({"series": lab, "chips": [float(v) for v in g["_c"]], "latency_us": [float(v) for v in g["_l"]],
                    "throughput": [float(v) for v in g["_t"]], "ideal_throughput": [float(v) for v in ideal]})
    for ax in (a1, a2):
        if df["_c"].max() / max(df["_c"].min(), 1) >= 4:
            ax.set_xscale("log", base=2)
        if df["_c"].nunique() <= 12:
            ax.set_xticks(sorted(df["_c"].unique()))
            ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(tick))
        ax.set_xlabel("chips")
        ax.grid(True, alpha=0.3)
    if log_scale_wanted(df["_l"], args.log, "y"):
        a1.set_yscale("log")
    ideal_all = [v for o in out for v in o["ideal_throughput"]]
    if log_scale_wanted(list(df["_t"]) + ideal_all, args.log, "y"):
        a2.set_yscale("log")
    readable(a1, "y")
    readable(a2, "y")
    a1.set_ylabel(f"latency ({lat_text})")
    a2.set_ylabel(thr_label)
    a1.set_title("latency")
    a2.set_title("throughput")
    fig.suptitle(args.title or "Scaling with the number of chips")
    legend_outside(a2, ", ".join(map(short, keys)) if keys else None)
    note(fig, dropped)
    save(fig, args.output, {"kind": "scaling", "latency": lat_col, "series": out}, args.data)


# ---------------------------------------------------------------------------------------------
# links


def read_json(path, what):
    try:
        return json.loads(pathlib.Path(path).read_text())
    except OSError as e:
        raise ToolError(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise ToolError(f"{path}:{e.lineno}:{e.colno}: not JSON ({what}): {e.msg}")
    except UnicodeDecodeError:
        raise ToolError(f"{path}: not a text file ({what})")


LINK_METRICS = {"utilisation": "utilisation (busy time / run time)", "bytes": "bytes (B)", "vectors": "vectors",
                "busy_ps": "busy time (ps)"}


def link_end(text):
    """'c0 C2C.3' (chip and port, as the statistics name a link's end) -> ('c0', 'C2C.3')."""
    chip, _, port = str(text).partition(" ")
    return chip, port


def link_directions(stats, path, metric):
    links = stats.get("links") if isinstance(stats, dict) else None
    if not isinstance(links, list):
        raise ToolError(f"{path}: no 'links' list: not the statistics of a system run "
                        "(`lpusim run --system ... --stats FILE`)")
    dirs = []
    for i, link in enumerate(links):
        if not isinstance(link, dict):
            raise ToolError(f"{path}: links[{i}] is not an object")
        for d, (src, dst) in (("a_to_b", ("a", "b")), ("b_to_a", ("b", "a"))):
            rec = flatten(link.get(d)) if isinstance(link.get(d), dict) else None
            if rec is None or not isinstance(rec.get(metric), (int, float)):
                have = sorted(k for k, v in (rec or {}).items() if isinstance(v, (int, float)))
                raise ToolError(f"{path}: links[{i}].{d} has no numeric '{metric}' (metrics there: "
                                f"{', '.join(have) or 'none'})")
            (a, ap), (b, bp) = link_end(link.get(src)), link_end(link.get(dst))
            dirs.append({"link": i, "from": a, "from_port": ap, "to": b, "to_port": bp, "value": float(rec[metric])})
    if not dirs:
        raise ToolError(f"{path}: the system has no links")
    return dirs


def heat(ax, fig, grid, label, vmax):
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("#eeeeee")  # no such link direction
    im = ax.imshow(grid, cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest", aspect="auto")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=label)


def sparse_ticks(ax, axis, names, limit=36):
    step = max(1, math.ceil(len(names) / limit))
    pos = range(0, len(names), step)
    small = 7 if len(names) > 12 else 9
    if axis == "x":
        ax.set_xticks(pos)
        ax.set_xticklabels([names[i] for i in pos], rotation=90, fontsize=small)
    else:
        ax.set_yticks(pos)
        ax.set_yticklabels([names[i] for i in pos], fontsize=small)


def annotate(ax, grid, metric, vmax):
    for (i, j), v in np.ndenumerate(grid):
        if not math.isnan(v):
            ax.text(j, i, f"{v:.2f}" if metric == "utilisation" else tick(v), ha="center", va="center",
                    fontsize=7, color="white" if v < 0.6 * vmax else "black")


def colour_max(grid, args):
    """The colour scale's top: the largest value (default), or --vmax (e.g. 1 for utilisation, so that
    heat maps of several runs compare)."""
    largest = float(np.nanmax(grid)) if np.isfinite(grid).any() else 0.0
    if args.vmax is None:
        return largest if largest > 0 else 1.0
    try:
        v = float(args.vmax)
    except ValueError:
        raise ToolError(f"--vmax: expected a number, got {args.vmax!r}", EXIT_USAGE)
    if not v > 0:
        raise ToolError("--vmax must be positive", EXIT_USAGE)
    return v


def links_matrix(dirs, chips, args, label):
    """Sending chip x receiving chip; parallel links between two chips: their mean for utilisation,
    their sum for a count."""
    idx = {c: i for i, c in enumerate(chips)}
    n = len(chips)
    total, count = np.zeros((n, n)), np.zeros((n, n))
    for d in dirs:
        total[idx[d["from"]], idx[d["to"]]] += d["value"]
        count[idx[d["from"]], idx[d["to"]]] += 1
    rate = args.metric == "utilisation"
    grid = np.where(count > 0, total / np.maximum(count, 1) if rate else total, np.nan)
    side = min(10, 3.2 + 0.14 * n)
    fig, ax = plt.subplots(figsize=(side + 1.8, side))
    vmax = colour_max(grid, args)
    heat(ax, fig, grid, label, vmax)
    sparse_ticks(ax, "x", chips)
    sparse_ticks(ax, "y", chips)
    ax.set_xlabel("receiving chip")
    ax.set_ylabel("sending chip")
    if n <= 12:
        annotate(ax, grid, args.metric, vmax)
    return fig, ax, {"kind": "links", "layout": "matrix", "metric": args.metric, "chips": chips,
                     "matrix": [[None if math.isnan(v) else float(v) for v in row] for row in grid]}


def links_ports(dirs, chips, args, label):
    """Sending chip x its C2C port: every link direction one cell, for systems too big for a chip x
    chip matrix (a 10,440-chip Dragonfly: 11 ports used of 16)."""
    ports = sorted({d["from_port"] for d in dirs}, key=_queue_order)
    idx, pidx = {c: i for i, c in enumerate(chips)}, {p: j for j, p in enumerate(ports)}
    grid = np.full((len(chips), len(ports)), np.nan)
    for d in dirs:
        grid[idx[d["from"]], pidx[d["from_port"]]] = d["value"]
    fig, ax = plt.subplots(figsize=(3.5 + 0.45 * len(ports), min(11, 2.2 + 0.16 * len(chips))))
    vmax = colour_max(grid, args)
    heat(ax, fig, grid, label, vmax)
    sparse_ticks(ax, "x", ports)
    sparse_ticks(ax, "y", chips, limit=60)
    ax.set_xlabel("sending port")
    ax.set_ylabel("sending chip")
    if len(chips) <= 12 and len(ports) <= 16:
        annotate(ax, grid, args.metric, vmax)
    return fig, ax, {"kind": "links", "layout": "ports", "metric": args.metric, "chips": chips, "ports": ports,
                     "matrix": [[None if math.isnan(v) else float(v) for v in row] for row in grid]}


def system_stats(args):
    """A system run's statistics: its --stats file, or one row of a results table (its stats.*
    columns nested again; --where picks the row)."""
    path = pathlib.Path(args.stats)
    if path.is_dir() or path.suffix in (".jsonl", ".csv"):
        df, _ = tables.read_tables([path])
        df = apply_where(df, args.where)
        if len(df) != 1:
            params = [c for c in df.columns if c.startswith("param.") and df[c].nunique() > 1]
            raise ToolError(f"{path}: {len(df)} rows; pick one with --where COL=VALUE (e.g. point=ID, or the "
                            f"columns that vary: {', '.join(params + ['workload']) or 'point'})", EXIT_INPUT)
        row = df.iloc[0].to_dict()
        stats = tables.unflatten(row, "stats")
        if "links" not in stats:
            raise ToolError(f"{path}: the row has no stats.links.* columns: not a system run")
        # Chip names may hold dots (r0.n3.c5), which the flattened columns do not tell from nesting:
        # each chip has a stats.chips.<name>.cycles column.
        stats["chips"] = {k[len("stats.chips."):-len(".cycles")]: {} for k in row
                          if k.startswith("stats.chips.") and k.endswith(".cycles") and k.count(".") >= 3}
        stats.setdefault("system", tidy_value(row.get("workload", "")))
        for link in stats["links"]:
            for d in ("a_to_b", "b_to_a"):
                if isinstance(link.get(d), dict) and isinstance(link[d].get("fec", {}).get("symbol_errors"), str):
                    link[d]["fec"].pop("symbol_errors")
        return stats
    return read_json(path, "a system run's --stats")


def cmd_links(args):
    stats = system_stats(args)
    dirs = link_directions(stats, args.stats, args.metric)
    chips = list(stats["chips"]) if isinstance(stats.get("chips"), dict) else []
    for d in dirs:
        for c in (d["from"], d["to"]):
            if c not in chips:
                raise ToolError(f"{args.stats}: link {d['link']} joins chip '{c}', which is not in its 'chips'")
    layout = args.layout if args.layout != "auto" else ("matrix" if len(chips) <= 80 else "ports")
    label = LINK_METRICS.get(args.metric, args.metric)
    fig, ax, data = (links_matrix if layout == "matrix" else links_ports)(dirs, chips, args, label)
    busiest = max(dirs, key=lambda d: d["value"])
    data["busiest"] = busiest
    ax.set_title(args.title or f"Link occupancy of {stats.get('system', 'the system')}: {args.metric}")
    note(fig, 0, extra=f"busiest: {busiest['from']} {busiest['from_port']} -> {busiest['to']} {busiest['to_port']} "
         f"({busiest['value']:.3g}); grey: no link")
    save(fig, args.output, data, args.data)


# ---------------------------------------------------------------------------------------------
# timeline


def trace_intervals(doc, path, chip):
    """Per (process, thread) of a Chrome trace: merged busy intervals [(start, end)] in the trace's
    microseconds, and the process and thread names."""
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        raise ToolError(f"{path}: no traceEvents: not a Perfetto/Chrome trace of `lpusim run --trace`")
    pnames, tnames, spans = {}, {}, {}
    for e in events:
        if not isinstance(e, dict):
            continue
        ph = e.get("ph")
        if ph == "M":
            args = e.get("args") or {}
            if e.get("name") == "process_name":
                pnames[e.get("pid")] = str(args.get("name"))
            elif e.get("name") == "thread_name":
                tnames[(e.get("pid"), e.get("tid"))] = str(args.get("name"))
        elif ph == "X":
            try:
                ts, dur = float(e["ts"]), float(e.get("dur", 0))
            except (KeyError, TypeError, ValueError):
                raise ToolError(f"{path}: an 'X' event without a numeric ts/dur")
            spans.setdefault((e.get("pid"), e.get("tid")), []).append((ts, ts + dur))
    if not spans:
        raise ToolError(f"{path}: the trace has no complete ('X') events")
    pids = sorted({k[0] for k in spans})
    if chip is not None:
        match = [p for p in pids if pnames.get(p, str(p)) == chip or pnames.get(p, "").startswith(chip + " ")]
        if not match:
            raise ToolError(f"{path}: no process (chip) named '{chip}' (processes: "
                            f"{', '.join(pnames.get(p, str(p)) for p in pids)})")
        pids = match
    # Chips before the links' process; within each, queues in trace order.
    pids.sort(key=lambda p: (pnames.get(p, "").startswith("links"), p))
    out = []
    for key in sorted(spans, key=lambda k: (pids.index(k[0]) if k[0] in pids else -1, k[1])):
        if key[0] not in pids:
            continue
        iv = sorted(spans[key])
        # Back-to-back instructions touch up to the trace's rounding (timestamps in us, 6 decimals).
        eps = 2e-6 + 1e-3 * min(e - s for s, e in iv)
        merged = [list(iv[0])]
        for s, e in iv[1:]:
            if s <= merged[-1][1] + eps:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        out.append((pnames.get(key[0], str(key[0])), tnames.get(key, str(key[1])), merged))
    return out


def cmd_timeline(args):
    doc = read_json(args.input, "a trace or statistics file")
    rows = []
    unit = "us"
    if isinstance(doc, dict) and isinstance(doc.get("queues"), dict) and "cycles" in doc:
        unit = "cycles"
        for q, s in doc["queues"].items():
            try:
                rows.append(("", q, [[float(s["first_cycle"]), float(s["last_cycle"]) + 1]],
                             float(s["busy_cycles"])))
            except (KeyError, TypeError, ValueError):
                raise ToolError(f"{args.input}: queues.{q} lacks first_cycle/last_cycle/busy_cycles")
        source = "statistics: first to last issue, shaded by the fraction of it busy"
    elif isinstance(doc, dict) and isinstance(doc.get("chips"), dict) and "links" in doc:
        chips = doc["chips"]
        chip = args.chip or next(iter(chips))
        if chip not in chips:
            raise ToolError(f"{args.input}: no chip '{chip}' (chips: {', '.join(list(chips)[:20])})")
        unit = "cycles"
        for q, s in chips[chip].get("queues", {}).items():
            rows.append((chip, q, [[float(s["first_cycle"]), float(s["last_cycle"]) + 1]], float(s["busy_cycles"])))
        source = f"statistics of chip {chip}: first to last issue, shaded by the fraction of it busy"
    else:
        for proc, thread, iv in trace_intervals(doc, args.input, args.chip):
            rows.append((proc, thread, iv, sum(e - s for s, e in iv)))
        source = "Perfetto trace: each queue's instructions, busy spans merged"
    if not rows:
        raise ToolError(f"{args.input}: no queue issued anything")
    procs = list(dict.fromkeys(r[0] for r in rows))
    rows.sort(key=lambda r: (procs.index(r[0]), -r[3] if args.sort == "busy" else 0,
                             _queue_order(r[1]) if args.sort != "busy" else 0))
    if len(rows) > args.max_queues:
        busiest = sorted(rows, key=lambda r: -r[3])[:args.max_queues]
        keep = {id(r) for r in busiest}
        dropped_q = len(rows) - args.max_queues
        rows = [r for r in rows if id(r) in keep]
    else:
        dropped_q = 0
    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.2 * len(rows)))
    cmap = plt.get_cmap("viridis")
    data = []
    for i, (proc, q, iv, busy) in enumerate(rows):
        span = sum(e - s for s, e in iv)
        frac = busy / span if span else 0
        colour = cmap(0.15 + 0.75 * frac) if unit == "cycles" else PALETTE[procs.index(proc) % len(PALETTE)]
        ax.broken_barh([(s, e - s) for s, e in iv], (i - 0.4, 0.8), facecolors=colour, edgecolor="none")
        data.append({"process": proc, "queue": q, "intervals": iv, "busy": busy})
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([(f"{p}: " if len(procs) > 1 else "") + q for p, q, _, _ in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("cycle" if unit == "cycles" else "time (us: the trace's time base, cycle x period)")
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(args.title or "Per-queue busy timeline")
    if unit == "cycles":
        sm = plt.cm.ScalarMappable(cmap=matplotlib.colors.LinearSegmentedColormap.from_list(
            "v", [cmap(0.15), cmap(0.9)]), norm=matplotlib.colors.Normalize(0, 1))
        fig.colorbar(sm, ax=ax, fraction=0.03, pad=0.02, label="busy fraction of the span")
    note(fig, 0, extra=(f"{source}" + (f"; the {len(rows)} busiest queues shown, {dropped_q} more (--max-queues)"
                                       if dropped_q else "")))
    save(fig, args.output, {"kind": "timeline", "unit": unit, "queues": data}, args.data)


def _queue_order(name):
    """MEM_W0 < MEM_W1 < ... : numbers inside names compared as numbers."""
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


# ---------------------------------------------------------------------------------------------


def cmd_columns(args):
    df, _ = tables.read_tables(args.table, ok_only=False)
    for c in sorted(map(str, df.columns)):
        vals = df[c].dropna()
        example = tidy_value(vals.iloc[0]) if len(vals) else ""
        print(f"{c:50s} {vals.nunique():6d} distinct  e.g. {str(example)[:40]}")


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, as every bad input of the project's tools
        sub = self.prog.partition(" ")[2]  # "plot.py sweep" -> "sweep"
        raise ToolError(f"{sub}: {message}" if sub else message, EXIT_USAGE)


def add_common_args(p, table=True):
    """The arguments every figure takes: its input table(s) and its outputs."""
    if table:
        p.add_argument("table", nargs="+", metavar="TABLE", help="results table(s): a sweep's directory, "
                       "results.jsonl, results.csv, or lpusim JSON outputs")
        p.add_argument("--where", action="append", metavar="COL=VALUE", help="only rows with this value "
                       "(repeatable)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="writes OUT.png and OUT.svg")
    p.add_argument("--formats", default="png,svg", help="which of png,svg to write (default: both)")
    p.add_argument("--data", metavar="FILE.json", help="also write the plotted points as JSON")
    p.add_argument("--title", help="the figure's title")


def add_table_figures(sub):
    """The figures drawn from a results table: roofline, sweep, scaling."""
    p = sub.add_parser("roofline", help="achieved ops/s against ops per SRAM byte, under the config's roofs",
                       description="One point per row: x = 2 x (stats.macs + stats.macs_fp16) / (stats."
                       "sram_bytes_read + stats.sram_bytes_written), y = stats.achieved_ops_per_s (rows of runs). "
                       "Roofs: peak int8, and SRAM and stream bandwidth x intensity, from the table's info.* columns "
                       "or --config/--info.\n\nexample: scripts/plot.py roofline sweep-out/ --color-by workload "
                       "-o roofline", formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(p)
    p.add_argument("--config", help="chip config whose roofs to draw (runs `lpusim info --json`)")
    p.add_argument("--info", metavar="INFO.json", help="an `lpusim info --json` file whose roofs to draw")
    p.add_argument("--build-dir", default=str(ROOT / "build"), help="where lpusim is (for --config, or a sweep's "
                   "configs when the table has no info.* columns; default: the repository's build/)")
    p.add_argument("--color-by", metavar="COL", help="colour the points by this column's values")
    p.add_argument("--marker-by", metavar="COL", help="a marker shape per value of this column")
    p.add_argument("--label-by", metavar="COL", help="write this column's value beside each point")
    p.set_defaults(func=cmd_roofline)

    p = sub.add_parser("sweep", help="a metric against a swept parameter, a line per workload",
                       description="A line per value of --series (default: workload, when there are several), "
                       "y against x.\n\nexample: scripts/plot.py sweep sweep-out/ --x param.chip.mxm.planes "
                       "--y report.mxm_utilisation -o util", formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(p)
    p.add_argument("--x", required=True, metavar="COL", help="the swept column, e.g. param.chip.mxm.planes")
    p.add_argument("--y", required=True, metavar="COL", help="the metric, e.g. report.mxm_utilisation")
    p.add_argument("--series", action="append", metavar="COL", help="a line per value of this column (repeatable; "
                   "default: workload)")
    p.add_argument("--log", choices=("auto", "none", "x", "y", "xy"), default="auto",
                   help="log axes (auto: an axis of positive values spanning over 30x)")
    p.add_argument("--relative-to", metavar="X", help="divide each line by its value at x = X (a slowdown or "
                   "speed-up against a baseline)")
    p.add_argument("--xlabel")
    p.add_argument("--ylabel")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("scaling", help="latency and throughput against the number of chips",
                       description="Left: latency in us (--latency cycles / clock_mhz); right: throughput "
                       "(--work x --work-scale per second of latency, default 2 x macs: ops/s, or a --throughput "
                       "column), with linear scaling from the fewest chips dotted.\n\nexample: scripts/plot.py "
                       "scaling system-sweep/ -o scaling", formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(p)
    p.add_argument("--chips", default="chips", metavar="COL", help="the number of chips (default: chips)")
    p.add_argument("--latency", metavar="COL", help="a run's latency: cycles (default: simulated_cycles, else "
                   "predicted_cycles), or a column named *_ps, *_us or *_s in that unit (e.g. stats.end_ps)")
    p.add_argument("--clock-mhz", type=float, help="the clock, when the table has no clock_mhz column")
    p.add_argument("--work", default="macs", metavar="COL", help="work per run (default: macs)")
    p.add_argument("--work-scale", type=float, default=2.0, help="units of throughput per unit of --work "
                   "(default 2: ops per MAC)")
    p.add_argument("--throughput", metavar="COL", help="a column holding the throughput itself")
    p.add_argument("--throughput-label", metavar="TEXT", help="the throughput axis's label")
    p.add_argument("--series", action="append", metavar="COL", help="a line per value (default: workload)")
    p.add_argument("--log", choices=("auto", "none", "y"), default="auto")
    p.set_defaults(func=cmd_scaling)


def add_run_figures(sub):
    """The figures drawn from one run's statistics or trace, and the table's columns."""
    p = sub.add_parser("links", help="per-link occupancy of a system run, as a heat map",
                       description="From `lpusim run --system ... --stats FILE`: each link direction's "
                       "utilisation (or bytes, vectors, busy cycles), as a sending chip x receiving chip matrix "
                       "(parallel links: their mean utilisation, their summed counts) or, for big systems, sending chip "
                       "x C2C port.\n\nexample: scripts/plot.py links stats.json -o links",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stats", metavar="STATS", help="statistics of a system run (--stats FILE), or a results table "
                   "with --where picking one system point")
    add_common_args(p, table=False)
    p.add_argument("--where", action="append", metavar="COL=VALUE", help="a table's row (repeatable)")
    p.add_argument("--metric", default="utilisation", help="utilisation (default), bytes, vectors, busy_ps or a FEC "
                   "counter (fec.corrected, fec.uncorrectable, ...)")
    p.add_argument("--layout", choices=("auto", "matrix", "ports"), default="auto",
                   help="matrix: sending x receiving chip; ports: sending chip x its C2C port (auto: matrix up "
                   "to 80 chips)")
    p.add_argument("--vmax", help="top of the colour scale (default: the largest value; 1 for utilisation makes "
                   "several runs' maps compare)")
    p.set_defaults(func=cmd_links)

    p = sub.add_parser("timeline", help="per-queue busy timeline of a run",
                       description="From `lpusim run --trace FILE` (each instruction's span, merged; a system "
                       "trace's chips as groups, --chip for one) or `--stats FILE` (each queue from its first to "
                       "its last issue, shaded by how busy).\n\nexample: scripts/plot.py timeline trace.json -o "
                       "timeline", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="TRACE_OR_STATS.json")
    add_common_args(p, table=False)
    p.add_argument("--chip", help="only this chip (process) of a system trace or statistics")
    p.add_argument("--max-queues", type=int, default=48, help="show the busiest N queues (default 48)")
    p.add_argument("--sort", choices=("name", "busy"), default="name")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("columns", help="list a table's columns, with how many distinct values each has")
    p.add_argument("table", nargs="+", metavar="TABLE")
    p.set_defaults(func=cmd_columns)


def build_parser():
    ap = Parser(prog="plot.py", description=__doc__.split("\n")[0], epilog=__doc__[__doc__.index(
        "\n") + 1:], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", metavar="FIGURE")
    add_table_figures(sub)
    add_run_figures(sub)
    return ap


def main():
    ap = build_parser()
    try:
        args = ap.parse_args()
    except SystemExit as e:
        return e.code
    if not args.cmd:
        ap.print_help(sys.stderr)
        return EXIT_USAGE
    for name in ("max_queues",):
        if getattr(args, name, 1) is not None and getattr(args, name, 1) < 1:
            raise ToolError(f"--{name.replace('_', '-')} must be at least 1", EXIT_USAGE)
    if args.cmd != "columns":
        formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
        if not formats or any(f not in ("png", "svg") for f in formats):
            raise ToolError(f"--formats: expected png, svg or png,svg, got {args.formats!r}", EXIT_USAGE)
        global FORMATS
        FORMATS = tuple(dict.fromkeys(formats))
    if getattr(args, "config", None) and getattr(args, "info", None):
        raise ToolError("--config and --info both give roofs: choose one", EXIT_USAGE)
    args.func(args)
    return 0


if __name__ == "__main__":
    main_guard(main)
