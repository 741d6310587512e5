#!/usr/bin/python3
"""Tests of scripts/sweep.py (docs/sweep.md), one part per CTest case:

  grid      a grid and a list point on tiny, compiled and run: every point has its row, simulated
            cycles equal predicted, each row's parameters are in its config as `lpusim config`
            resolves it (a config the test builds itself, its hash computed here), and figures
            follow independent formulas (MACs = M*K*N, peak ops = planes x lanes^2 x 2 x clock,
            achieved ops = 2 MACs / time, cycles independent of the clock, more planes fewer
            cycles on a 16-tile GEMM, a longer MEM read latency no fewer cycles).
  resume    the driver killed (SIGKILL, then SIGINT) after some rows and restarted, with a torn
            last line appended in between: every point ran to completion once (counted by an
            lpusim wrapper), the JSON lines hold each point once, and the table equals an
            uninterrupted run's (wall_s aside); no worker or lpusim outlives the driver.
  failures  an invalid value, a workload that does not fit, a timeout, a cycle mismatch and a
            worker that keeps dying are failed rows with their reasons, never dropped;
            --retry-failed runs them again and the CSV shows the new row, the JSON lines both.
  dask      a LocalCluster on loopback (2 worker processes, 1 thread each): the same rows as the
            local pool; a worker killed mid-sweep still gives every row exactly once; a point
            that kills every worker that runs it is a failed row (KilledWorker).
  system    generated system programs (gen_system.py): a pipeline over chips x cable latency
            and an all-reduce over link BER, outputs equal numpy, the values in each system file.
  errors    bad flags, specs and output directories: the documented exit code and one line.

    check_sweep.py LPUSIM WORKDIR PART
"""
import csv
import hashlib
import json
import logging
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SWEEP = ROOT / "scripts" / "sweep.py"
TINY = ROOT / "configs" / "tiny.yaml"
GEMM64 = ROOT / "tests" / "data" / "sweeps" / "gemm_64.yaml"
TOO_BIG = ROOT / "tests" / "data" / "sweeps" / "too_big.yaml"
LANES = 16  # tiny: 1 superlane x 16 lanes (configs/tiny.yaml)


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def check(cond, msg):
    if not cond:
        fail(msg)


