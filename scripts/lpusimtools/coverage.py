"""Functional coverage files of lpusim (docs/coverage.md): load, merge and report them.

A coverage file is what `lpusim run --coverage FILE.json` (a chip or a system) and `lpusim cosim
mxm --coverage FILE.json` write: every bin of the coverage table (tb/coverage/CoverageTable.cpp)
with its hit count. Files merge when their table hashes agree (the same bins, up to the config's
geometry: slots, superlanes, planes and stream groups, whose bins are united). Used by
scripts/coverage.py and by the regression (scripts/regress.py):

    from lpusimtools.coverage import load, merge, summary, format_report, dumps
    doc = merge([load(p) for p in paths])
    s = summary(doc)          # s["percent"], s["missed"], s["groups"][...]
    print(format_report(doc))
"""
import json

from lpusimtools.common import EXIT_INPUT, ToolError

FORMAT = "lpusim-coverage"
VERSION = 1
_BIN_KEYS = {"name": str, "family": int, "at": list, "hits": int, "description": str}


def _fail(where, why):
    raise ToolError(f"{where}: {why}", EXIT_INPUT)


def validate(doc, where):
    """Checks `doc` is a coverage file of this format (ToolError naming `where` and the key)."""
    if not isinstance(doc, dict):
        _fail(where, "not a coverage file (expected a JSON object)")
    if doc.get("format") != FORMAT:
        _fail(where, f"format: expected '{FORMAT}', got {doc.get('format')!r}")
    if doc.get("version") != VERSION:
        _fail(where, f"version: this tool reads version {VERSION}, the file is {doc.get('version')!r}")
    for key, kind in (("table_hash", str), ("runs", int), ("sources", list), ("families", list),
                      ("bins", list)):
        if not isinstance(doc.get(key), kind) or isinstance(doc.get(key), bool):
            _fail(where, f"{key}: missing or not a {kind.__name__}")
    families = len(doc["families"])
    seen = set()
    for i, b in enumerate(doc["bins"]):
        if not isinstance(b, dict):
            _fail(where, f"bins[{i}]: not an object")
        for key, kind in _BIN_KEYS.items():
            if not isinstance(b.get(key), kind) or isinstance(b.get(key), bool):
                _fail(where, f"bins[{i}].{key}: missing or not a {kind.__name__}")
        if b["hits"] < 0:
            _fail(where, f"bins[{i}].hits: negative ({b['hits']})")
        if not 0 <= b["family"] < families:
            _fail(where, f"bins[{i}].family: {b['family']} is no family (0..{families - 1})")
        if b["name"] in seen:
            _fail(where, f"bins[{i}].name: '{b['name']}' appears twice")
        seen.add(b["name"])
        if "unreachable" in b and not isinstance(b["unreachable"], str):
            _fail(where, f"bins[{i}].unreachable: not a string")
    return doc


