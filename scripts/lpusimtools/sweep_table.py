"""The results table of a sweep (docs/sweep.md): `results.jsonl`, appended one row per finished
point and fsync'd (the source of truth), and `results.csv`, regenerated from it atomically.

The JSON lines file is append-only by design: each row is one write() of one complete line
followed by fsync, by one process (the sweep driver). A process killed in the middle of that
write can leave at most a torn last line without its newline; the reader drops it (and the
writer truncates it away before appending), so every complete line is a whole row. When a point
has several rows (re-run with --retry-failed), the last one is the point's row.
"""
import csv
import json
import os

from .common import EXIT_INPUT, ToolError, atomic_output

FIRST = ["point", "status", "error", "workload", "mode"]
MIDDLE = ["config_hash", "chips", "clock_mhz", "predicted_cycles", "simulated_cycles", "instructions", "macs"]
GROUPS = ["report.", "stats.", "info."]
LAST = ["wall_s"]


def read_rows(path, repair=False):
    """The rows of a results.jsonl, in file order, and the number of bytes of a torn last line
    (a line without its newline, left by a killed writer), which is ignored; with repair=True the
    file is truncated to drop it. A missing file has no rows. A bad complete line is an error."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return [], 0
    except OSError as e:
        raise ToolError(f"{path}: cannot read: {e.strerror}", EXIT_INPUT)
    end = data.rfind(b"\n") + 1
    torn = len(data) - end
    if torn and repair:
        with open(path, "r+b") as f:
            f.truncate(end)
            f.flush()
            os.fsync(f.fileno())
    rows = []
    for number, line in enumerate(data[:end].split(b"\n")[:-1], 1):
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ToolError(f"{path}:{number}: not a JSON row ({e}); the file was edited or damaged", EXIT_INPUT)
        if not isinstance(row, dict) or not isinstance(row.get("point"), str) or row.get("status") not in ("ok", "failed"):
            raise ToolError(f"{path}:{number}: not a row of the results table (no point or status)", EXIT_INPUT)
        rows.append(row)
    return rows, torn


def latest(rows):
    """{point: its last row}."""
    out = {}
    for row in rows:
        out[row["point"]] = row
    return out


class RowAppender:
    """Appends rows to results.jsonl, each one complete line in one write, fsync'd."""

    def __init__(self, path):
        new = not os.path.exists(path)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if new:  # the directory entry too
            dfd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    def append(self, row):
        line = (json.dumps(row, separators=(",", ":"), allow_nan=True) + "\n").encode()
        view = memoryview(line)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        os.fsync(self.fd)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def columns(rows, axes):
    """The table's columns: the fixed ones, param.<key> in the spec's axis order, report.*,
    stats.* and info.* in first-appearance order, anything else, wall_s last."""
    cols = FIRST + [f"param.{k}" for k in axes] + MIDDLE
    seen = set(cols) | set(LAST)
    groups = {g: [] for g in GROUPS + [""]}
    for row in rows:
        for key in row:
            if key in seen:
                continue
            seen.add(key)
            groups[next((g for g in GROUPS if key.startswith(g)), "")].append(key)
    for g in GROUPS + [""]:
        cols += groups[g]
    return cols + LAST


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return value if isinstance(value, str) else repr(value)


def write_csv(path, rows, axes):
    """Writes the rows (already one per point, in order) as CSV, atomically."""
    cols = columns(rows, axes)
    with atomic_output(path, "w") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for row in rows:
            w.writerow([cell(row.get(c)) for c in cols])


def table(out_dir, order=None):
    """The table of a sweep's output directory: one row per point (its last), in `order` (point
    ids; by default the order of sweep.json's points, then any other point in file order)."""
    rows, _ = read_rows(os.path.join(out_dir, "results.jsonl"))
    last = latest(rows)
    if order is None:
        try:
            with open(os.path.join(out_dir, "sweep.json")) as f:
                order = [p["point"] for p in json.load(f)["points"]]
        except (OSError, ValueError, KeyError):
            order = []
    ordered = [last[p] for p in order if p in last]
    known = set(order)
    ordered += [r for p, r in last.items() if p not in known]
    return ordered
