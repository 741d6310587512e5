#!/usr/bin/python3
"""One system run, the same bytes however it is spread (docs/system.md, "Running over MPI").

Runs `lpusim run --system ...` in one process, on 2 threads, and under `mpirun -np N` for each N
given, every run writing its outputs (stats, trace, dumps, waves: whatever the arguments name)
under its own directory, and requires every file of every run to be byte-identical to the plain
run's. Arguments after `--` are lpusim's (`run --system ...`); `{out}` in them is replaced by the run's directory.

    check_system_ranks.py LPUSIM MPIRUN WORKDIR [--ranks 1,2,3] -- run --system S ... --stats {out}/s.json
"""
import argparse
import os
import shutil
import subprocess
import sys


def run(label, cmd, out, timeout):
    os.makedirs(out)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.exit(f"FAIL {label}: exit {p.returncode}\n$ {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def files_under(root):
    found = []
    for d, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(found)


def same_bytes(dir_a, dir_b, f):
    """Whether file f is the same in both runs, up to the run's own directory (a GTKWave save file
    names its waveform's path)."""
    with open(os.path.join(dir_a, f), "rb") as x, open(os.path.join(dir_b, f), "rb") as y:
        a, b = x.read(), y.read()
    return a.replace(os.fsencode(dir_a), b"{out}") == b.replace(os.fsencode(dir_b), b"{out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim")
    ap.add_argument("mpirun", help="mpirun, or '' to check threads only")
    ap.add_argument("workdir")
    ap.add_argument("--ranks", default="1,2,3", help="comma-separated rank counts for mpirun")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="-- then the arguments of lpusim run")
    a = ap.parse_args()
    args = a.args[1:] if a.args[:1] == ["--"] else a.args
    if "--system" not in args:
        ap.error("the run's arguments (after --) must name --system")
    shutil.rmtree(a.workdir, ignore_errors=True)

    def cmd_for(out):
        return [x.replace("{out}", out) for x in args]

    runs = [("plain", [a.lpusim], []), ("threads-2", [a.lpusim], ["--threads", "2"])]
    if a.mpirun:
        for n in a.ranks.split(","):
            launcher = [a.mpirun, "--allow-run-as-root", "--oversubscribe", "-np", n]
            runs.append((f"ranks-{n}", launcher + [a.lpusim], []))
    base = None
    for label, prefix, extra in runs:
        out = os.path.join(a.workdir, label)
        stdout = run(label, prefix + cmd_for(out) + extra, out, a.timeout)
        files = files_under(out)
        if base is None:
            base = (out, files)
            if not files:
                sys.exit("FAIL: the run's arguments name no output under {out}")
            print(f"plain: {len(files)} files; {stdout.strip().splitlines()[0]}")
            continue
        if files != base[1]:
            sys.exit(f"FAIL {label}: files {files} differ from the plain run's {base[1]}")
        for f in files:
            if same_bytes(base[0], out, f):
                continue
            sys.exit(f"FAIL {label}: {f} differs from the plain run's")
        print(f"{label}: {len(files)} files, byte-identical")
    print("PASS")


if __name__ == "__main__":
    main()
