#!/usr/bin/python3
"""A generated system workload (examples/system/gen_system.py) through `lpusim run --system`
equals numpy bit for bit on every chip it names, and its links carried what the schedule sent.

Generates the workload into WORKDIR/gen, runs it with the tensors of its run.json loaded and
dumped, and compares every dump with the generator's numpy-expected array (dtype, shape, bytes).
Then checks the run's statistics against the schedule: every chip's vectors sent and received
and, per link direction, the vectors it carried and its latency as the generator computed it; for
a multi-hop transfer also the trace (a track per hop, each vector's flight the link's latency).
With --early, the first Receive of the second chip of a pipeline is moved one cycle earlier, before
its vector arrives, and the run must stop with that schedule error (the cycles are exact, not just
early enough). With --mpirun, the same run also goes through check_system_ranks.py (plain, 2 threads, 1, 2 and 3
ranks: byte-identical dumps, statistics and trace).

    check_system_example.py LPUSIM WORKDIR [--mpirun M] [--threads N] [--early] -- WORKLOAD [ARGS...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(ROOT, "examples", "system", "gen_system.py")


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim")
    ap.add_argument("workdir")
    ap.add_argument("--mpirun", default="", help="also check the run's bytes over threads and ranks")
    ap.add_argument("--threads", type=int, default=1, help="threads of the checked run (default 1)")
    ap.add_argument("--cosim", action="store_true",
                    help="also run every chip's MXM on its Verilated RTL (--cosim mxm): every result beat the "
                         "schedule makes must be checked, value and cycle")
    ap.add_argument("--early", action="store_true", help="also require a Receive one cycle early to fail")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    gen_args = argv[cut + 1:]  # gen_system.py's workload and arguments
    if not gen_args:
        ap.error("give the workload after --, e.g. -- pipeline --chips 4")
    if a.threads < 1:
        ap.error(f"--threads: {a.threads} is not a positive number")
    shutil.rmtree(a.workdir, ignore_errors=True)
    gen, got = os.path.join(a.workdir, "gen"), os.path.join(a.workdir, "got")
    os.makedirs(got)
    p = subprocess.run([sys.executable, GEN, *gen_args, "--out", gen, "--lpusim", a.lpusim], capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail(f"gen_system.py {' '.join(gen_args)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    print(p.stdout.strip())
    run = json.load(open(os.path.join(gen, "run.json")))
    sched = json.load(open(os.path.join(gen, "schedule.json")))

    def lpusim_args(out):
        args = ["run", "--system", os.path.join(gen, run["system"]), "--programs", os.path.join(gen, run["programs"])]
        for chip, name, f in run["load"]:
            args += ["--load", f"{chip}:{name}={os.path.join(gen, f)}"]
        for chip, name, _ in run["dump"]:
            args += ["--dump", f"{chip}:{name}={out}/{chip}.{name}.npy"]
        return args + ["--stats", f"{out}/stats.json", "--trace", f"{out}/trace.json"]

    cmd = [a.lpusim, *lpusim_args(got), "--threads", str(a.threads)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"exit {p.returncode}\n$ {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    print(p.stdout.strip())
    for chip, name, f in run["dump"]:
        want, have = np.load(os.path.join(gen, f)), np.load(os.path.join(got, f"{chip}.{name}.npy"))
        if want.dtype != have.dtype or want.shape != have.shape:
            fail(f"{chip}:{name}: {have.dtype} {have.shape}, expected {want.dtype} {want.shape}")
        if not np.array_equal(want, have):
            bad = np.argwhere(want != have)
            fail(f"{chip}:{name}: {len(bad)} elements differ, first at {bad[0].tolist()}: "
                 f"{have[tuple(bad[0])]} instead of {want[tuple(bad[0])]}")
    print(f"ok: {len(run['dump'])} tensors on {len({d[0] for d in run['dump']})} chips equal numpy bit for bit")
    if a.cosim:
        os.makedirs(os.path.join(a.workdir, "cosim"))
        check_cosim(a.lpusim, lpusim_args(os.path.join(a.workdir, "cosim")), sched)

    stats = json.load(open(os.path.join(got, "stats.json")))
    check_links(stats, sched)
    if sched["workload"] == "multihop":
        check_hops(json.load(open(os.path.join(got, "trace.json"))), stats, sched)
    if a.early:
        check_early(a.lpusim, gen, sched, lpusim_args(os.path.join(a.workdir, "early")))
    if a.mpirun:
        p = subprocess.run([sys.executable, os.path.join(HERE, "check_system_ranks.py"), a.lpusim, a.mpirun,
                            os.path.join(a.workdir, "ranks"), "--", *lpusim_args("{out}")],
                           capture_output=True, text=True)
        print(p.stdout.strip())
        if p.returncode != 0:
            fail(f"check_system_ranks.py: exit {p.returncode}\n{p.stderr}")
    print("PASS")


def check_cosim(lpusim, args, sched):
    """The same run with every chip's MXM planes on the RTL: one result beat per row and layer."""
    if sched["workload"] != "pipeline":
        fail("--cosim: only the pipeline drives the MXM")
    want = len(sched["chain"]) * sched["rows"]
    p = subprocess.run([lpusim, *args, "--cosim", "mxm"], capture_output=True, text=True)
    m = re.search(r"MXM co-simulation in every chip: (\d+) result beats checked, value and cycle, .*: PASS",
                  p.stdout)
    if p.returncode != 0 or not m:
        fail(f"--cosim mxm: exit {p.returncode}\n{p.stdout}{p.stderr}")
    if int(m.group(1)) != want:
        fail(f"--cosim mxm checked {m.group(1)} result beats; the schedule makes {want}")
    print(f"ok: {m.group(0)}")


