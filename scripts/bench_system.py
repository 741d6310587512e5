#!/usr/bin/python3
"""System benchmark (not a test): the layer-pipelined MLP of examples/system/gen_system.py on
1, 2, 4, 8 and 72 tiny chips, every chip computing one 16 x 16 int8 layer (bias, ReLU, requant)
over the same rows, so the simulated work grows exactly with the chips; then the largest systems
again on 2 threads and over 1 and 2 MPI ranks (72 chips also with the chain's nodes interleaved
between the two ranks' halves of the rack, `gen_system.py --rack-order interleaved`). Prints a Markdown table: simulated cycles/s (of
the system, and summed over chips), host MAC/s, wall time and the largest process's maximum RSS
in all and per chip.

Times are those of the run with the least simulated time of --repeat runs (the machine is shared:
the least is the least disturbed). "simulated s" is lpusim's own figure (the run itself), and the
rates are per simulated second; "wall s" and "CPU s" (user + system, every process of the run) are
the whole process (loading the system, assembling the programs, loading the tensors). CPU time
is the least disturbed by other load, so "CPU ms per chip" is the figure to watch for linearity. Every
point runs through `lpusim run --system` (one chip: a system of one chip without links).

  scripts/bench_system.py [--build-dir build] [--chips 1 2 4 8 72] [--batches 128] [--rows 8]
                          [--repeat 3] [--parallel 8 72] [--mpirun mpirun] [--work DIR]
"""
import argparse
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "examples", "system", "gen_system.py")
sys.path.insert(0, os.path.dirname(GEN))
from lpusys import positive  # noqa: E402  (the generators' argument type)
SIMULATED = re.compile(r"simulated in ([\d.]+) s")


def run_once(cmd, cwd):
    """(wall s, CPU s, max RSS MiB of the largest process, stdout) of one run. CPU time and RSS come
    from wait4: the child's own and its waited-for descendants' (mpirun's ranks): CPU summed, RSS
    the largest."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the pipes while the child runs, then reap it ourselves to get its rusage.
    out, err = b"", b""
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    sel.register(p.stderr, selectors.EVENT_READ)
    open_ = 2
    while open_:
        for key, _ in sel.select():
            chunk = key.fileobj.read1(65536)
            if not chunk:
                sel.unregister(key.fileobj)
                open_ -= 1
            elif key.fileobj is p.stdout:
                out += chunk
            else:
                err += chunk
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench_system.py: exit {p.returncode}: {' '.join(cmd)}\n{out.decode()}{err.decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, out.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"), help="where lpusim is (default build)")
    ap.add_argument("--chips", type=positive, nargs="+", default=[1, 2, 4, 8, 72],
                    help="system sizes (1-17 or 72; default 1 2 4 8 72)")
    ap.add_argument("--batches", type=positive, default=128, help="batches per chip (default 128)")
    ap.add_argument("--rows", type=positive, default=8, help="rows per batch (default 8)")
    ap.add_argument("--repeat", type=positive, default=3, help="runs per point, best taken (default 3)")
    ap.add_argument("--parallel", type=positive, nargs="*", default=[8, 72],
                    help="sizes also run on 2 threads and over 1 and 2 ranks (default 8 72)")
    ap.add_argument("--mpirun", default=shutil.which("mpirun") or "", help="mpirun ('' : no rank runs)")
    ap.add_argument("--work", help="work directory (default: a new temporary one, removed afterwards)")
    a = ap.parse_args()
    for n in a.chips + a.parallel:
        if not (n <= 17 or n == 72):
            ap.error(f"{n} chips: neither 1 to 17 (a node of tiny chips) nor 72 (a rack)")
    if any(n == 1 for n in a.parallel):
        ap.error("--parallel: a single chip has nothing to spread over threads or ranks")
    lpusim = os.path.join(os.path.abspath(a.build_dir), "lpusim")
    if not os.access(lpusim, os.X_OK):
        ap.error(f"no lpusim in {a.build_dir}")
    work = a.work or tempfile.mkdtemp(prefix="lpusim-bench-system-")
    os.makedirs(work, exist_ok=True)
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.1f} at start; pipeline of {a.batches} x {a.rows} rows "
          f"per chip on tiny chips; best of {a.repeat}\n")
    print("| chips | how | instructions | MACs | system cycles | chip-cycles | simulated s | wall s | CPU s | CPU ms per chip "
          "| system cycles/s | chip-cycles/s | host MAC/s | max RSS MiB (largest process) | per chip in it |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    points = [(n, "1 thread", 1, 0, "in-order") for n in a.chips]
    for n in a.parallel:
        points.append((n, "2 threads", 2, 0, "in-order"))
        if a.mpirun:
            points += [(n, "mpirun -np 1", 1, 1, "in-order"), (n, "mpirun -np 2", 1, 2, "in-order")]
            if n == 72:  # the chain's nodes alternating between the halves that the two ranks run
                points += [(n, "interleaved: 1 thread", 1, 0, "interleaved"),
                           (n, "interleaved: mpirun -np 2", 1, 2, "interleaved")]
    generated = {}
    for n, how, threads, ranks, order in points:
        d = os.path.join(work, f"chips-{n}-{order}")
        if (n, order) not in generated:
            subprocess.run([sys.executable, GEN, "pipeline", "--chips", str(n), "--batches", str(a.batches),
                            "--rows", str(a.rows), "--rack-order", order, "--out", d, "--lpusim", lpusim], check=True,
                           capture_output=True)
            generated[(n, order)] = json.load(open(os.path.join(d, "run.json")))
        run = generated[(n, order)]
        stats = os.path.join(d, f"stats-{threads}-{ranks}.json")
        cmd = [lpusim, "run", "--system", run["system"], "--programs", run["programs"], "--stats", stats,
               "--threads", str(threads)]
        cmd += [f"--load={c}:{t}={f}" for c, t, f in run["load"]]
        if ranks:
            cmd = [a.mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks)] + cmd
        best = None
        for _ in range(a.repeat):
            wall, cpu, rss, out = run_once(cmd, d)
            sim = max(float(SIMULATED.search(out).group(1)), 0.0005)  # printed to the ms
            if best is None or sim < best[0]:
                best = (sim, wall, cpu, rss)
        sim, wall, cpu, rss = best
        s = json.load(open(stats))
        chips = s["chips"].values() if "chips" in s else [s]
        macs = sum(c["macs"] for c in chips)
        instr = sum(c["instructions"] for c in chips)
        chip_cycles = sum(c["cycles"] for c in chips)
        cycles = max(c["cycles"] for c in chips)
        per_process = -(-n // max(ranks, 1))  # chips in the largest process
        print(f"| {n} | {how} | {instr:,} | {macs:,} | {cycles:,} | {chip_cycles:,} | {sim:.3f} | {wall:.3f} | {cpu:.3f} | {1e3 * cpu / n:.1f} | "
              f"{cycles / sim:,.0f} | {chip_cycles / sim:,.0f} | {macs / sim:.3g} | {rss:.1f} | {rss / per_process:.2f} |",
              flush=True)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} at the end")
    if not a.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