def sweep(spec, out, *flags, lpusim, timeout=300, expect=0):
    cmd = [sys.executable, str(SWEEP), str(spec), "--out", str(out), "--lpusim", str(lpusim), "-q", *map(str, flags)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if expect is not None and p.returncode != expect:
        fail(f"exit {p.returncode}, expected {expect}: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p


def write_spec(path, doc):
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def jsonl(out):
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def csv_rows(out):
    with open(out / "results.csv", newline="") as f:
        return list(csv.DictReader(f))


def without_wall(rows):
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]


def canonical_hash(doc):
    """sha256 of the document as canonical JSON (sorted keys, no spaces), written out here."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def lookup(doc, path):
    for k in path.split("."):
        doc = doc[k]
    return doc


def wrapper(work, lpusim, body=""):
    """An lpusim that logs every call (pid, arguments) to WORK/calls.log, runs `body` (sh, with
    $cfg the --config file), then the real binary."""
    w = work / "lpusim-wrapper.sh"
    w.write_text(f"""#!/bin/sh
echo "$$ $*" >> {work}/calls.log
cfg=""; prev=""
for a in "$@"; do [ "$prev" = "--config" ] && cfg="$a"; prev="$a"; done
{body}
exec {lpusim} "$@"
""")
    w.chmod(0o755)
    return w


# ------------------------------------------------------------------------- (a) grid

def grid_spec(work, extra=()):
    return write_spec(work / "grid.yaml", {"version": 1, "sweep": {
        "name": "grid", "config": str(TINY), "mode": "run",
        "grid": {"chip.mxm.planes": [2, 4, 8], "chip.clock_mhz": [900, 1000]},
        "list": [{"chip.mxm.planes": 4, "chip.mem.read_latency": 3}, *extra],
        "workloads": [str(GEMM64)]}})


def part_grid(lpusim, work):
    spec = grid_spec(work)
    out = work / "out"
    p = sweep(spec, out, lpusim=lpusim)
    meta = json.loads((out / "sweep.json").read_text())
    points = meta["points"]
    check(len(points) == 7, f"sweep.json lists {len(points)} points, expected 3 x 2 + 1 = 7")
    rows = csv_rows(out)
    check([r["point"] for r in rows] == [pt["point"] for pt in points], "the CSV's points are not sweep.json's")
    check(len(jsonl(out)) == 7, "results.jsonl does not hold exactly one row per point")
    base = yaml.safe_load(subprocess.run([lpusim, "config", TINY], capture_output=True, text=True, check=True).stdout)
    for r, pt in zip(rows, points):
        check(r["status"] == "ok" and r["error"] == "", f"point {r['point']}: {r['status']} {r['error']}")
        check(int(r["predicted_cycles"]) == int(r["simulated_cycles"]) == int(r["stats.cycles"]),
              f"point {r['point']}: predicted {r['predicted_cycles']}, simulated {r['simulated_cycles']}")
        # The config, built here from tiny.yaml and the point's values, resolved by lpusim.
        doc = yaml.safe_load(TINY.read_text())
        for key, value in pt["params"].items():
            node = doc
            for k in key.split(".")[:-1]:
                node = node.setdefault(k, {})
            node[key.split(".")[-1]] = value
        own = work / f"own-{r['point']}.yaml"
        own.write_text(yaml.safe_dump(doc))
        resolved = yaml.safe_load(subprocess.run([lpusim, "config", own], capture_output=True, text=True,
                                                 check=True).stdout)
        check(canonical_hash(resolved) == r["config_hash"], f"point {r['point']}: config_hash is not the resolved "
                                                             f"config's sha256")
        written = yaml.safe_load(subprocess.run([lpusim, "config", out / pt["config"]], capture_output=True,
                                                text=True, check=True).stdout)
        check(written == resolved, f"point {r['point']}: {pt['config']} does not resolve to the point's config")
        for key in ("chip.mxm.planes", "chip.clock_mhz", "chip.mem.read_latency"):
            want = pt["params"].get(key, lookup(base, key))
            check(float(lookup(resolved, key)) == float(want), f"point {r['point']}: resolved {key} is "
                                                               f"{lookup(resolved, key)}, the point says {want}")
            if key in meta["axes"]:
                check(float(r[f"param.{key}"]) == float(want), f"point {r['point']}: param.{key} = "
                                                               f"{r['param.' + key]}, expected {want}")
        planes, clock = int(r["param.chip.mxm.planes"]), float(r["param.chip.clock_mhz"])
        check(float(r["clock_mhz"]) == clock, f"point {r['point']}: clock_mhz {r['clock_mhz']}")
        check(int(r["stats.macs"]) == int(r["macs"]) == 64 * 64 * 64, f"point {r['point']}: {r['stats.macs']} MACs, "
                                                                      f"a 64^3 GEMM is {64 ** 3}")
        peak = planes * LANES * LANES * 2 * clock * 1e6
        check(abs(float(r["stats.peak_int8_ops_per_s"]) / peak - 1) < 1e-5,
              f"point {r['point']}: peak {r['stats.peak_int8_ops_per_s']}, planes x lanes^2 x 2 x clock = {peak}")
        achieved = 2 * 64 ** 3 / (int(r["simulated_cycles"]) / (clock * 1e6))
        check(abs(float(r["stats.achieved_ops_per_s"]) / achieved - 1) < 1e-5,
              f"point {r['point']}: achieved {r['stats.achieved_ops_per_s']}, 2 MACs / time = {achieved}")
    cycles = {(int(r["param.chip.mxm.planes"]), float(r["param.chip.clock_mhz"]),
               int(r["param.chip.mem.read_latency"])): int(r["simulated_cycles"]) for r in rows}
    for planes in (2, 4, 8):  # the clock sets the time of a cycle, not the schedule
        check(cycles[(planes, 900, 2)] == cycles[(planes, 1000, 2)], f"{planes} planes: cycles change with the clock")
    # 16 weight tiles of 16 x 16 shared by more planes: fewer cycles, never more
    check(cycles[(2, 900, 2)] > cycles[(4, 900, 2)] >= cycles[(8, 900, 2)],
          f"cycles by planes 2/4/8: {cycles[(2, 900, 2)]}, {cycles[(4, 900, 2)]}, {cycles[(8, 900, 2)]}")
    check(cycles[(4, 900, 3)] >= cycles[(4, 900, 2)], "a longer MEM read latency took fewer cycles")
    last = {r["point"]: r for r in jsonl(out)}
    for r in rows:  # the CSV is the JSON lines' view
        j = last[r["point"]]
        for k in ("config_hash", "predicted_cycles", "stats.sram_bytes_read", "report.mxm_utilisation"):
            check(str(j[k]) == r[k], f"point {r['point']}: {k} is {j[k]} in the JSON lines, {r[k]} in the CSV")
    check(len(rows[0]) > 500, f"only {len(rows[0])} columns: every statistic should be one")
    print(f"ok: 7 points compiled and run, cycles exact, parameters in the resolved configs, {len(rows[0])} "
          f"columns; cycles by planes 2/4/8: {cycles[(2, 900, 2)]}/{cycles[(4, 900, 2)]}/{cycles[(8, 900, 2)]}")
    # Run again: nothing to do, the same table.
    before = (out / "results.csv").read_text()
    p = sweep(spec, out, lpusim=lpusim)
    check("7 of 7 points already" in p.stderr and "(0 run now)" in p.stdout, f"a finished sweep ran again:\n{p.stderr}")
    check((out / "results.csv").read_text() == before and len(jsonl(out)) == 7, "a finished sweep changed its table")
    print("ok: run again, nothing runs and the table stays")


# ------------------------------------------------------------------------- (b) resume

def wait_rows(out, n, proc, limit=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        f = out / "results.jsonl"
        if f.exists() and f.read_bytes().count(b"\n") >= n:
            return
        if proc.poll() is not None:
            fail(f"the sweep ended (exit {proc.returncode}) before {n} rows")
        time.sleep(0.02)
    fail(f"no {n} rows after {limit} s")


def leftovers(marker):
    """Processes whose command line mentions `marker` (a test's own directory)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmd and "check_sweep.py" not in cmd:
                found.append(f"{pid}: {cmd}")
    return found


def compiles(lines):
    """Compile calls per config, from lines of the wrapper's log."""
    counts = {}
    for line in lines:
        args = line.split()[1:]
        if args and args[0] == "compile":
            cfg = args[args.index("--config") + 1]
            counts[cfg] = counts.get(cfg, 0) + 1
    return counts


def part_resume(lpusim, work):
    spec = write_spec(work / "resume.yaml", {"version": 1, "sweep": {
        "name": "resume", "config": str(TINY), "mode": "run",
        "grid": {"chip.mxm.planes": [2, 4, 6, 8], "chip.mem.read_latency": [2, 3, 4]},
        "workloads": [str(GEMM64)]}})
    ref = work / "reference"
    sweep(spec, ref, "--jobs", 2, lpusim=lpusim)
    # Time to be interrupted: 0.2 s per run; 1.5 s for the 4th point (planes 4, read latency 2),
    # which is running when the 3rd row is in: its worker must die with the driver, not 1.5 s later.
    slow = wrapper(work, lpusim, 'case "$1" in run) sleep 0.2; grep -q "planes: 4" "$cfg" && '
                                 'grep -q "read_latency: 2" "$cfg" && sleep 1.3;; esac')
    out = work / "out"
    cmd = [sys.executable, str(SWEEP), str(spec), "--out", str(out), "--lpusim", str(slow), "-q", "--jobs", "2"]
    phases = []  # per interruption: the points recorded by then, and the calls logged by then
    for sig, after in ((signal.SIGKILL, 3), (signal.SIGINT, 7)):
        # Output to a file: workers that outlived the driver would hold a pipe open.
        with open(work / "driver.err", "w+") as errf:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, text=True)
            wait_rows(out, after, proc)
            proc.send_signal(sig)
            proc.wait(timeout=60)
            errf.seek(0)
            err = errf.read()
        name = signal.Signals(sig).name
        if sig == signal.SIGINT:
            check(proc.returncode == 130 and "interrupted" in err and "run the same command again" in err,
                  f"after SIGINT: exit {proc.returncode}, {err!r}")
            check("dropped a torn last line" in err, f"the torn last line was not reported:\n{err}")
        else:
            check(proc.returncode == -signal.SIGKILL, f"after SIGKILL: exit {proc.returncode}")
        t0 = time.monotonic()  # the workers die with the driver, not when their point is done
        while (left := leftovers(str(work))) and time.monotonic() - t0 < 0.3:
            time.sleep(0.02)
        check(not left, f"after {name} of the driver, still running:\n" + "\n".join(left))
        rows = jsonl(out)
        check(len(rows) < 12, f"{name} came too late to interrupt anything ({len(rows)} rows)")
        phases.append(({r["point"] for r in rows}, len((work / "calls.log").read_text().splitlines())))
        print(f"ok: {name} after {len(rows)} rows: exit {proc.returncode}, nothing left running")
        if sig == signal.SIGKILL:  # as if the kill had hit the middle of a write
            with open(out / "results.jsonl", "ab") as f:
                f.write(b'{"point": "0123456789ab", "status": "ok", "err')
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"resumed run: exit {p.returncode}\n{p.stderr}")
    rows = jsonl(out)
    points = [r["point"] for r in rows]
    check(len(points) == len(set(points)) == 12,
          f"{len(points)} rows for {len(set(points))} points, expected 12 once each")
    meta = json.loads((out / "sweep.json").read_text())
    config_of = {pt["point"]: pt["config"] for pt in meta["points"]}
    calls = (work / "calls.log").read_text().splitlines()
    for recorded, offset in phases:  # nothing recorded before a restart is compiled after it
        again = {c for c in compiles(calls[offset:]) for pt in recorded if config_of[pt] == c}
        check(not again, f"points recorded before a restart were compiled again: {sorted(again)}")
    check(all(config_of[pt] in compiles(calls) for pt in points), "a point has a row but was never compiled")
    check(without_wall(csv_rows(out)) == without_wall(csv_rows(ref)),
          "the interrupted and resumed table differs from the uninterrupted one")
    print(f"ok: resumed twice: 12 points once each ({len(phases[0][0])} and {len(phases[1][0])} recorded before the "
          f"restarts, none compiled again), the torn line dropped, the table equals an uninterrupted run's")


