"""Reading results tables (the schema of scripts/sweep.py: docs/sweep.md) and single lpusim
outputs as rows, for scripts/plot.py and scripts/validate.py.

A table is a sweep's output directory (its results.jsonl, the source of truth, else results.csv),
a results.jsonl or results.csv file, or one JSON output of lpusim read as a one-row table:
`lpusim compile --report` (columns report.<key>), `lpusim run --stats` of one chip (stats.<key>,
flattened with dots) or `lpusim info --json` (info.<figure>). Several inputs are concatenated.
"""
import difflib
import json
import pathlib

import pandas as pd

from lpusimtools.common import EXIT_INPUT, ToolError, flatten


def _read_jsonl(path):
    rows = []
    lines = pathlib.Path(path).read_text().split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            # A sweep killed mid-write can leave its last line cut (no newline after it): the
            # sweep resumes from the lines before it, and so does a reader.
            if n == len(lines):
                break
            raise ToolError(f"{path}:{n}: not a JSON line: {e.msg}")
        if not isinstance(row, dict):
            raise ToolError(f"{path}:{n}: a results line must be a JSON object")
        # A list of numbers (a histogram such as fec.symbol_errors) is one cell, as in the CSV.
        rows.append({k: json.dumps(v) if isinstance(v, list) else v for k, v in flatten(row).items()})
    return pd.DataFrame(rows)


def _single_output(path, doc):
    """One lpusim JSON output as a row of the results-table schema."""
    name = path.stem
    if isinstance(doc, dict) and "figures" in doc and isinstance(doc["figures"], dict):
        row = {f"info.{k}": v.get("value") if isinstance(v, dict) else v for k, v in doc["figures"].items()}
        row.update(workload=name, status="ok", chips=1)
        return row
    if isinstance(doc, dict) and "predicted_cycles" in doc and "layers" in doc:
        row = {f"report.{k}": v for k, v in flatten({k: v for k, v in doc.items() if k != "layers"}).items()}
        row.update(workload=doc.get("workload", name), status="ok", mode="compile", chips=1,
                   predicted_cycles=doc["predicted_cycles"], instructions=doc.get("instructions"),
                   macs=doc.get("mxm_macs"))
        return row
    if isinstance(doc, dict) and "cycles" in doc and "queues" in doc:
        row = {f"stats.{k}": v for k, v in flatten(doc).items()}
        row.update(workload=name, status="ok", mode="run", chips=1, simulated_cycles=doc["cycles"],
                   instructions=doc.get("instructions"), macs=doc.get("macs"))
        return row
    if isinstance(doc, dict) and "chips" in doc and "links" in doc:
        raise ToolError(f"{path}: a system run's statistics: use `plot.py links` or `plot.py timeline` "
                        "for it, or a results table of system points for `plot.py scaling`")
    raise ToolError(f"{path}: not a results table nor an lpusim JSON output (compile --report, "
                    "run --stats, info --json)")


