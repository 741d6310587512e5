"""lpusim's derived figures as scripts read them, and the Python reference they are checked against.

What lpusim reports comes from its own JSON outputs (`lpusim info --json`, `lpusim system --json`
and `--links`, `lpusim compile --report`); `lpusim config` and `lpusim system --config` give the
resolved parameters. `expected_chip_figures` and `expected_system_chips` are the formulas of
docs/architecture.md and docs/system.md written out again in Python, independently of the C++
(models/spec/ChipInfo.cpp, models/topology/): the reference of scripts/validate.py's consistency
check and of CTest cli.info-json. `hop_distances` is an exact all-pairs breadth-first search in
numpy, the reference for a system's diameter and mean distance.
"""
import json
import math
import pathlib
import tempfile

import numpy as np
import yaml

from lpusimtools.common import EXIT_INPUT, ToolError, first_error_line, run_lpusim


def _run_json(exe, args, out_flag, what):
    """Runs lpusim with `out_flag FILE` appended and returns (parsed FILE, stdout)."""
    with tempfile.TemporaryDirectory(prefix="lpusim-fig-") as tmp:
        out = pathlib.Path(tmp) / "out.json"
        proc = run_lpusim(exe, list(args) + [out_flag, out])
        if not out.is_file():
            raise ToolError(f"{what}: lpusim {' '.join(map(str, args))}: {first_error_line(proc)}", EXIT_INPUT)
        try:
            return json.loads(out.read_text()), proc
        except json.JSONDecodeError as e:
            raise ToolError(f"{what}: lpusim wrote JSON that does not parse: {e}", EXIT_INPUT)


def chip_info(exe, config):
    """`lpusim info --config CONFIG --json`: {"chip", "config", "figures": {name: {value, unit, formula}}}."""
    doc, _ = _run_json(exe, ["info", "--config", config], "--json", str(config))
    if not isinstance(doc, dict) or not isinstance(doc.get("figures"), dict):
        raise ToolError(f"{config}: lpusim info --json has no 'figures' object", EXIT_INPUT)
    return doc


def resolved_config(exe, config, system=False):
    """Every parameter of a chip config (`lpusim config`) or a system file (`lpusim system --config`),
    resolved with its defaults, as a nested dict."""
    args = ["system", "--system", config, "--config"] if system else ["config", config]
    proc = run_lpusim(exe, args)
    if proc.returncode != 0:
        raise ToolError(f"{config}: {first_error_line(proc)}", EXIT_INPUT)
    try:
        return yaml.safe_load(proc.stdout)
    except yaml.YAMLError as e:
        raise ToolError(f"{config}: lpusim {args[0]} printed YAML that does not parse: {e}", EXIT_INPUT)


def system_figures(exe, system, links=False):
    """`lpusim system --json` (and with links=True also `--links`) of a system file: (figures, links or
    None). `lpusim system` exits 1 when a published check fails; its JSON is still written."""
    with tempfile.TemporaryDirectory(prefix="lpusim-sys-") as tmp:
        fig, lnk = pathlib.Path(tmp) / "figures.json", pathlib.Path(tmp) / "links.json"
        args = ["system", "--system", system, "--json", fig] + (["--links", lnk] if links else [])
        proc = run_lpusim(exe, args)
        if proc.returncode not in (0, 1) or not fig.is_file():
            raise ToolError(f"{system}: {first_error_line(proc)}", EXIT_INPUT)
        try:
            return json.loads(fig.read_text()), json.loads(lnk.read_text()) if links else None
        except json.JSONDecodeError as e:
            raise ToolError(f"{system}: lpusim system wrote JSON that does not parse: {e}", EXIT_INPUT)


def expected_chip_figures(resolved):
    """The derived figures of a resolved chip config (`lpusim config` as a dict), from the formulas
    written out here: name -> value in SI base units."""
    c = resolved["chip"]
    hz = c["clock_mhz"] * 1e6
    lanes = c["geometry"]["superlanes"] * c["geometry"]["lanes_per_superlane"]
    m, mem, st, c2c = c["mxm"], c["mem"], c["streams"], c["c2c"]
    vector = lanes  # a vector is one byte per lane
    macs_per_cycle = m["planes"] * m["rows"] * m["cols"]
    peak_int8 = 2 * macs_per_cycle * hz
    link_bytes_per_s = c2c["lanes_per_link"] * c2c["gbps_per_lane"] * 1e9 / 8
    per_direction = c2c["links"] * link_bytes_per_s
    return {
        "clock": hz,
        "lanes": lanes,
        "peak_int8": peak_int8,
        "peak_fp16": peak_int8 / m["fp16_issue_interval"],
        "sram_capacity": mem["slices"] * mem["banks"] * mem["words_per_bank"] * vector,
        "sram_bandwidth": mem["slices"] * 2 * vector * hz,
        "stream_bandwidth": (st["east"] + st["west"]) * vector * hz,
        "c2c_bandwidth_per_direction": per_direction,
        "c2c_bandwidth": 2 * per_direction,
        "c2c_vector_cycles": math.ceil(vector / (link_bytes_per_s / hz)) if link_bytes_per_s else math.inf,
    }


def expected_system_chips(resolved):
    """The number of chips a system file makes (`lpusim system --config` as a dict), by the rules of
    docs/system.md "Generated topologies"."""
    s = resolved["system"]
    topo = s["topology"]
    kind = topo["kind"]
    if kind == "pair":
        return 2
    if kind == "node":
        return topo["chips"]
    if kind == "rack":
        return 72
    if kind == "dragonfly":
        return 72 * topo["racks"]
    return len(s.get("chips") or {})


def close(a, b, rel=1e-12):
    """Equal up to the rounding of a double (both may be huge: 7.4e14 ops/s)."""
    if a == b:
        return True
    if a is None or b is None or not all(map(math.isfinite, (a, b))):
        return False
    return abs(a - b) <= rel * max(abs(a), abs(b))


def hop_distances(chips, links):
    """Exact hop counts between every two chips of a system: chips is the list of names, links pairs
    (a, b) of names. A breadth-first search from every chip at once, each chip holding a bitset of
    the sources that reached it (rows of uint8): each level ORs every chip's neighbours' rows.
    Returns (histogram {distance: ordered pairs}, unreachable ordered pairs)."""
    index = {name: i for i, name in enumerate(chips)}
    n = len(chips)
    ends = np.array([(index[a], index[b]) for a, b in links], dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([ends[:, 0], ends[:, 1]])
    dst = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.argsort(dst, kind="stable")
    src, dst = src[order], dst[order]
    starts = np.searchsorted(dst, np.arange(n))
    has = np.zeros(n, dtype=bool)
    has[dst] = True
    words = (n + 63) // 64
    bits = np.zeros((n, words * 64), dtype=bool)
    bits[np.arange(n), np.arange(n)] = True
    reached = np.packbits(bits, axis=1).view(np.uint64)  # row v: the sources that reached chip v
    del bits
    hist, total, d = {}, n, 0
    frontier = reached.copy()
    while True:
        d += 1
        spread = np.zeros_like(reached)
        if len(src):
            spread[has] = np.bitwise_or.reduceat(frontier[src], starts[has], axis=0)
        new = spread & ~reached
        count = int(_POPCOUNT[new.view(np.uint8)].sum(dtype=np.int64))
        if count == 0:
            break
        hist[d] = count
        total += count
        reached |= new
        frontier = new
    return hist, n * n - total


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def diameter_and_mean(hist):
    if not hist:
        return 0, 0.0
    pairs = sum(hist.values())
    return max(hist), sum(d * c for d, c in hist.items()) / pairs