# ------------------------------------------------------------------------- (c) failures

def part_failures(lpusim, work):
    # clock 555: the run's statistics claim one cycle more than it took; 666: the run hangs;
    # 777: lpusim kills the worker process that runs it.
    body = '''case "$1" in run)
  if grep -q "clock_mhz: 555" "$cfg"; then "%s" "$@"; rc=$?
    sed -i 's/"cycles": \\([0-9]*\\)/"cycles": 1\\1/' stats.json; exit $rc; fi
  grep -q "clock_mhz: 666" "$cfg" && exec sleep 60
  grep -q "clock_mhz: 777" "$cfg" && kill -9 $PPID;;
esac''' % lpusim
    fake = wrapper(work, lpusim, body)
    spec = write_spec(work / "failures.yaml", {"version": 1, "sweep": {
        "name": "failures", "config": str(TINY), "mode": "run", "timeout_s": 3,
        "grid": {"chip.mxm.planes": [4, 0]},
        "list": [{"chip.clock_mhz": 555}, {"chip.clock_mhz": 666}, {"chip.clock_mhz": 777}],
        "workloads": [str(GEMM64), str(TOO_BIG)]}})
    out = work / "out"
    p = sweep(spec, out, "--retries", 1, lpusim=fake)
    rows = {(r["param.chip.mxm.planes"], r["param.chip.clock_mhz"], r["workload"]): r for r in csv_rows(out)}
    check(len(rows) == 10 and len(jsonl(out)) == 10, f"{len(rows)} rows, expected 5 points x 2 workloads")
    g, big = str(GEMM64), str(TOO_BIG)
    want = {
        ("4", "900", g): ("ok", r"^$"),
        ("4", "900", big): ("failed", r"^compile: .*too_big\.yaml:\d+:\d+: tensor 'X' does not fit in MEM"),
        ("0", "900", g): ("failed", r"^config: configs/[0-9a-f]{12}\.yaml:\d+:\d+: chip\.mxm\.planes: value 0 out of "
                                    r"range \[1, 8\]$"),
        ("0", "900", big): ("failed", r"^config: .*chip\.mxm\.planes: value 0 out of range"),
        ("4", "555", g): ("failed", r"^run: took 1(\d+) cycles, the compiler predicted \1$"),
        ("4", "666", g): ("failed", r"^timed out after 3 s \(in run\)$"),
        ("4", "777", g): ("failed", r"^its worker process died 2 times \(last: killed by SIGKILL\)$"),
    }
    for key, (status, reason) in want.items():
        r = rows.get(key)
        check(r is not None, f"no row for {key}")
        check(r["status"] == status and re.search(reason, r["error"]),
              f"{key}: {r['status']} '{r['error']}', expected {status} matching {reason}")
    check(rows[("0", "900", g)]["config_hash"] == "", "a refused config has a hash")
    check(rows[("4", "900", big)]["config_hash"] == rows[("4", "900", g)]["config_hash"] != "",
          "the too-big workload's point lost its config hash")
    check(rows[("4", "555", g)]["predicted_cycles"] != "", "the mismatched point lost its predicted cycles")
    check("failed" in p.stdout and "does not fit" in p.stdout, f"the summary does not list failures:\n{p.stdout}")
    for r in rows.values():
        check("\n" not in r["error"], f"a reason of more than one line: {r['error']!r}")
    print("ok: " + "; ".join(f"{k[0]}/{k[1]}/{pathlib.Path(k[2]).stem}: {rows[k]['error'][:60] or 'ok'}"
                             for k in want))
    # --retry-failed: the failed ones again, now with the real lpusim: the CSV shows the new rows.
    sweep(spec, out, "--retry-failed", lpusim=lpusim)
    rows2 = {(r["param.chip.mxm.planes"], r["param.chip.clock_mhz"], r["workload"]): r for r in csv_rows(out)}
    failed_before = sum(r["status"] == "failed" for r in rows.values())
    check(len(jsonl(out)) == 10 + failed_before, "--retry-failed did not append one row per failed point")
    for key in (("4", "555", g), ("4", "666", g), ("4", "777", g)):
        check(rows2[key]["status"] == "ok", f"{key} after --retry-failed: {rows2[key]['error']}")
    check(rows2[("0", "900", g)]["status"] == "failed", "the refused config passed on retry")
    check(rows2[("4", "900", g)]["wall_s"] == rows[("4", "900", g)]["wall_s"], "an ok point ran again")
    print(f"ok: --retry-failed ran the {failed_before} failed points again; the CSV shows their new rows, "
          f"the JSON lines keep both")