def check_early(lpusim, gen, sched, args):
    """Moves the second chip's first Receive one cycle before the arrival the generator computed."""
    if sched["workload"] != "pipeline" or len(sched["chain"]) < 2:
        fail("--early needs a pipeline of 2 or more chips")
    chip = sched["chips"][1]
    send, arrival, recv = chip["receive"][0]
    if recv != arrival:
        fail(f"{chip['chip']}: the first Receive is in cycle {recv}, not at its arrival {arrival}")
    path = os.path.join(gen, "programs", chip["chip"] + ".s")
    text = open(path).read()
    queue = f".queue C2C.{chip['in_port']}\n    NOP {recv}\n    Receive"
    if queue not in text:
        fail(f"{path}: no '{queue}'")
    os.makedirs(args[args.index("--stats") + 1].rsplit("/", 1)[0], exist_ok=True)
    try:
        with open(path, "w") as f:
            f.write(text.replace(queue, queue.replace(f"NOP {recv}", f"NOP {recv - 1}")))
        p = subprocess.run([lpusim, *args], capture_output=True, text=True)
    finally:
        with open(path, "w") as f:
            f.write(text)
    want = (f"cycle {recv - 1}: C2C.{chip['in_port']}: 'Receive s24w'", "nothing has arrived on link",
            f"the next vector arrives in cycle {arrival}")
    if p.returncode != 1 or not all(w in p.stderr for w in want):
        fail(f"a Receive one cycle early: exit {p.returncode}, expected 1 and {want}\n{p.stdout}{p.stderr}")
    print(f"ok: {chip['chip']}'s first Receive one cycle early (cycle {recv - 1}) is a schedule error: "
          f"{p.stderr.strip().splitlines()[0]}")


def check_links(stats, sched):
    """Per link direction: the vectors the schedule sends over it, and its latency."""
    link = sched["link"]
    moved = 0
    for l in stats["links"]:
        if l["latency_ps"] != link["latency_ps"]:
            fail(f"link {l['a']} - {l['b']}: latency {l['latency_ps']} ps, the generator computed "
                 f"{link['latency_ps']} ps")
        moved += l["a_to_b"]["vectors"] + l["b_to_a"]["vectors"]
    sent = sum(c["c2c"]["sent"] for c in stats["chips"].values())
    received = sum(c["c2c"]["received"] for c in stats["chips"].values())
    w = sched["workload"]
    if w == "pipeline":
        want = (len(sched["chain"]) - 1) * sched["rows"]
    elif w == "allreduce":  # each chip: 7 shards out (reduce-scatter) and its shard to 7 (all-gather), 4 planes a row
        want = 2 * (sched["chips"] - 1) * 4 * sched["rows"] * sched["nodes"]
    else:
        want = (len(sched["route"]) - 1) * sched["rows"]
    if not sent == received == moved == want:
        fail(f"vectors sent {sent}, received {received}, carried by links {moved}; the schedule moves {want}")
    print(f"ok: {want} vectors sent, carried and received, every link's latency {link['latency_ps']} ps")


def check_hops(trace, stats, sched):
    """Every hop of the route is a link track in the trace whose vectors each fly for the link's
    latency, leaving at the cycle the schedule sent them; no other link carries anything."""
    names = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"] if e.get("ph") == "M" and e.get("pid") == 0
             and e.get("name") == "thread_name"}
    flights = {}
    for e in trace["traceEvents"]:
        if e.get("cat") == "C2C" and e.get("pid") == 0:
            flights.setdefault(names[e["tid"]], []).append(e)
    route, hops, lat_us = sched["route"], sched["hops"], sched["link"]["latency_ps"] / 1e6
    period_fs = sched["link"]["period_fs"]
    if len(flights) != len(route) - 1:
        fail(f"{len(flights)} link tracks carry vectors, the route has {len(route) - 1} hops")
    for h in range(1, len(route)):
        track = next((t for t in flights if t.split()[2].startswith(route[h - 1] + ".C2C.")
                      and t.split()[4].startswith(route[h] + ".C2C.")), None)
        if track is None:
            fail(f"no trace track carries hop {h} ({route[h - 1]} -> {route[h]}); tracks: {sorted(flights)}")
        evs = sorted(flights[track], key=lambda e: e["ts"])
        sends = hops[h - 1]["sends"]
        for e, s in zip(evs, sends):
            if abs(e["dur"] - lat_us) > 1e-6 or abs(e["ts"] - s * period_fs // 1000 / 1e6) > 1e-6:
                fail(f"hop {h} ({track}): a vector at {e['ts']} us for {e['dur']} us; the schedule sent it in cycle "
                     f"{s}, for {lat_us} us")
        if len(evs) != len(sends):
            fail(f"hop {h} ({track}): {len(evs)} vectors, the schedule sent {len(sends)}")
        fwd = hops[h].get("forward_cycles")
        print(f"ok: hop {h} {track}: {len(evs)} vectors, each {e['dur']:.6f} us on the link "
              f"({hops[h]['link_cycles']} cycles Send to arrival)"
              + (f", forwarded {fwd} cycles after it arrives" if fwd is not None else ""))


if __name__ == "__main__":
    main()