def read_table(path):
    """One input (see the module's docstring) as a DataFrame, with a `source` column."""
    path = pathlib.Path(path)
    if path.is_dir():
        for name in ("results.jsonl", "results.csv"):
            if (path / name).is_file():
                return read_table(path / name)
        raise ToolError(f"{path}: a directory without results.jsonl or results.csv")
    if not path.is_file():
        raise ToolError(f"{path}: no such file")
    try:
        if path.suffix == ".jsonl":
            df = _read_jsonl(path)
        elif path.suffix == ".csv":
            df = pd.read_csv(path)
        elif path.suffix == ".json":
            try:
                doc = json.loads(path.read_text())
            except json.JSONDecodeError as e:
                raise ToolError(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}")
            df = pd.DataFrame([_single_output(path, doc)])
        else:
            raise ToolError(f"{path}: unknown table format (expected a directory, .jsonl, .csv or .json)")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as e:
        raise ToolError(f"{path}: cannot read: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    if df.empty:
        raise ToolError(f"{path}: no rows")
    df["source"] = str(path)
    df["_table"] = str(path.parent if path.suffix in (".jsonl", ".csv") else path)
    return df


def read_tables(paths, ok_only=True):
    """Every input concatenated; with ok_only, failed rows (status != ok) dropped. Returns
    (DataFrame, number of rows dropped)."""
    df = pd.concat([read_table(p) for p in paths], ignore_index=True, sort=False)
    dropped = 0
    if ok_only and "status" in df.columns:
        keep = df["status"].fillna("ok").astype(str) == "ok"
        dropped = int((~keep).sum())
        df = df[keep].reset_index(drop=True)
        if df.empty:
            raise ToolError(f"{', '.join(map(str, paths))}: every row failed (status != ok): nothing to plot")
    return df, dropped


def columns_hint(df, wanted, limit=40):
    cols = sorted(map(str, df.columns))
    if len(cols) <= limit:
        return "available: " + ", ".join(cols)
    close = difflib.get_close_matches(wanted, cols, n=8, cutoff=0.4)
    prefix = wanted.split(".")[0] + "."
    same = [c for c in cols if c.startswith(prefix)][:12]
    shown = list(dict.fromkeys(close + same))[:16]
    return (f"closest: {', '.join(shown) if shown else '(none)'}; {len(cols)} columns in all "
            "(`plot.py columns TABLE` lists them)")


def column(df, name, what="column", numeric=True):
    """df[name] (as numbers when numeric), or a ToolError naming the column and what exists."""
    if name not in df.columns:
        raise ToolError(f"no {what} '{name}' in the table ({columns_hint(df, name)})", EXIT_INPUT)
    s = df[name]
    if numeric:
        num = pd.to_numeric(s, errors="coerce")
        bad = s[num.isna() & s.notna()]
        if len(bad):
            raise ToolError(f"{what} '{name}': not a number in row {bad.index[0]} ({str(bad.iloc[0])[:40]!r})",
                            EXIT_INPUT)
        if num.isna().all():
            raise ToolError(f"{what} '{name}': empty in every row", EXIT_INPUT)
        return num
    return s


def first_column(df, names, what):
    """The first of `names` the table has (schema variants), or a ToolError listing them."""
    for n in names:
        if n in df.columns and df[n].notna().any():
            return n
    raise ToolError(f"no {what} column in the table (looked for {', '.join(names)}; "
                    f"{columns_hint(df, names[0])})", EXIT_INPUT)


def sweep_configs(df):
    """{point: config file} from the sweep.json beside each row's table (scripts/sweep.py writes
    every point's config to DIR/configs/ and lists it there), for rows that have a point id."""
    out = {}
    if "_table" not in df.columns or "point" not in df.columns:
        return out
    for table in df["_table"].dropna().unique():
        meta = pathlib.Path(table) / "sweep.json"
        if not meta.is_file():
            continue
        try:
            doc = json.loads(meta.read_text())
            for p in doc.get("points", []):
                if p.get("config"):
                    out[p["point"]] = pathlib.Path(table) / p["config"]
        except (json.JSONDecodeError, AttributeError, TypeError) as e:
            raise ToolError(f"{meta}: not a sweep.json of scripts/sweep.py: {e}")
    return out


def unflatten(row, prefix):
    """The `prefix.` columns of one row back into nested dicts, 'links.3.a' -> {'links': [.., {'a'}]}
    (digit keys become list indices): a system run's statistics from its row of a results table."""
    root = {}
    for key, value in row.items():
        if not str(key).startswith(prefix + ".") or value is None or (isinstance(value, float) and value != value):
            continue
        parts = str(key)[len(prefix) + 1:].split(".")
        node = root
        for part, nxt in zip(parts, parts[1:]):
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if not isinstance(node, dict):
            return node
        if node and all(k.isdigit() for k in node):
            return [lists(node[k]) for k in sorted(node, key=int)]
        return {k: lists(v) for k, v in node.items()}

    return lists(root)