# ------------------------------------------------------------------------- (d) dask

def part_dask(lpusim, work):
    import dask
    from distributed import Client, LocalCluster
    spec = grid_spec(work, [{"chip.mxm.planes": 0}])  # and a refused config: the same reason everywhere
    local = work / "local"
    sweep(spec, local, lpusim=lpusim)
    # A worker's death counts against every task assigned to it: with one task per worker thread
    # (worker-saturation 1.0) only the one it runs. Allowed failures 1: the second death is KilledWorker.
    dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0})
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        address = cluster.scheduler_address
        sweep(spec, work / "dask", "--executor", "dask", "--scheduler", address, lpusim=lpusim)
        check(without_wall(csv_rows(work / "dask")) == without_wall(csv_rows(local)),
              "the Dask sweep's rows differ from the local pool's")
        refused = [r for r in csv_rows(local) if r["status"] == "failed"]
        check(len(refused) == 1 and "chip.mxm.planes: value 0 out of range" in refused[0]["error"],
              f"the refused point: {refused}")
        print(f"ok: on a LocalCluster ({address}, 2 workers), the same {len(csv_rows(local))} rows as the local pool, "
              f"the refused config's reason included")
        # A worker killed mid-sweep: its task goes to the other worker.
        slow = wrapper(work, lpusim, 'case "$1" in run) sleep 0.3;; esac')
        out = work / "killed"
        cmd = [sys.executable, str(SWEEP), str(spec), "--out", str(out), "--lpusim", str(slow), "-q",
               "--executor", "dask", "--scheduler", address]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_rows(out, 1, proc)
        victim = sorted(client.run(os.getpid).values())[0]
        os.kill(victim, signal.SIGKILL)
        at_kill = len(jsonl(out))
        _, err = proc.communicate(timeout=240)
        check(proc.returncode == 0, f"after a worker was killed: exit {proc.returncode}\n{err}")
        check(at_kill < 8, f"the worker was killed after the sweep ended ({at_kill} rows)")
        points = [r["point"] for r in jsonl(out)]
        check(len(points) == len(set(points)) == 8, f"{len(points)} rows for {len(set(points))} points")
        check(without_wall(csv_rows(out)) == without_wall(csv_rows(local)),
              "after a killed worker the rows differ from the local pool's")
        print(f"ok: worker {victim} killed after {at_kill} rows: every row once, the same rows")
        # A point that kills every worker running it: KilledWorker (allowed-failures 1), a failed row.
        client.wait_for_workers(2, timeout=120)
        deadly = wrapper(work, lpusim, 'case "$1" in run) grep -q "clock_mhz: 777" "$cfg" && kill -9 $PPID;; esac')
        spec2 = write_spec(work / "deadly.yaml", {"version": 1, "sweep": {
            "name": "deadly", "config": str(TINY), "mode": "run", "grid": {"chip.clock_mhz": [900, 777]},
            "workloads": [str(GEMM64)]}})
        sweep(spec2, work / "deadly", "--executor", "dask", "--scheduler", address, lpusim=deadly)
        rows = {r["param.chip.clock_mhz"]: r for r in csv_rows(work / "deadly")}
        check(rows["900"]["status"] == "ok", f"the harmless point failed: {rows['900']['error']}")
        check(rows["777"]["status"] == "failed" and "KilledWorker" in rows["777"]["error"],
              f"the deadly point: {rows['777']['status']} {rows['777']['error']}")
        print(f"ok: a point that kills its workers: failed, '{rows['777']['error'][:80]}...'")