def load(path):
    """Reads and checks a coverage file."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        _fail(path, f"cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        _fail(f"{path}:{e.lineno}:{e.colno}", f"not JSON: {e.msg}")
    except ValueError as e:  # not UTF-8 text
        _fail(path, f"not a JSON text file: {e}")
    return validate(doc, str(path))


def merge(docs, names=None):
    """One coverage document of several: hits summed bin by bin, bins only some files have kept
    (several configs), runs summed, sources concatenated. Refuses files of another table."""
    if not docs:
        raise ToolError("nothing to merge", EXIT_INPUT)
    names = names or [f"file {i + 1}" for i in range(len(docs))]
    first = docs[0]
    bins = {}
    for doc, name in zip(docs, names):
        if doc["table_hash"] != first["table_hash"]:
            _fail(name, f"table_hash {doc['table_hash']} differs from {names[0]}'s {first['table_hash']}: "
                        "the files come from different coverage tables (lpusim versions) and cannot be merged")
        for b in doc["bins"]:
            key = (b["family"], tuple(b["at"]))
            if key in bins:
                if bins[key]["name"] != b["name"]:
                    _fail(name, f"bin '{b['name']}' has the place of '{bins[key]['name']}' in {names[0]}")
                bins[key]["hits"] += b["hits"]
            else:
                bins[key] = dict(b)
    return {
        "format": FORMAT,
        "version": VERSION,
        "table_hash": first["table_hash"],
        "runs": sum(d["runs"] for d in docs),
        "sources": [s for d in docs for s in d["sources"]],
        "families": first["families"],
        "bins": [bins[k] for k in sorted(bins)],
    }


def dumps(doc):
    """The file's text: one bin per line, deterministic."""
    head = {k: doc[k] for k in ("format", "version", "table_hash", "runs", "sources")}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v)},")
    lines.append('  "families": [')
    lines.append(",\n".join("    " + json.dumps(f) for f in doc["families"]))
    lines.append("  ],")
    lines.append('  "bins": [')
    lines.append(",\n".join("    " + json.dumps(b) for b in doc["bins"]))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def summary(doc):
    """Closure figures: per group and in all, bins defined, excluded (unreachable, with their
    reason), hit; the bins never hit; unreachable bins that were hit all the same."""
    groups = {}
    missed, excluded, surprises = [], [], []
    for b in doc["bins"]:
        group = doc["families"][b["family"]]["group"]
        g = groups.setdefault(group, {"bins": 0, "excluded": 0, "hit": 0})
        g["bins"] += 1
        if "unreachable" in b:
            g["excluded"] += 1
            excluded.append({"name": b["name"], "reason": b["unreachable"], "hits": b["hits"]})
            if b["hits"]:
                surprises.append(b["name"])
            continue
        if b["hits"]:
            g["hit"] += 1
        else:
            missed.append({"name": b["name"], "group": group, "description": b["description"]})
    for g in groups.values():
        g["goal"] = g["bins"] - g["excluded"]
        g["percent"] = round(100.0 * g["hit"] / g["goal"], 2) if g["goal"] else 100.0
    goal = sum(g["goal"] for g in groups.values())
    hit = sum(g["hit"] for g in groups.values())
    return {
        "table_hash": doc["table_hash"],
        "runs": doc["runs"],
        "bins": sum(g["bins"] for g in groups.values()),
        "goal": goal,
        "hit": hit,
        "percent": round(100.0 * hit / goal, 2) if goal else 100.0,
        "groups": groups,
        "missed": missed,
        "excluded": excluded,
        "unreachable_hit": surprises,
    }


def format_report(doc):
    """The text report: per-group closure, the bins never hit, the excluded ones and why."""
    s = summary(doc)
    out = [f"coverage: {s['hit']} of {s['goal']} bins hit ({s['percent']:.2f} %), "
           f"{len(s['excluded'])} excluded as unreachable, over {s['runs']} run(s); table {s['table_hash']}",
           "", f"{'group':<14} {'hit':>6} {'goal':>6} {'percent':>8} {'excluded':>9}"]
    for name, g in s["groups"].items():
        out.append(f"{name:<14} {g['hit']:>6} {g['goal']:>6} {g['percent']:>7.2f}% {g['excluded']:>9}")
    out.append("")
    if s["missed"]:
        out.append(f"never hit ({len(s['missed'])}):")
        out.extend(f"  {m['name']:<40} {m['description']}" for m in s["missed"])
    else:
        out.append("never hit: none")
    out.append("")
    out.append(f"excluded as unreachable ({len(s['excluded'])}):")
    out.extend(f"  {e['name']:<40} {e['reason']}" for e in s["excluded"])
    if s["unreachable_hit"]:
        out.append("")
        out.append("hit although listed unreachable (the table's reason is wrong): " + ", ".join(s["unreachable_hit"]))
    return "\n".join(out) + "\n"


def table_markdown(doc):
    """The bin table as docs/coverage.md shows it (its "Bins" section is this text): a row per
    family, then the bins no run reaches with the reason. From a coverage file, which carries the
    table (tb/coverage/CoverageTable.cpp)."""
    out = ["| bins | group | one bin per | what counts |", "| --- | --- | --- | --- |"]
    for f in doc["families"]:
        pattern = f["pattern"]
        for d in f["domains"]:
            pattern = pattern.replace("{}", "{" + d + "}", 1)
        per = []
        for d, v in zip(f["domains"], f.get("values") or [None] * len(f["domains"])):
            if isinstance(v, list):
                per.append(f"{d} ({len(v)}): " + ", ".join(f"`{x}`" for x in v))
            else:
                per.append(f"{d}: one per {v}" if v else d)
        how = f["how"].replace("|", "\\|")
        out.append(f"| `{pattern}` | {f['group']} | {' x '.join(per)} | {how} |")
    out += ["", "| unreachable bin | why no run reaches it |", "| --- | --- |"]
    out += [f"| `{b['name']}` | {b['unreachable']} |" for b in doc["bins"] if "unreachable" in b]
    out += ["", f"<details><summary>every bin of this file ({len(doc['bins'])}), with its description</summary>", "",
            "| bin | description |", "| --- | --- |"]
    out += [f"| `{b['name']}` | {b['description']} |" for b in doc["bins"]]
    out += ["", "</details>"]
    return "\n".join(out) + "\n"
