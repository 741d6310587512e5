#!/usr/bin/python3
"""`lpusim system --links` against the link timing formulas of docs/system.md ("Link timing"),
written out here independently in exact rational arithmetic, for every link direction of a
system file: the link's parameters (link_defaults, per-link overrides, the first chip type's
cable and SerDes latencies as defaults), each chip's clock (nominal frequency and ppm), line
bits for FEC none and RS(n,k), serialisation, latency and busy cycles.

With --run, the system also runs (`lpusim run --system`, no programs) and the latency each
link's statistics report must be the plan's.

  check_link_plan.py LPUSIM SYSTEM WORKDIR [--run]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from math import ceil

import yaml

LINK_DEFAULTS = {"framing_overhead": Fraction(1, 40), "fec": "kp4", "fec_latency": 0, "ber": 0}
CODES = {"kp4": (544, 514), "kr4": (528, 514), "none": None}


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def exact(v):
    return Fraction(str(v))


def code(name):
    if name in CODES:
        return CODES[name]
    m = re.fullmatch(r"rs\((\d+),(\d+)\)", name)
    if not m:
        fail(f"unknown FEC '{name}'")
    return int(m.group(1)), int(m.group(2))


def line_bits(vector_bytes, framing, fec):
    payload = vector_bytes * 8 * (1 + framing)
    nk = code(fec)
    if nk is None:
        return ceil(payload)
    n, k = nk
    symbols = ceil(payload / 10)
    codewords = ceil(Fraction(symbols, k))
    return (symbols + codewords * (n - k)) * 10


def link_params(system, types, k):
    """Link k's parameters as the file gives them (custom links may override link_defaults)."""
    first = types[0]["params"]
    p = {"cable_latency": first["c2c.cable_latency"], "serdes_latency": first["c2c.serdes_latency"],
         **LINK_DEFAULTS}
    p.update(system.get("link_defaults") or {})
    links = system.get("links") or []
    if system["topology"]["kind"] == "custom":
        p.update({key: v for key, v in links[k].items() if key not in ("a", "b", "a_port", "b_port")})
    elif links:
        fail("per-link parameters of generated topologies are not checked here")
    p["framing_overhead"] = exact(p["framing_overhead"])
    return p


def expected_direction(d, p, sender_type, sender_period_fs):
    c = sender_type["params"]
    vector_bytes = c["geometry.superlanes"] * c["geometry.lanes_per_superlane"]
    bits = line_bits(vector_bytes, p["framing_overhead"], p["fec"])
    bits_per_ps = c["c2c.lanes_per_link"] * exact(c["c2c.gbps_per_lane"]) / 1000
    serialise = ceil(bits / bits_per_ps)
    period_ps = round(Fraction(10**6) / exact(c["clock_mhz"]))
    latency = serialise + (p["cable_latency"] + p["serdes_latency"] + p["fec_latency"]) * period_ps
    busy = ceil(Fraction(serialise * 1000, sender_period_fs))
    return {"vector_bytes": vector_bytes, "line_bits": bits, "serialise_ps": serialise, "latency_ps": latency,
            "busy_cycles": busy}


def check_chips(system, plan, types):
    chips = system.get("chips") or {}
    for c in plan["chips"]:
        mine = chips.get(c["name"]) or {}
        if "ppm" in mine and c["ppm"] != mine["ppm"]:
            fail(f"chip {c['name']}: ppm {c['ppm']}, the file gives {mine['ppm']}")
        mhz = exact(types[c["type"]]["params"]["clock_mhz"])
        want = round(Fraction(10**9) / (mhz * (1 + exact(c["ppm"]) / 10**6)))
        if abs(c["period_fs"] - want) > 0:
            fail(f"chip {c['name']}: period {c['period_fs']} fs, expected {want} fs ({mhz} MHz, {c['ppm']} ppm)")
        if c["start_offset_ps"] != mine.get("start_offset_ps", c["start_offset_ps"]):
            fail(f"chip {c['name']}: start offset {c['start_offset_ps']} ps, the file gives {mine['start_offset_ps']}")


def check_plan(system, plan):
    types = {t["name"]: t for t in plan["types"]}
    chips = {c["name"]: c for c in plan["chips"]}
    check_chips(system, plan, types)
    checked = 0
    for k, link in enumerate(plan["links"]):
        p = link_params(system, plan["types"], k)
        for key in ("cable_latency", "serdes_latency", "fec_latency", "fec"):
            if link[key] != p[key]:
                fail(f"link {k}: {key} {link[key]}, the file makes it {p[key]}")
        a, b = link["directions"]
        if (a["from"], a["from_port"], a["to"], a["to_port"]) != (b["to"], b["to_port"], b["from"], b["from_port"]):
            fail(f"link {k}: its two directions do not join the same two ports")
        for d in link["directions"]:
            sender = chips[d["from"]]
            want = expected_direction(d, p, types[sender["type"]], sender["period_fs"])
            got = {key: d[key] for key in want}
            if got != want:
                fail(f"link {k} {d['from']} C2C.{d['from_port']} -> {d['to']} C2C.{d['to_port']}: {got}, "
                     f"the formulas give {want}")
            checked += 1
    return checked


def check_run(lpusim, system_path, plan, workdir):
    stats_path = os.path.join(workdir, "stats.json")
    p = subprocess.run([lpusim, "run", "--system", system_path, "--stats", stats_path], capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail(f"lpusim run --system {system_path}: exit {p.returncode}\n{p.stderr}")
    stats = json.load(open(stats_path))
    for k, (link, ran) in enumerate(zip(plan["links"], stats["links"])):
        d = link["directions"][0]
        if ran["a"] != f"{d['from']} C2C.{d['from_port']}" or ran["b"] != f"{d['to']} C2C.{d['to_port']}":
            fail(f"link {k}: the run joins {ran['a']} and {ran['b']}, the plan {d['from']} and {d['to']}")
        if ran["latency_ps"] != d["latency_ps"]:
            fail(f"link {k}: the run's latency {ran['latency_ps']} ps, the plan's {d['latency_ps']} ps")
    if len(stats["links"]) != len(plan["links"]):
        fail(f"the run has {len(stats['links'])} links, the plan {len(plan['links'])}")
    print(f"ok: the run's {len(stats['links'])} links have the plan's ends and latencies")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim")
    ap.add_argument("system")
    ap.add_argument("workdir")
    ap.add_argument("--run", action="store_true", help="also run the system and compare its link statistics")
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    out = os.path.join(a.workdir, "links.json")
    p = subprocess.run([a.lpusim, "system", "--system", a.system, "--links", out], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"lpusim system --links: exit {p.returncode}\n{p.stderr}")
    plan = json.load(open(out))
    system = yaml.safe_load(open(a.system))["system"]
    n = check_plan(system, plan)
    print(f"ok: {n} link directions of {a.system} as the formulas give them")
    if a.run:
        check_run(a.lpusim, a.system, plan, a.workdir)
    print("PASS")


if __name__ == "__main__":
    main()