# ------------------------------------------------------------------------- system

def part_system(lpusim, work):
    spec = write_spec(work / "pipeline.yaml", {"version": 1, "sweep": {
        "name": "pipeline", "mode": "run", "grid": {"gen.chips": [2, 3], "gen.cable_latency": [100, 216]},
        "workloads": [{"generator": "pipeline", "args": {"batches": 2, "rows": 4}}]}})
    out = work / "pipeline"
    sweep(spec, out, lpusim=lpusim)
    meta = json.loads((out / "sweep.json").read_text())
    rows = csv_rows(out)
    cycles = {}
    for r, pt in zip(rows, meta["points"]):
        check(r["status"] == "ok", f"pipeline {pt['params']}: {r['error']}")
        system = yaml.safe_load((out / pt["config"]).read_text())
        check(system["system"]["topology"]["chips"] == pt["params"]["gen.chips"] == int(r["chips"]),
              f"{pt['config']}: not a node of {pt['params']['gen.chips']} chips")
        check(system["system"]["link_defaults"]["cable_latency"] == pt["params"]["gen.cable_latency"],
              f"{pt['config']}: not the point's cable latency")
        resolved = yaml.safe_load(subprocess.run([lpusim, "system", "--system", out / pt["config"], "--config"],
                                                 capture_output=True, text=True, check=True).stdout)
        check(canonical_hash(resolved) == r["config_hash"], f"{pt['config']}: config_hash")
        check(int(r["stats.chips.c0.macs"]) == 8 * LANES * LANES, "chip c0 did not multiply its 8 rows")
        cycles[(int(r["param.gen.chips"]), int(r["param.gen.cable_latency"]))] = int(r["simulated_cycles"])
    # One more chip is one more link to cross: more cycles, and more with the longer cable.
    for cable in (100, 216):
        check(cycles[(3, cable)] > cycles[(2, cable)], f"cable {cable}: 3 chips not slower than 2")
    extra = (cycles[(3, 216)] - cycles[(2, 216)]) - (cycles[(3, 100)] - cycles[(2, 100)])
    check(abs(extra - (216 - 100)) <= 1, f"the third chip costs {extra} cycles more with 116 more cycles of cable")
    print(f"ok: pipeline over 2-3 chips x cable 100/216: outputs equal numpy, cycles {cycles}")
    spec = work / "ber.yaml"
    spec.write_text(f"""version: 1
sweep:
  system: {ROOT}/configs/systems/node-8-tiny.yaml
  mode: run
  grid:
    system.link_defaults.ber: [0, 1e-3]   # 1e-3: a YAML 1.2 float
  workloads:
    - {{generator: allreduce, args: {{rows: 2}}}}
""")
    sweep(spec, work / "ber", lpusim=lpusim)
    rows = {float(r["param.system.link_defaults.ber"]): r for r in csv_rows(work / "ber")}
    check(set(rows) == {0.0, 1e-3}, f"BER values {sorted(rows)}")
    for ber, r in rows.items():
        check(r["status"] == "ok", f"allreduce at BER {ber}: {r['error']}")
        corrected = sum(int(v) for k, v in r.items()
                        if re.fullmatch(r"stats\.links\.\d+\.(a_to_b|b_to_a)\.fec\.corrected", k))
        check((corrected > 0) == (ber > 0), f"BER {ber}: {corrected} codewords corrected")
        check(int(r["chips"]) == 8 and int(r["info.diameter"]) == 1, "node-8: not 8 chips at 1 hop")
    print("ok: all-reduce on node-8-tiny at BER 0 and 1e-3: outputs equal numpy, corrected codewords only with errors")


# ------------------------------------------------------------------------- (e) errors

GOOD_SPEC = {"version": 1, "sweep": {"config": str(TINY), "grid": {"chip.mxm.planes": [2, 4]},
                                     "workloads": [str(GEMM64)]}}


def error_case(lpusim, work, name, expect, pattern, text=None, flags=(), spec=None, auto_out=True):
    """sweep.py on a bad spec or flags: exit `expect` and one stderr line matching `pattern`."""
    if text is not None:
        spec = work / f"{name}.yaml"
        spec.write_text(text)
    args = [str(spec)] if spec is not None else []
    cmd = [sys.executable, str(SWEEP), *args, "--lpusim", str(lpusim), *map(str, flags)]
    if "--out" not in flags and spec is not None and auto_out:
        cmd += ["--out", str(work / f"out-{name}")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    lines = p.stderr.strip().splitlines()
    if p.returncode != expect or len(lines) != 1 or not re.search(pattern, lines[0]) \
            or not lines[0].startswith("sweep.py: error: "):
        fail(f"{name}: exit {p.returncode} (expected {expect}), stderr {p.stderr!r}, expected one line "
             f"matching {pattern!r}")
    print(f"ok: {name}: exit {expect}: {lines[0]}")


def spec_text(**changes):
    """The good spec with some of its sweep keys changed, as YAML."""
    doc = json.loads(json.dumps(GOOD_SPEC))
    doc["sweep"].update(changes)
    return yaml.safe_dump(doc, sort_keys=False)


def part_errors(lpusim, work):
    def case(*args, **kwargs):
        error_case(lpusim, work, *args, **kwargs)

    g = work / "good.yaml"
    g.write_text(yaml.safe_dump(GOOD_SPEC, sort_keys=False))
    case("no-out", 2, r"required: --out", spec=g, auto_out=False)
    case("jobs", 2, r"--jobs: expected at least 1", spec=g, flags=("--jobs", 0, "--out", work / "o"))
    case("dask-no-scheduler", 2, r"--executor dask needs --scheduler", spec=g,
         flags=("--executor", "dask", "--out", work / "o"))
    case("scheduler-local", 2, r"--scheduler is for --executor dask", spec=g,
         flags=("--scheduler", "tcp://127.0.0.1:1", "--out", work / "o"))
    case("executor", 2, r"invalid choice: 'ray'", spec=g, flags=("--executor", "ray", "--out", work / "o"))
    case("no-spec-file", 3, r"nothing\.yaml: cannot read", spec=work / "nothing.yaml")
    case("yaml-syntax", 3, r"yaml-syntax\.yaml:\d+:\d+: ", text="version: 1\nsweep:\n  grid: [1, 2\n")
    case("duplicate-key", 3, r"duplicate-key\.yaml:4:\d+: duplicate key 'mode'",
         text="version: 1\nsweep:\n  mode: run\n  mode: compile\n")
    case("unknown-key", 3, r"unknown-key\.yaml:\d+:\d+: sweep\.gird: unknown key \(did you mean 'grid'\?\)",
         text=spec_text(gird={"chip.mxm.planes": [2]}))
    case("unknown-param", 3, r"unknown-param\.yaml:5:\d+: sweep\.grid\.chip\.mxm\.planess: not a parameter of "
                             r".*tiny\.yaml \(did you mean 'chip\.mxm\.planes'\?\); every parameter: lpusim config",
         text=spec_text(grid={"chip.mxm.planess": [2]}))
    case("section", 3, r"sweep\.grid\.chip\.mxm: 'chip\.mxm' is a section, not a parameter",
         text=spec_text(grid={"chip.mxm": [2]}))
    case("not-chip", 3, r"sweep\.grid\.mxm\.planes: a chip config's keys start with 'chip\.'",
         text=spec_text(grid={"mxm.planes": [2]}))
    case("empty-axis", 3, r"sweep\.grid\.chip\.mxm\.planes: expected a non-empty list",
         text=spec_text(grid={"chip.mxm.planes": []}))
    case("repeated-value", 3, r":7:\d+: sweep\.grid\.chip\.mxm\.planes\[1\]: value 2 is listed twice",
         text=spec_text(grid={"chip.mxm.planes": [2, 2]}))
    case("value-type", 3, r"sweep\.grid\.chip\.mxm\.planes\[0\]: expected a value .*got list",
         text=spec_text(grid={"chip.mxm.planes": [[2]]}))
    case("repeated-point", 3, r"sweep\.list\[0\]: this point is already in the sweep",
         text=spec_text(list=[{"chip.mxm.planes": 4}]))
    case("mode", 3, r"sweep\.mode: expected one of compile, run, got 'simulate'", text=spec_text(mode="simulate"))
    case("timeout", 3, r"sweep\.timeout_s: expected seconds > 0", text=spec_text(timeout_s=0))
    case("no-workload-file", 3, r"sweep\.workloads\[0\]: no such file: .*nope\.yaml",
         text=spec_text(workloads=["nope.yaml"]))
    case("no-base", 3, r"sweep: missing required key 'config'",
         text=yaml.safe_dump({"version": 1, "sweep": {"workloads": [str(GEMM64)]}}))
    case("version", 3, r"version: this sweep\.py reads version 1, got 2",
         text=yaml.safe_dump({"version": 2, "sweep": GOOD_SPEC["sweep"]}))
    case("generator", 3, r"sweep\.workloads\[0\]\.generator: gen_system\.py has no workload 'nope' \(its workloads: "
                         r"'pipeline', 'allreduce', 'multihop'\)",
         text=yaml.safe_dump({"version": 1, "sweep": {"workloads": [{"generator": "nope"}]}}))
    node8 = str(ROOT / "configs/systems/node-8-tiny.yaml")
    case("generator-option", 3, r"sweep\.workloads\[0\]\.args\.rowz: not an option of gen_system\.py allreduce "
                                r"\(did you mean 'rows'\?\)",
         text=yaml.safe_dump({"version": 1, "sweep": {
             "system": node8, "workloads": [{"generator": "allreduce", "args": {"rowz": 2}}]}}))
    case("pipeline-system-key", 3, r"sweep\.grid\.system\.link_defaults\.ber: this sweep's generators write their "
                                   r"own system: only gen\.\* keys",
         text=yaml.safe_dump({"version": 1, "sweep": {
             "grid": {"system.link_defaults.ber": [0]},
             "workloads": [{"generator": "pipeline", "args": {"chips": 2}}]}}))
    case("pipeline-chips", 3, r"sweep\.workloads\[0\]: gen_system\.py pipeline needs --chips",
         text=yaml.safe_dump({"version": 1, "sweep": {"workloads": [{"generator": "pipeline"}]}}))
    case("system-key", 3, r"sweep\.grid\.system\.link_defaults\.berr: not a parameter of .*node-8-tiny\.yaml "
                          r"\(did you mean 'system\.link_defaults\.ber'\?\)",
         text=yaml.safe_dump({"version": 1, "sweep": {
             "system": node8, "grid": {"system.link_defaults.berr": [0]},
             "workloads": [{"generator": "allreduce"}]}}))
    errors_in_out_dir(lpusim, work, g)


def errors_in_out_dir(lpusim, work, g):
    """An output directory holding another spec's results, a damaged table, another driver."""
    def case(*args, **kwargs):
        error_case(lpusim, work, *args, **kwargs)

    out = work / "taken"
    sweep(g, out, "--jobs", 2, lpusim=lpusim, expect=0)
    other = work / "other.yaml"
    other.write_text(spec_text(grid={"chip.mxm.planes": [2, 8]}))
    case("other-spec", 2, r"holds the results of another sweep spec .* --force to start over", spec=other,
         flags=("--out", out))
    p = sweep(other, out, "--force", lpusim=lpusim)
    old = [d for d in out.iterdir() if d.name.startswith("previous-")]
    check(len(old) == 1 and (old[0] / "results.jsonl").exists() and len(jsonl(out)) == 2,
          "--force did not move the old results aside and start over")
    print(f"ok: --force: the old results in {old[0].name}/, a new table")
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text(lines[0][:-5] + "\n" + lines[1] + "\n")
    case("damaged-table", 3, r"results\.jsonl:1: not a JSON row", spec=other, flags=("--out", out))
    import fcntl
    with open(out / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        case("locked", 2, r"another sweep\.py is running there", spec=other, flags=("--out", out))
    p = subprocess.run([sys.executable, str(SWEEP), "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "examples/sweeps/tiny_mxm.yaml" in p.stdout and "--retry-failed" in p.stdout,
          "--help has no example")
    print("ok: --help shows an example")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lpusim, work, part = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve(), sys.argv[3]
    parts = {"grid": part_grid, "resume": part_resume, "failures": part_failures, "dask": part_dask,
             "system": part_system, "errors": part_errors}
    if part not in parts:
        sys.exit(f"unknown part '{part}' (parts: {', '.join(parts)})")
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    t0 = time.monotonic()
    parts[part](lpusim, work)
    print(f"PASS ({time.monotonic() - t0:.1f} s)")


if __name__ == "__main__":
    main()
